/*
 * sidebundle create: options, then the steps in order: static analysis of
 * the entries, traces, --copy-dir, --include, the glibc rules, the mount
 * points; then payload/, bin/, manifest.lock and check/ in
 * DIR/.NAME.tmp-XXXXXX; then, unless --no-check, the traced runs again
 * in an empty root, adding what they miss; then the build is renamed
 * into place as a whole.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "closure.h"
#include "create.h"
#include "deps.h"
#include "dpkg.h"
#include "image.h"
#include "launch.h"
#include "layout.h"
#include "path.h"
#include "pathglob.h"
#include "payload.h"
#include "rules.h"
#include "rundefaults.h"
#include "runrec.h"
#include "trace.h"
#include "why.h"
#include "words.h"

#define CREATE_USAGE                                                                               \
	"usage: sidebundle create --out-dir DIR --name NAME --from-host PATH[::trace=ARGS]...\n"   \
	"           [--trace 'SHELL COMMAND']... [--db TRACE.db]...\n"                             \
	"           [--trace-backend off|preload|ptrace|auto] [--run-mode host|bwrap|chroot]\n"    \
	"           [--copy-dir SRC[:DEST]]... [--include GLOB]... [--exclude GLOB]...\n"          \
	"           [--set-env K=V]... [--check | --no-check] [-r ROOT] [-q] [-v]\n"               \
	"           [--run-no-net] [--run-clean-env] [--run-bind SRC[:DEST]]...\n"                 \
	"           [--run-ro-bind SRC[:DEST]]... [--run-workspace DIR]\n"                         \
	"       sidebundle create --out-dir DIR --name NAME\n"                                     \
	"           --from-image REF[::PATH][::trace[=ARGS]]... [--image-max-size BYTES]\n"        \
	"           [--trace 'SHELL COMMAND']... [--db TRACE.db]... [option]...\n"
#define CREATE_HELP                                                                                \
	CREATE_USAGE                                                                               \
	"Make DIR/NAME, a bundle of the programs and what they need (sidebundle(1)).\n"            \
	"  --out-dir DIR           where the bundle goes (made if missing)\n"                      \
	"  --name NAME             the bundle's directory in DIR\n"                                \
	"  --from-host PATH[::trace=ARGS]  an entry; with ::trace=, run and traced with ARGS\n"    \
	"  --from-image REF[::PATH][::trace[=ARGS]]  an entry of an OCI image, its root\n"         \
	"  --image-max-size BYTES  the most an image may hold unpacked (default 16G)\n"            \
	"  --trace 'SHELL COMMAND' trace a command run by /bin/sh -c, for what it uses\n"          \
	"  --db TRACE.db           add what an sbtrace database recorded\n"                        \
	"  --trace-backend B       off, preload, ptrace or auto (default): how to trace\n"         \
	"  --run-mode M            host (default), bwrap or chroot: how bin/ENTRY runs it\n"       \
	"  --copy-dir SRC[:DEST]   copy the tree SRC (absolute) to DEST (default SRC)\n"           \
	"  --include GLOB          add the paths GLOB matches, and all below them\n"               \
	"  --exclude GLOB          leave out the paths GLOB matches, and all below them\n"         \
	"  --set-env K=V           set K=V when an entry runs\n"                                   \
	"  --run-no-net            the bundle runs without network by default (sandbox modes)\n"   \
	"  --run-clean-env         the bundle runs in a clean environment by default\n"            \
	"  --run-bind SRC[:DEST]   bind the host path SRC read-write at DEST when it runs\n"       \
	"  --run-ro-bind SRC[:DEST] the same, read-only\n"                                         \
	"  --run-workspace DIR     bind DIR at /workspace and start there when it runs\n"          \
	"  --check, --no-check     run the traced commands again in an empty root, or not\n"       \
	"  -r ROOT                 take everything from the tree ROOT instead of /\n"              \
	"  -q                      print only errors and warnings that need acting on\n"           \
	"  -v                      name each path left out, and why\n"                             \
	"  -h, --help              this help\n"

/* create --check: at most this many empty-root runs of each command;
 * what one finds missing is added before the next */
#define CHECK_ROUNDS 3

volatile sig_atomic_t sb_interrupted;

struct strv {
	char **v;
	size_t n;
};

struct opts {
	const char *outdir, *name, *root, *backend, *run_mode;
	struct strv from, traces, dbs, copies, includes, excludes, env;
	struct strv images; /* --from-image specs */
	uint64_t image_max;
	int quiet, verbose;
	int check; /* 1 --check, 0 --no-check, -1 where bwrap works */
};

struct build {
	struct opts *o;
	int dirfd; /* DIR */
	char tmpname[NAME_MAX + 1];
	int buildfd; /* DIR/.NAME.tmp-XXXXXX */
	struct closure c;
	struct entry *entries;
	size_t nentries;
	struct strv libdirs; /* raw, in search order */
	struct strv tracedbs;
	struct trace_result tr;
	struct runrecs runs; /* the traces we ran, for check/ */
	char *realdir;	     /* DIR, resolved */
	const char *include; /* the --include being matched */
	struct dpkg *dpkg;   /* the root's packages, NULL if none known */
	struct image *img;   /* --from-image: the image, its root is o->root */
	struct image_spec *specs;
};

static void
usage(void)
{
	fputs(CREATE_USAGE, stderr);
	exit(2);
}

static void
strv_push(struct strv *s, const char *v)
{
	char **n = reallocarray(s->v, s->n + 1, sizeof *n);
	if (n == NULL || (n[s->n] = strdup(v)) == NULL)
		err(1, NULL);
	s->v = n;
	s->n++;
}

static int
strv_has(const struct strv *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

static void
strv_free(struct strv *s)
{
	words_free(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

static void
on_signal(int sig)
{
	sb_interrupted = sig;
}

/* --- options --------------------------------------------------------- */

/* "N", "NK", "NM", "NG" (powers of 1024) into *out; -1 when not so. */
static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	int shift = 0;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno != 0 || s[0] == '-')
		return -1;
	if (*end == 'K' || *end == 'M' || *end == 'G')
		shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
	if ((shift && end[1] != '\0') || (!shift && *end != '\0') || v == 0 ||
	    v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = { { "check", no_argument, NULL, 'C' },
		{ "copy-dir", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' }, { "exclude", required_argument, NULL, 'x' },
		{ "from-host", required_argument, NULL, 'f' },
		{ "from-image", required_argument, NULL, 'I' },
		{ "image-max-size", required_argument, NULL, 'M' },
		{ "include", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' }, { "no-check", no_argument, NULL, 'N' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "run-mode", required_argument, NULL, 'm' },
		{ "run-no-net", no_argument, NULL, RUNDEF_NO_NET },
		{ "run-clean-env", no_argument, NULL, RUNDEF_CLEAN_ENV },
		{ "run-bind", required_argument, NULL, RUNDEF_BIND },
		{ "run-ro-bind", required_argument, NULL, RUNDEF_RO_BIND },
		{ "run-workspace", required_argument, NULL, RUNDEF_WORKSPACE },
		{ "set-env", required_argument, NULL, 'e' },
		{ "trace", required_argument, NULL, 't' },
		{ "trace-backend", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' }, { 0 } };
	int ch;

	o->backend = "auto";
	o->run_mode = "host";
	o->check = -1;
	o->image_max = IMAGE_MAX_BYTES;
	while ((ch = getopt_long(argc, argv, "+hqr:v", lo, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->backend = optarg;
			break;
		case 'C':
			o->check = 1;
			break;
		case 'N':
			o->check = 0;
			break;
		case 'c':
			strv_push(&o->copies, optarg);
			break;
		case 'd':
			strv_push(&o->dbs, optarg);
			break;
		case 'e':
			strv_push(&o->env, optarg);
			break;
		case 'f':
			strv_push(&o->from, optarg);
			break;
		case 'h':
			fputs(CREATE_HELP, stdout);
			exit(0);
		case 'I':
			strv_push(&o->images, optarg);
			break;
		case 'M':
			if (parse_size(optarg, &o->image_max) < 0) {
				warnx(
				    "create: --image-max-size %s: want a number of bytes, with K, M "
				    "or G after it",
				    optarg);
				usage();
			}
			break;
		case 'i':
			strv_push(&o->includes, optarg);
			break;
		case 'm':
			o->run_mode = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 't':
			strv_push(&o->traces, optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'x':
			strv_push(&o->excludes, optarg);
			break;
		case RUNDEF_NO_NET ... RUNDEF_WORKSPACE:
			if (rundefault_add(&o->env.v, &o->env.n, ch, optarg) < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc) {
		warnx("create: unexpected argument %s", argv[optind]);
		usage();
	}
}

static void
check_opts(struct opts *o)
{
	if (o->outdir == NULL || o->name == NULL) {
		warnx("create: --out-dir and --name are required");
		usage();
	}
	if (*o->outdir == '\0' || *o->name == '\0' || strchr(o->name, '/') ||
	    strcmp(o->name, ".") == 0 || strcmp(o->name, "..") == 0 ||
	    strlen(o->name) > NAME_MAX - 12) {
		warnx("create: --name %s: must be one path component", o->name);
		usage();
	}
	if (o->from.n == 0 && o->images.n == 0) {
		warnx("create: at least one --from-host PATH or --from-image REF is required");
		usage();
	}
	if (o->images.n > 0 && (o->from.n > 0 || o->root)) {
		warnx("create: --from-image takes everything from the image: not with %s",
		    o->root ? "-r ROOT" : "--from-host");
		usage();
	}
	if (strcmp(o->backend, "off") != 0 && strcmp(o->backend, "preload") != 0 &&
	    strcmp(o->backend, "ptrace") != 0 && strcmp(o->backend, "auto") != 0) {
		warnx("create: --trace-backend %s: want off, preload, ptrace or auto", o->backend);
		usage();
	}
	if (strcmp(o->run_mode, "host") != 0 && strcmp(o->run_mode, "bwrap") != 0 &&
	    strcmp(o->run_mode, "chroot") != 0) {
		warnx("create: --run-mode %s: want host, bwrap or chroot", o->run_mode);
		usage();
	}
	for (size_t i = 0; i < o->copies.n; i++) {
		const char *c = o->copies.v[i], *colon = strchr(c, ':');
		if (c[0] != '/' || (colon && colon[1] != '/')) {
			warnx("create: --copy-dir %s: %s must be an absolute path", c,
			    c[0] != '/' ? "SRC" : "DEST");
			usage();
		}
	}
	for (size_t i = 0; i < o->env.n; i++) {
		const char *eq = strchr(o->env.v[i], '=');
		if (eq == NULL || eq == o->env.v[i]) {
			warnx("create: --set-env %s: want K=V", o->env.v[i]);
			usage();
		}
	}
	/* a bundle that would refuse to start in its own run mode */
	if (rundefault_check(o->run_mode, o->env.v, o->env.n) < 0)
		usage();
	if (o->root && strcmp(o->root, "/") == 0)
		o->root = NULL;
	int traced = o->traces.n > 0;
	for (size_t i = 0; i < o->from.n; i++)
		traced |= strstr(o->from.v[i], "::trace=") != NULL;
	for (size_t i = 0; i < o->images.n; i++)
		traced |= strstr(o->images.v[i], "::trace") != NULL;
	if (o->root && traced && strcmp(o->backend, "off") != 0) {
		warnx("create: -r ROOT cannot be traced (the trace runs on this host); use --db");
		usage();
	}
	if (strcmp(o->backend, "off") == 0 && traced && !o->quiet)
		warnx("warning: --trace-backend off: ::trace and --trace are ignored; leave the "
		      "option out to trace");
}

/* --- entries --------------------------------------------------------- */

static void
entry_free(struct entry *e)
{
	free(e->name);
	free(e->path);
	free(e->trace_args);
	free(e->interp);
	free(e->interp_ldso);
	words_free(e->args, e->nargs);
}

/* Split each REF[::PATH][::trace[=ARGS]]: one image for all.  The
 * entries are found once the image is open (open_image). */
static void
parse_image_specs(struct build *b)
{
	struct opts *o = b->o;
	char why[1024];

	b->specs = calloc(o->images.n, sizeof *b->specs);
	b->entries = calloc(o->images.n, sizeof *b->entries);
	if (b->specs == NULL || b->entries == NULL)
		err(1, NULL);
	for (size_t i = 0; i < o->images.n; i++) {
		if (image_spec_parse(o->images.v[i], &b->specs[i], why, sizeof why) < 0) {
			warnx("create: --from-image %s", why);
			usage();
		}
		if (strcmp(b->specs[i].ref, b->specs[0].ref) != 0) {
			warnx("create: --from-image %s and %s: one image per bundle",
			    b->specs[0].ref, b->specs[i].ref);
			usage();
		}
	}
}

/* Split PATH[::trace=ARGS] and name the entry. */
static void
parse_entries(struct build *b)
{
	struct opts *o = b->o;

	if (o->images.n > 0) {
		parse_image_specs(b);
		return;
	}
	b->entries = calloc(o->from.n, sizeof *b->entries);
	if (b->entries == NULL)
		err(1, NULL);
	for (size_t i = 0; i < o->from.n; i++) {
		struct entry *e = &b->entries[i];
		char *spec = o->from.v[i], *t = strstr(spec, "::trace="), cwd[PATH_MAX];
		size_t pl = t ? (size_t)(t - spec) : strlen(spec), nl;
		if (pl == 0) {
			warnx("create: --from-host %s: no path", spec);
			usage();
		}
		if (t && (e->trace_args = strdup(t + 8)) == NULL)
			err(1, NULL);
		if (spec[0] != '/' && o->root) {
			warnx("create: --from-host %.*s: must be absolute with -r ROOT", (int)pl,
			    spec);
			usage();
		}
		if (spec[0] != '/' && getcwd(cwd, sizeof cwd) == NULL)
			err(1, "getcwd");
		e->path = path_normalize(spec[0] == '/' ? "/" : cwd,
		    strlen(spec[0] == '/' ? "/" : cwd), spec, pl, &nl);
		if (e->path == NULL)
			err(1, "%s", spec);
		const char *base = strrchr(e->path, '/') + 1;
		if (*base == '\0') {
			warnx("create: --from-host %s: names a directory", spec);
			usage();
		}
		if ((e->name = strdup(base)) == NULL)
			err(1, NULL);
		for (size_t k = 0; k < i; k++)
			if (strcmp(b->entries[k].name, e->name) == 0)
				errx(2, "create: entries %s and %s have the same name %s",
				    b->entries[k].path, e->path, e->name);
		b->nentries++;
	}
}

/* --from-image: unpack the image (or find it cached), take everything
 * from its root, and find the entries' programs in it. */
static int
open_image(struct build *b)
{
	struct opts *o = b->o;

	if ((b->img = calloc(1, sizeof *b->img)) == NULL) {
		warn(NULL);
		return -1;
	}
	if (image_open(b->img, b->specs[0].ref, o->image_max, o->quiet) < 0)
		return -1;
	o->root = b->img->root;
	for (size_t i = 0; i < o->images.n; i++) {
		struct image_spec *s = &b->specs[i];
		struct entry *e = &b->entries[i];
		if (image_entry(b->img, s, &e->path, &s->args, &s->nargs) < 0)
			return -1;
		if ((e->name = strdup(strrchr(e->path, '/') + 1)) == NULL ||
		    (s->trace_args && (e->trace_args = strdup(s->trace_args)) == NULL)) {
			warn(NULL);
			return -1;
		}
		b->nentries++;
		if (*e->name == '\0') {
			warnx("create: --from-image %s: names a directory", o->images.v[i]);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(b->entries[k].name, e->name) == 0) {
				warnx("create: entries %s and %s have the same name %s",
				    b->entries[k].path, e->path, e->name);
				return -1;
			}
	}
	return 0;
}

static enum origin
dep_origin(const struct dep *d, int script_entry)
{
	if (d->kind == DEP_SCRIPT_INTERP || (d->kind == DEP_ENTRY && script_entry))
		return OR_SCRIPT;
	return OR_ELF;
}

static void
note_libdir(struct build *b, const struct dep *d)
{
	char dir[PATH_MAX];

	if (d->path == NULL || (d->kind != DEP_NEEDED))
		return;
	strlcpy(dir, d->path, sizeof dir);
	char *s = strrchr(dir, '/');
	if (s == NULL)
		return;
	s[s == dir ? 1 : 0] = '\0';
	if (!strv_has(&b->libdirs, dir))
		strv_push(&b->libdirs, dir);
}

/* Why the static analysis brings x (see sidebundle-manifest(5), the why
 * file): the entry, or what needs it and how; NULL for the file a
 * traced ELF's analysis starts from, which keeps the trace's reason. */
static const char *
dep_why(const struct deps *d, const struct dep *x, const char *entry, char *buf, size_t len)
{
	const struct dep *p = x->parent >= 0 ? &d->v[x->parent] : NULL;
	const char *pp = p && p->path ? p->path : "?";

	switch (x->kind) {
	case DEP_ENTRY:
		if (entry == NULL)
			return NULL;
		snprintf(buf, len, "entry %s", entry);
		break;
	case DEP_INTERP:
		snprintf(buf, len, "PT_INTERP of %s", pp);
		break;
	case DEP_NEEDED:
		snprintf(buf, len, "DT_NEEDED of %s", pp);
		break;
	case DEP_SCRIPT_INTERP:
		snprintf(buf, len, "#! interpreter of %s", pp);
		break;
	}
	return buf;
}

/* Add every file of d to the closure, for the entry called entry (NULL:
 * a traced ELF).  Missing libraries are reported with who needs them;
 * returns the number of missing direct needs of an entry (errors), or
 * -1. */
static int
add_deps(struct build *b, const struct deps *d, int script_entry, const char *entry)
{
	int fatal = 0, explicit = entry != NULL;

	for (size_t i = 0; i < d->n; i++) {
		const struct dep *x = &d->v[i];
		char why[PATH_MAX + 32];
		if (x->path == NULL || x->missing) {
			const struct dep *p = x->parent >= 0 ? &d->v[x->parent] : NULL;
			int direct = p && p->kind == DEP_ENTRY && explicit;
			if (direct)
				warnx("%s: needed by %s: not found: install it (in ROOT with -r), "
				      "or make the loader find it (RUNPATH, /etc/ld.so.conf)",
				    x->name, p && p->path ? p->path : "?");
			else if (!b->o->quiet)
				warnx("warning: %s: needed by %s: not found, so not bundled; "
				      "if the program loads it, install it where the loader looks",
				    x->name, p && p->path ? p->path : "?");
			fatal += direct;
			continue;
		}
		enum ask ask = x->kind == DEP_ENTRY ? ASK_ENTRY : explicit ? ASK_NAMED : ASK_USED;
		/* a traced ELF is there for the trace; what it needs is the
		 * static analysis' (and says so, as its reason does) */
		enum origin o =
		    x->kind == DEP_ENTRY && !explicit ? OR_TRACE : dep_origin(x, script_entry);
		if (closure_add(&b->c, x->path, o, HOW_OBJECT, ask,
			dep_why(d, x, entry, why, sizeof why)) < 0)
			return -1;
		note_libdir(b, x);
	}
	return fatal;
}

/* What kind of entry d[0] is, from its direct children. */
static void
entry_kind(struct entry *e, const struct deps *d)
{
	e->kind = "elf-static";
	for (size_t i = 1; i < d->n; i++) {
		const struct dep *x = &d->v[i];
		if (x->parent != 0)
			continue;
		if (x->kind == DEP_INTERP) {
			e->kind = "elf-dynamic";
			if ((e->interp = strdup(x->path ? x->path : x->name)) == NULL)
				err(1, NULL);
			return;
		}
		if (x->kind == DEP_SCRIPT_INTERP) {
			/* the first is the interpreter that runs the script
			 * (after env's lookup); a second one is env itself */
			e->kind = "script";
			if ((e->interp = strdup(x->path ? x->path : x->name)) == NULL)
				err(1, NULL);
			for (size_t k = 0; x->args && x->args[k]; k++) {
				char **v = reallocarray(e->args, e->nargs + 2, sizeof *v);
				if (v == NULL || (v[e->nargs] = strdup(x->args[k])) == NULL)
					err(1, NULL);
				e->args = v;
				e->nargs++;
			}
			for (size_t k = i + 1; k < d->n; k++) {
				if (d->v[k].parent == (int)i && d->v[k].kind == DEP_INTERP) {
					const struct dep *l = &d->v[k];
					if ((e->interp_ldso =
						    strdup(l->path ? l->path : l->name)) == NULL)
						err(1, NULL);
					break;
				}
			}
			return;
		}
	}
}

static struct deps_opts
deps_options(const struct build *b)
{
	struct deps_opts o = { b->o->root, NULL, NULL };
	return o;
}

static int
analyse_entries(struct build *b)
{
	struct deps_opts dopt = deps_options(b);
	int fatal = 0;

	for (size_t i = 0; i < b->nentries; i++) {
		struct entry *e = &b->entries[i];
		struct deps d = { 0 };
		char errbuf[512];
		if (deps_analyse(&d, &dopt, e->path, errbuf, sizeof errbuf) < 0) {
			warnx("%s", errbuf);
			deps_free(&d);
			return -1;
		}
		entry_kind(e, &d);
		int rc = add_deps(b, &d, strcmp(e->kind, "script") == 0, e->name);
		deps_free(&d);
		if (rc < 0)
			return -1;
		fatal += rc;
	}
	if (fatal) {
		warnx("%d librar%s needed directly by an entry %s missing", fatal,
		    fatal == 1 ? "y" : "ies", fatal == 1 ? "is" : "are");
		return -1;
	}
	return 0;
}

/* Every ELF the traces saw run or loaded: its static needs too (a traced
 * gcc brings cc1's libraries even where the trace ran cc1 only once). */
static int
analyse_traced(struct build *b)
{
	struct deps_opts dopt = deps_options(b);

	for (size_t i = 0; i < b->tr.nelves; i++) {
		struct deps d = { 0 };
		char errbuf[512];
		if (deps_analyse(&d, &dopt, b->tr.elves[i], errbuf, sizeof errbuf) == 0 &&
		    add_deps(b, &d, 0, NULL) < 0) {
			deps_free(&d);
			return -1;
		}
		deps_free(&d);
	}
	return 0;
}

/* --- traces ---------------------------------------------------------- */

/* The label of a kept run: the entry's name, or --trace N. */
static void
run_label(char *buf, size_t len, const struct entry *e, size_t ntrace)
{
	if (e)
		snprintf(buf, len, "%s", e->name);
	else
		snprintf(buf, len, "--trace %zu", ntrace);
}

static int
run_traces(struct build *b)
{
	struct opts *o = b->o;
	char *sbtrace = NULL, cwd[PATH_MAX];
	int n = 0, rc = -1;

	if (strcmp(o->backend, "off") == 0)
		return 0;
	if (getcwd(cwd, sizeof cwd) == NULL) {
		warn("getcwd");
		return -1;
	}
	for (size_t i = 0; i <= b->nentries + o->traces.n; i++) {
		struct entry *e = i < b->nentries ? &b->entries[i] : NULL;
		const char *cmd =
		    !e && i < b->nentries + o->traces.n ? o->traces.v[i - b->nentries] : NULL;
		char db[PATH_MAX], label[NAME_MAX + 16], **w = NULL, **argv = NULL;
		size_t nw = 0;
		const char *why;
		struct outcome out = { 0 };
		if (e ? e->trace_args == NULL : cmd == NULL)
			continue;
		if (sbtrace == NULL && b->img == NULL && (sbtrace = trace_find_sbtrace()) == NULL) {
			warnx("sbtrace not found next to sidebundle or on PATH");
			goto out;
		}
		/* an image's ::trace alone: its Entrypoint and Cmd's arguments */
		const struct image_spec *sp = e && b->specs ? &b->specs[i] : NULL;
		if (e && !(sp && sp->trace_default) &&
		    words_split(e->trace_args, &w, &nw, &why) < 0) {
			warnx("%s %s::trace=%s: %s", sp ? "--from-image" : "--from-host", e->path,
			    e->trace_args, why);
			goto out;
		}
		size_t na = sp && sp->trace_default ? sp->nargs : nw;
		argv = calloc(na + 4, sizeof *argv);
		if (argv == NULL)
			err(1, NULL);
		if (e) {
			argv[0] = e->path;
			for (size_t k = 0; k < na; k++)
				argv[k + 1] = sp && sp->trace_default ? sp->args[k] : w[k];
		} else {
			argv[0] = "/bin/sh";
			argv[1] = "-c";
			argv[2] = (char *)cmd;
		}
		snprintf(db, sizeof db, "%s/%s/trace-%d.db", o->outdir, b->tmpname, ++n);
		run_label(label, sizeof label, e, i - b->nentries + 1);
		int r = b->img ? image_trace(b->img, o->backend, db, label, argv, &b->runs)
			       : trace_run(sbtrace, o->backend, db, argv, &out);
		if (r == 0 && !b->img && runrecs_add(&b->runs, label, argv, cwd, NULL, &out) < 0)
			err(1, NULL);
		outcome_free(&out);
		free(argv);
		words_free(w, nw);
		if (r < 0)
			goto out;
		strv_push(&b->tracedbs, db);
	}
	rc = 0;
out:
	free(sbtrace);
	return rc;
}

/* dir without its symbolic links, as the closure's walk sees it. */
static char *
real_dir(const struct build *b, const char *dir)
{
	char *r = b->o->root ? NULL : realpath(dir, NULL);
	return r ? r : strdup(dir);
}

/* Is path, or where it leads, below dir? */
static int
leads_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	char *r = realpath(path, NULL);
	int below = (strncmp(path, dir, n) == 0 && path[n] == '/') ||
	    (r && strncmp(r, dir, n) == 0 && r[n] == '/');
	free(r);
	return below;
}

/*
 * The trace's working directories and $HOME hold the user's files, not
 * the program's (and bwrap and chroot modes bind the user's own over
 * them): what a trace used there is left out unless --include'd.  Not
 * "/", and not a directory an entry is in: bundling ~/tools/bin/x needs
 * what x finds beside it.
 */
static int
add_private_dir(struct build *b, const char *dir, const char *what)
{
	if (dir == NULL || dir[0] != '/')
		return 0;
	char *r = real_dir(b, dir);
	if (r == NULL)
		return -1;
	int keep = strcmp(r, "/") == 0;
	for (size_t i = 0; i < b->nentries && !keep; i++) {
		const struct entry *e = &b->entries[i];
		keep = leads_below(e->path, r) || (e->interp && leads_below(e->interp, r));
	}
	int rc = keep ? 0 : closure_add_private(&b->c, r, what);
	free(r);
	return rc;
}

static int
read_traces(struct build *b)
{
	size_t ndb = b->tracedbs.n + b->o->dbs.n;

	for (int phase = 0; phase < 2; phase++) {
		for (size_t i = 0; i < ndb; i++) {
			const char *db =
			    i < b->tracedbs.n ? b->tracedbs.v[i] : b->o->dbs.v[i - b->tracedbs.n];
			if (trace_read_db(&b->c, db, &b->tr, phase) < 0)
				return -1;
		}
		if (phase > 0 || ndb == 0)
			continue;
		/* before the paths are read: the runs' cwds are known now;
		 * inside an image, they and $HOME are the image's own */
		if (b->img)
			continue;
		for (size_t i = 0; i < b->tr.ncwds; i++)
			if (add_private_dir(b, b->tr.cwds[i], "the trace's working directory") < 0)
				goto nomem;
		if (add_private_dir(b, getenv("HOME"), "$HOME") < 0)
			goto nomem;
	}
	/* ours are not kept: only the bundle goes into place */
	for (size_t i = 0; i < b->tracedbs.n; i++) {
		char name[64];
		static const char *const sfx[] = { "", "-wal", "-shm" };
		for (int k = 0; k < 3; k++) {
			snprintf(name, sizeof name, "trace-%zu.db%s", i + 1, sfx[k]);
			if (unlinkat(b->buildfd, name, 0) < 0 && errno != ENOENT) {
				warn("%s", name);
				return -1;
			}
		}
	}
	return 0;
nomem:
	warn(NULL);
	return -1;
}

/* --- other inputs ---------------------------------------------------- */

static int
include_one(const char *path, void *arg)
{
	struct build *b = arg;
	char why[PATH_MAX + 16];

	snprintf(why, sizeof why, "--include %s", b->include);
	return closure_add(&b->c, path, OR_INCLUDE, HOW_TREE, ASK_INCLUDE, why) < 0 ? -1 : 0;
}

static int
add_inputs(struct build *b)
{
	struct opts *o = b->o;

	for (size_t i = 0; i < o->copies.n; i++) {
		char *s = o->copies.v[i], *colon = strchr(s, ':');
		if (colon)
			*colon = '\0';
		int rc = closure_copy_dir(&b->c, s, colon ? colon + 1 : NULL);
		if (colon)
			*colon = ':';
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < o->includes.n; i++) {
		size_t before = b->c.n;
		if (o->includes.v[i][0] != '/') {
			warnx("--include %s: must be an absolute glob", o->includes.v[i]);
			return -1;
		}
		b->include = o->includes.v[i];
		if (glob_walk(b->c.rootfd, o->includes.v[i], include_one, b) < 0) {
			warn("--include %s", o->includes.v[i]);
			return -1;
		}
		if (b->c.n == before && !o->quiet)
			warnx("warning: --include %s: nothing new matched: no path of %s matches "
			      "it, or only paths bundled already",
			    o->includes.v[i], b->c.root);
	}
	if (rules_apply(&b->c, &b->tr) < 0)
		return -1;
	/* an image's working directory: its traces and checks run there */
	if (b->img &&
	    closure_add(&b->c, b->img->workdir, OR_RULE, HOW_OBJECT, ASK_NAMED,
		"rule: the image's working directory") < 0)
		return -1;
	/* where a sandbox mounts /proc, /dev, /tmp ...: they must exist */
	static const char *const mounts[] = { "/dev", "/etc", "/proc", "/run", "/sys", "/tmp" };
	for (size_t i = 0; i < sizeof mounts / sizeof *mounts; i++) {
		struct stat st;
		unsigned mode = strcmp(mounts[i], "/tmp") == 0 ? 01777 : 0755;
		int there = fstatat(b->c.rootfd, mounts[i] + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode);
		if (there)
			mode = st.st_mode & 07777;
		struct item *it = closure_find(&b->c, mounts[i]);
		if (it && it->type != MF_DIR)
			continue;
		if (closure_add_dir(&b->c, mounts[i], mode, there ? &st : NULL, OR_RULE,
			"rule: a sandbox mounts here") < 0)
			return -1;
	}
	return 0;
}

/* --- output ---------------------------------------------------------- */

static int
resolve_libdirs(struct build *b, struct strv *out)
{
	for (size_t i = 0; i < b->libdirs.n; i++) {
		char *r = closure_resolve(&b->c, b->libdirs.v[i]);
		if (r == NULL)
			continue;
		struct item *it = closure_find(&b->c, r);
		if (it && it->type == MF_DIR && !strv_has(out, r))
			strv_push(out, r);
		free(r);
	}
	return 0;
}

static int
write_bin(struct build *b)
{
	char *launcher = launcher_find();
	int fd;

	if (launcher == NULL) {
		warnx(SB_INSTALLED_LAUNCHER " not found next to sidebundle nor in %s", SB_LIBDIR);
		return -1;
	}
	if (mkdirat(b->buildfd, SB_LAYOUT_BIN, 0755) < 0 ||
	    (fd = openat(b->buildfd, SB_LAYOUT_BIN,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		warn(SB_LAYOUT_BIN);
		free(launcher);
		return -1;
	}
	int rc = launcher_install(fd, launcher);
	free(launcher);
	for (size_t i = 0; i < b->nentries && rc == 0; i++)
		rc = launch_link_write(fd, &b->c, &b->entries[i]);
	if (rc == 0 && fchmod(fd, 0755) < 0) {
		warn("bin");
		rc = -1;
	}
	close(fd);
	return rc;
}

/*
 * The root's packages, for the manifest: loaded once, and a root that
 * has none (not a Debian system) or whose database cannot be read gives
 * a bundle without them, never a failure.
 */
static void
load_packages(struct build *b)
{
	char err[512];

	if ((b->dpkg = dpkg_open(b->o->root, err, sizeof err)) != NULL)
		return;
	if (errno != ENOENT && !b->o->quiet)
		warnx("warning: files are not attributed to packages: %s; the bundle is made "
		      "without them",
		    err);
	else if (b->o->verbose)
		warnx("no dpkg database (%s): files are not attributed to packages", err);
}

/* The package records: each id the records name, with its version. */
static int
package_records(struct build *b, struct manifest *m)
{
	struct strv ids = { 0 };

	for (size_t i = 0; i < b->c.n; i++) {
		const char *p = b->c.items[i].package;
		for (size_t n; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
			char id[256];
			n = strcspn(p, ",");
			snprintf(id, sizeof id, "%.*s", (int)n, p);
			if (!strv_has(&ids, id))
				strv_push(&ids, id);
		}
	}
	m->pkgs = calloc(ids.n + 1, sizeof *m->pkgs);
	if (m->pkgs == NULL) {
		strv_free(&ids);
		return -1;
	}
	for (size_t i = 0; i < ids.n; i++) {
		const struct dpkg_pkg *k = dpkg_find(b->dpkg, ids.v[i]);
		m->pkgs[i].id = ids.v[i];
		m->pkgs[i].version = (char *)(k && k->version[0] ? k->version : "-");
	}
	m->npkgs = ids.n;
	free(ids.v); /* the strings are m's now */
	return 0;
}

static void
package_records_free(struct manifest *m)
{
	for (size_t i = 0; i < m->npkgs; i++)
		free(m->pkgs[i].id);
	free(m->pkgs);
	m->pkgs = NULL;
	m->npkgs = 0;
}

static int
write_manifest(struct build *b, const struct strv *libdirs)
{
	struct manifest m = { 0 };
	int rc = -1, fd = -1;

	struct strv env = { 0 };
	m.name = (char *)b->o->name;
	m.run_mode = (char *)b->o->run_mode;
	m.env = b->o->env.v;
	m.nenv = b->o->env.n;
	if (b->img != NULL) {
		/* the image's Env, then --set-env, which wins */
		for (size_t i = 0; i < b->img->nenv; i++) {
			const char *kv = b->img->env[i];
			size_t kl = strcspn(kv, "=") + 1;
			int set = 0;
			for (size_t k = 0; k < b->o->env.n && !set; k++)
				set = strncmp(b->o->env.v[k], kv, kl) == 0;
			if (!set)
				strv_push(&env, kv);
		}
		for (size_t k = 0; k < b->o->env.n; k++)
			strv_push(&env, b->o->env.v[k]);
		m.env = env.v;
		m.nenv = env.n;
		m.image = b->img->ref;
		m.image_digest = b->img->digest;
	}
	m.libdirs = libdirs->v;
	m.nlibdirs = libdirs->n;
	m.entries = calloc(b->nentries, sizeof *m.entries);
	m.recs = calloc(b->c.n, sizeof *m.recs);
	if (m.entries == NULL || m.recs == NULL)
		goto nomem;
	for (size_t i = 0; i < b->nentries; i++) {
		const struct entry *e = &b->entries[i];
		m.entries[i] = (struct mf_entry){ .name = e->name,
			.path = e->path,
			.kind = (char *)e->kind,
			.interp = e->interp ? e->interp : "-",
			.args = e->args,
			.nargs = e->nargs };
		if (b->img != NULL) {
			m.entries[i].defargs = b->specs[i].args;
			m.entries[i].ndefargs = b->specs[i].nargs;
			m.entries[i].cwd = b->img->workdir;
			m.entries[i].user = b->img->ids;
		}
	}
	m.nentries = b->nentries;
	if (closure_packages(&b->c, b->dpkg) < 0)
		goto nomem;
	for (size_t i = 0; i < b->c.n; i++) {
		const struct item *it = &b->c.items[i];
		struct mf_rec *r = &m.recs[m.nrecs++];
		r->type = it->type;
		r->path = it->path;
		r->target = it->target;
		r->mode = it->mode;
		r->size = it->size;
		memcpy(r->sha, it->sha, sizeof r->sha);
		r->origin = it->origin;
		r->package = it->package;
	}
	if (package_records(b, &m) < 0)
		goto nomem;
	if (launch_bin_records(b->buildfd, &m) < 0)
		goto out;
	manifest_sort(&m);
	fd = openat(b->buildfd, MANIFEST_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || fchmod(fd, 0644) < 0 || manifest_write(&m, fd) < 0 || close(fd) < 0) {
		warn("%s", MANIFEST_FILE);
		fd = -1;
		goto out;
	}
	rc = why_write(b->buildfd, &b->c);
	goto out;
nomem:
	warn(NULL);
out:
	package_records_free(&m);
	launch_bin_records_free(&m);
	free(m.entries);
	free(m.recs);
	strv_free(&env);
	return rc;
}

/* Only a bundle (or nothing, or an empty directory) is ever replaced. */
static int
check_target(struct build *b)
{
	struct stat st;

	if (fstatat(b->dirfd, b->o->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		warn("%s/%s", b->o->outdir, b->o->name);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		int fd =
		    openat(b->dirfd, b->o->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			int ok = faccessat(fd, MANIFEST_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
			close(fd);
			if (ok)
				return 0;
			if (unlinkat(b->dirfd, b->o->name, AT_REMOVEDIR) == 0)
				return 0; /* was empty */
		}
	}
	warnx("%s/%s exists and is not a bundle (no %s): not replacing it", b->o->outdir,
	    b->o->name, MANIFEST_FILE);
	errno = EEXIST;
	return -2;
}

/* Remove DIR/.NAME.tmp-?????? left by an interrupted build. */
static void
remove_stale(struct build *b)
{
	char prefix[NAME_MAX + 1];
	struct stat st;

	snprintf(prefix, sizeof prefix, ".%s.tmp-", b->o->name);
	int fd = openat(b->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t pl = strlen(prefix);
		if (strncmp(de->d_name, prefix, pl) != 0 || strlen(de->d_name) != pl + 6 ||
		    fstatat(b->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (tree_remove(b->dirfd, de->d_name) < 0)
			warn("%s/%s", b->o->outdir, de->d_name);
	}
	closedir(d);
}

static int
open_outdir(struct build *b)
{
	if (mkdir(b->o->outdir, 0755) < 0 && errno != EEXIST) {
		warn("%s", b->o->outdir);
		return -1;
	}
	b->dirfd = open(b->o->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->dirfd < 0) {
		warn("%s", b->o->outdir);
		return -1;
	}
	return 0;
}

static int
make_builddir(struct build *b, char **realdir)
{
	char path[PATH_MAX];

	if ((*realdir = realpath(b->o->outdir, NULL)) == NULL) {
		warn("%s", b->o->outdir);
		return -1;
	}
	if (snprintf(path, sizeof path, "%s/.%s.tmp-XXXXXX", *realdir, b->o->name) >=
		(int)sizeof path ||
	    mkdtemp(path) == NULL) {
		warn("%s: temporary directory", b->o->outdir);
		return -1;
	}
	strlcpy(b->tmpname, strrchr(path, '/') + 1, sizeof b->tmpname);
	b->buildfd = openat(b->dirfd, b->tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (b->buildfd < 0) {
		warn("%s", path);
		return -1;
	}
	return 0;
}

/* Put the build in place: atomically, whether or not a bundle is there. */
static int
install(struct build *b)
{
	if (fchmod(b->buildfd, 0755) < 0) {
		warn("%s/%s", b->o->outdir, b->tmpname);
		return -1;
	}
	if (renameat2(b->dirfd, b->tmpname, b->dirfd, b->o->name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EEXIST) {
		warn("%s/%s", b->o->outdir, b->o->name);
		return -1;
	}
	if (renameat2(b->dirfd, b->tmpname, b->dirfd, b->o->name, RENAME_EXCHANGE) < 0) {
		warn("%s/%s", b->o->outdir, b->o->name);
		return -1;
	}
	/* the old bundle now has the temporary name */
	if (tree_remove(b->dirfd, b->tmpname) < 0)
		warn("removing the old bundle %s/%s", b->o->outdir, b->tmpname);
	return 0;
}

static void
summary(const struct build *b)
{
	size_t nf = 0, nd = 0, nl = 0;
	uint64_t bytes = 0;

	for (size_t i = 0; i < b->c.n; i++) {
		const struct item *it = &b->c.items[i];
		nf += it->type == MF_FILE;
		nd += it->type == MF_DIR;
		nl += it->type == MF_SYMLINK;
		bytes += it->type == MF_FILE ? it->size : 0;
	}
	closure_report(&b->c, b->o->quiet);
	if (!b->o->quiet)
		fprintf(stderr,
		    "sidebundle: %s/%s: %zu files (%llu bytes), %zu directories, %zu symlinks\n",
		    b->o->outdir, b->o->name, nf, (unsigned long long)bytes, nd, nl);
}

/* --- the empty-root check ----------------------------------------------- */

/* Why path, missing in the empty root, cannot be added. */
static const char *
not_added_why(const struct closure *c, const char *path)
{
	switch (closure_excluded(c, path, ASK_USED)) {
	case EX_PRIVATE:
		return "under the trace's working directory or $HOME: --include it";
	case EX_SECRET:
		return "it holds secrets: --include it";
	case EX_CREATED:
		return "the traced command made it";
	case EX_GLOB:
		return "--exclude";
	case EX_OUTPUT:
		return "inside the bundle being written";
	case EX_SBTRACE:
		return "sbtrace's own library";
	default:
		return "gone, or not a file, directory or link a bundle holds";
	}
}

/* Add what one empty-root run missed; the number added. */
static size_t
add_missing(struct build *b, const struct runrec *r, const struct check_result *res, int last)
{
	size_t added = 0;

	for (size_t i = 0; i < res->nmissing; i++) {
		const char *p = res->missing[i];
		if (last) {
			warnx("check: %s: %s is still missing after %d rounds (--include it if the "
			      "program needs it)",
			    r->label, p, CHECK_ROUNDS);
			continue;
		}
		size_t before = b->c.n;
		char why[NAME_MAX + 64];
		snprintf(why, sizeof why, "check: missing when %s ran in an empty root", r->label);
		int rc = closure_add(&b->c, p, OR_TRACE, HOW_OBJECT, ASK_USED, why);
		if (rc < 0)
			return SIZE_MAX;
		if (rc == 0 && b->c.n > before) {
			added++;
			if (!b->o->quiet)
				fprintf(stderr, "sidebundle: check: %s: %s was missing: added\n",
				    r->label, p);
		} else if (rc > 0) {
			warnx("check: %s: %s was missing: not added (%s)", r->label, p,
			    not_added_why(&b->c, p));
		}
		/* else another path of this round brought it (/lib/x and
		 * /usr/lib/x are one file where /lib leads to usr/lib) */
	}
	return added;
}

/* payload/ and manifest.lock again, from the closure as it is now. */
static int
rewrite(struct build *b, const struct strv *libdirs)
{
	if (rules_apply(&b->c, &b->tr) < 0 || closure_relative_links(&b->c) < 0)
		return -1;
	if (tree_remove(b->buildfd, SB_LAYOUT_PAYLOAD) < 0 ||
	    unlinkat(b->buildfd, MANIFEST_FILE, 0) < 0 ||
	    unlinkat(b->buildfd, SB_LAYOUT_WHY, 0) < 0) {
		warn("%s/%s", b->o->outdir, b->tmpname);
		return -1;
	}
	return payload_write(&b->c, b->buildfd) < 0 || write_manifest(b, libdirs) < 0 ? -1 : 0;
}

/*
 * create --check: each kept run again in an empty root made of the
 * payload being built; what a run looked for there and the host has is
 * added, and the runs are made again, at most CHECK_ROUNDS times.  What
 * still differs is a warning: the bundle is made, and `sidebundle
 * check` says the same later.
 */
static int
check_build(struct build *b, const struct strv *libdirs)
{
	struct checker k;
	char why[1024], payload[PATH_MAX];
	int rc = -1;

	if (b->runs.n == 0 || b->o->check == 0)
		return 0;
	if (checker_init(&k, why, sizeof why) < 0) {
		if (b->o->check == 1) {
			warnx("--check needs %s", why);
			return -1;
		}
		if (!b->o->quiet)
			warnx("warning: the bundle is not checked in an empty root: that needs %s "
			      "(--no-check: do not try)",
			    why);
		return 0;
	}
	if (b->img != NULL) {
		/* as the traces ran: the image's User */
		k.as_user = 1;
		k.uid = b->img->uid;
		k.gid = b->img->gid;
	}
	snprintf(payload, sizeof payload, "%s/%s/%s", b->realdir, b->tmpname, SB_LAYOUT_PAYLOAD);
	struct check_result *res = calloc(b->runs.n, sizeof *res);
	if (res == NULL)
		err(1, NULL);
	for (int round = 1; round <= CHECK_ROUNDS && !sb_interrupted; round++) {
		size_t added = 0, differ = 0;
		int last = round == CHECK_ROUNDS;
		for (size_t i = 0; i < b->runs.n; i++) {
			check_result_free(&res[i]);
			if (check_run(&k, payload, b->c.rootfd, &b->runs.v[i], &res[i]) < 0) {
				/* the check's own failure (said above) is the bundle's
				 * only when the user asked for the check */
				if (b->o->check == 1 || sb_interrupted)
					goto out;
				warnx("warning: the bundle is not checked in an empty root "
				      "(sidebundle check %s/%s tries again)",
				    b->o->outdir, b->o->name);
				rc = 0;
				goto out;
			}
			size_t n = add_missing(b, &b->runs.v[i], &res[i], last);
			if (n == SIZE_MAX)
				goto out;
			added += n;
			differ += !check_same(&res[i]);
		}
		if (added > 0) {
			if (rewrite(b, libdirs) < 0)
				goto out;
			continue;
		}
		for (size_t i = 0; i < b->runs.n; i++)
			check_print_diffs(stderr, "sidebundle: check: warning: ", &b->runs.v[i],
			    &res[i]);
		if (differ > 0)
			warnx("check: warning: %zu of %zu run%s differ%s in an empty root "
			      "(sidebundle check %s/%s tells again)",
			    differ, b->runs.n, b->runs.n == 1 ? "" : "s", differ == 1 ? "s" : "",
			    b->o->outdir, b->o->name);
		else if (!b->o->quiet)
			fprintf(stderr, "sidebundle: check: %zu run%s the same in an empty root\n",
			    b->runs.n, b->runs.n == 1 ? "" : "s");
		break;
	}
	rc = sb_interrupted ? -1 : 0;
out:
	for (size_t i = 0; i < b->runs.n; i++)
		check_result_free(&res[i]);
	free(res);
	checker_free(&k);
	return rc;
}

static int
build(struct build *b)
{
	struct strv libdirs = { 0 };
	char outpath[PATH_MAX], tmppath[PATH_MAX];
	int rc = -1;

	if (b->o->images.n > 0 && open_image(b) < 0)
		return -1;
	if (closure_init(&b->c, b->o->root) < 0) {
		warn("%s", b->o->root);
		return -1;
	}
	b->c.verbose = b->o->verbose;
	b->c.excludes = b->o->excludes.v;
	b->c.nexcludes = b->o->excludes.n;
	if (b->o->root == NULL) {
		snprintf(outpath, sizeof outpath, "%s/%s", b->realdir, b->o->name);
		snprintf(tmppath, sizeof tmppath, "%s/%s", b->realdir, b->tmpname);
		b->c.outdir = outpath;
		b->c.tmpdir = tmppath;
	}
	if (analyse_entries(b) < 0 || sb_interrupted || run_traces(b) < 0 || sb_interrupted ||
	    read_traces(b) < 0 || analyse_traced(b) < 0 || sb_interrupted || add_inputs(b) < 0 ||
	    sb_interrupted || closure_relative_links(&b->c) < 0)
		goto out;
	resolve_libdirs(b, &libdirs);
	load_packages(b);
	if (payload_write(&b->c, b->buildfd) < 0 || write_bin(b) < 0 ||
	    write_manifest(b, &libdirs) < 0 || sb_interrupted)
		goto out;
	if (b->runs.n > 0 && runrecs_write(&b->runs, b->buildfd) < 0)
		goto out;
	if (check_build(b, &libdirs) < 0 || sb_interrupted)
		goto out;
	if (install(b) < 0)
		goto out;
	summary(b);
	rc = 0;
out:
	strv_free(&libdirs);
	return rc;
}

int
cmd_create(int argc, char **argv)
{
	struct opts o = { 0 };
	struct build b = { .o = &o, .dirfd = -1, .buildfd = -1, .c = { .rootfd = -1 } };
	struct sigaction sa = { .sa_handler = on_signal };
	int rc = 1;

	parse_opts(&o, argc, argv);
	check_opts(&o);
	parse_entries(&b);
	/* no SA_RESTART: a wait for sbtrace must see the signal */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		err(1, "sigaction");
	if (open_outdir(&b) < 0)
		goto out;
	remove_stale(&b);
	if (check_target(&b) < 0 || make_builddir(&b, &b.realdir) < 0)
		goto out;
	if (build(&b) == 0)
		rc = 0;
	else if (tree_remove(b.dirfd, b.tmpname) < 0)
		warn("%s/%s", o.outdir, b.tmpname);
out:
	if (b.buildfd >= 0)
		close(b.buildfd);
	if (b.dirfd >= 0)
		close(b.dirfd);
	closure_free(&b.c);
	trace_result_free(&b.tr);
	for (size_t i = 0; i < b.nentries; i++)
		entry_free(&b.entries[i]);
	free(b.entries);
	free(b.realdir);
	dpkg_close(b.dpkg);
	runrecs_free(&b.runs);
	strv_free(&b.libdirs);
	strv_free(&b.tracedbs);
	strv_free(&o.from);
	strv_free(&o.traces);
	strv_free(&o.dbs);
	strv_free(&o.copies);
	strv_free(&o.includes);
	strv_free(&o.excludes);
	strv_free(&o.env);
	for (size_t i = 0; b.specs && i < o.images.n; i++)
		image_spec_free(&b.specs[i]);
	free(b.specs);
	if (b.img != NULL)
		image_free(b.img);
	free(b.img);
	strv_free(&o.images);
	if (sb_interrupted) {
		signal(sb_interrupted, SIG_DFL);
		raise(sb_interrupted);
	}
	return rc;
}
