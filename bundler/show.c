/*
 * sidebundle show DIR/NAME: a bundle listed for a person, as lddtree -l,
 * dpkg -L and du together: the entries, the totals, every file and link
 * grouped by origin with its size, its package and why it is there
 * (the why file), the packages with what they take, the largest files;
 * or all of it as one JSON object.  It reads manifest.lock and why, not
 * the payload, so it also lists a bundle whose payload is elsewhere.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "manifest.h"
#include "show.h"
#include "strmap.h"
#include "textout.h"
#include "why.h"

#define SHOW_USAGE "usage: sidebundle show [--json] [-n N] DIR/NAME\n"
#define SHOW_HELP                                                                                  \
	SHOW_USAGE                                                                                 \
	"List a bundle: its entries and totals, each file and link by origin with its size,\n"     \
	"package and why it is there, the packages, and the largest files.\n"                      \
	"  --json      one JSON object instead (non-UTF-8 bytes: see sidebundle-show(1))\n"        \
	"  -n N        how many of the largest files to list (default 10, 0 for none)\n"           \
	"  -h, --help  this help\n"

struct pkgsum {
	const char *id; /* a record's PACKAGE field, or NULL for none */
	size_t files;
	uint64_t bytes;
};

struct show {
	const char *dir;
	struct manifest m;
	struct why w;
	int have_why;
	struct pkgsum *pkgs;
	size_t npkgs;
	size_t nfiles, ndirs, nlinks;
	uint64_t bytes, unique;
	int have_pkgs; /* some record names a package */
	long largest;
};

/* --- totals -------------------------------------------------------------- */

static struct pkgsum *
pkg_sum(struct show *s, const char *id)
{
	for (size_t i = 0; i < s->npkgs; i++)
		if ((id == NULL) == (s->pkgs[i].id == NULL) &&
		    (id == NULL || strcmp(id, s->pkgs[i].id) == 0))
			return &s->pkgs[i];
	struct pkgsum *v = reallocarray(s->pkgs, s->npkgs + 1, sizeof *v);
	if (v == NULL)
		err(1, NULL);
	s->pkgs = v;
	v[s->npkgs] = (struct pkgsum){ id, 0, 0 };
	return &v[s->npkgs++];
}

static int
cmp_pkgsum(const void *a, const void *b)
{
	const struct pkgsum *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->id == NULL || y->id == NULL)
		return x->id == NULL ? 1 : -1; /* "no package" last */
	return strcmp(x->id, y->id);
}

/* Counts, bytes, bytes with identical content once (as a content store
 * would keep them), and the packages' shares. */
static void
totals(struct show *s)
{
	struct strmap seen = { 0 };
	int added;

	for (size_t i = 0; i < s->m.nrecs; i++) {
		const struct mf_rec *r = &s->m.recs[i];
		s->ndirs += r->type == MF_DIR;
		s->nlinks += r->type == MF_SYMLINK;
		s->have_pkgs |= r->package != NULL;
		if (r->type != MF_FILE)
			continue;
		s->nfiles++;
		s->bytes += r->size;
		if (strmap_put(&seen, r->sha, i, &added) == NULL)
			err(1, NULL);
		if (added)
			s->unique += r->size;
		struct pkgsum *p = pkg_sum(s, r->package);
		p->files++;
		p->bytes += r->size;
	}
	strmap_free(&seen);
	qsort(s->pkgs, s->npkgs, sizeof *s->pkgs, cmp_pkgsum);
}

static const char *
version_of(const struct show *s, const char *id)
{
	for (size_t i = 0; id != NULL && i < s->m.npkgs; i++)
		if (strcmp(s->m.pkgs[i].id, id) == 0)
			return s->m.pkgs[i].version;
	return NULL;
}

/* n bytes for a person: "18.4 MiB". */
static const char *
human(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

/* The records that are files, largest first (ties by path). */
static int
cmp_size(const void *a, const void *b)
{
	const struct mf_rec *x = *(const struct mf_rec *const *)a;
	const struct mf_rec *y = *(const struct mf_rec *const *)b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->path, y->path);
}

static const struct mf_rec **
largest(const struct show *s, size_t *n)
{
	const struct mf_rec **v = calloc(s->nfiles + 1, sizeof *v);
	size_t k = 0;

	if (v == NULL)
		err(1, NULL);
	for (size_t i = 0; i < s->m.nrecs; i++)
		if (s->m.recs[i].type == MF_FILE)
			v[k++] = &s->m.recs[i];
	qsort(v, k, sizeof *v, cmp_size);
	*n = k < (size_t)s->largest ? k : (size_t)s->largest;
	return v;
}

/* --- text ---------------------------------------------------------------- */

static int
digits(uint64_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static void
text_entries(const struct show *s)
{
	for (size_t i = 0; i < s->m.nentries; i++) {
		const struct mf_entry *e = &s->m.entries[i];
		printf("entry:       ");
		out_escaped(stdout, e->name);
		fputs(" -> ", stdout);
		out_escaped(stdout, e->path);
		printf(" (%s", e->kind);
		if (strcmp(e->interp, "-") != 0) {
			fputs(strcmp(e->kind, "script") == 0 ? ", #! " : ", interpreter ", stdout);
			out_escaped(stdout, e->interp);
			for (size_t k = 0; k < e->nargs; k++) {
				putchar(' ');
				out_escaped(stdout, e->args[k]);
			}
		}
		fputs(")\n", stdout);
	}
}

static void
text_head(const struct show *s)
{
	char h1[32], h2[32];
	size_t named = 0, loose = 0;

	for (size_t i = 0; i < s->npkgs; i++) {
		named += s->pkgs[i].id != NULL;
		loose += s->pkgs[i].id == NULL ? s->pkgs[i].files : 0;
	}
	printf("bundle:      ");
	out_escaped(stdout, s->dir);
	printf(" (");
	out_escaped(stdout, s->m.name);
	printf(", run mode %s)\n", s->m.run_mode);
	if (s->m.image != NULL) {
		printf("image:       ");
		out_escaped(stdout, s->m.image);
		printf(" (");
		out_escaped(stdout, s->m.image_digest);
		printf(")\n");
	}
	text_entries(s);
	printf("files:       %zu, %" PRIu64 " bytes (%s); %s with identical files once\n",
	    s->nfiles, s->bytes, human(s->bytes, h1, sizeof h1), human(s->unique, h2, sizeof h2));
	printf("directories: %zu\nsymlinks:    %zu\n", s->ndirs, s->nlinks);
	if (s->have_pkgs)
		printf("packages:    %zu (and %zu file%s of none)\n", named, loose,
		    loose == 1 ? "" : "s");
	else
		printf("packages:    none recorded (no dpkg database where it was made, or made "
		       "by an older sidebundle)\n");
	if (!s->have_why)
		printf("why:         not recorded (made by an older sidebundle)\n");
}

/* One file or link line: SIZE  PACKAGE  PATH[ -> TARGET]  (WHY). */
static void
text_rec(const struct show *s, const struct mf_rec *r, int sw, int pw)
{
	const char *why = s->have_why ? why_get(&s->w, r->path) : NULL;

	if (r->type == MF_FILE)
		printf("  %*" PRIu64 "  ", sw, r->size);
	else
		printf("  %*s  ", sw, "link");
	if (s->have_pkgs)
		printf("%-*s  ", pw, r->package ? r->package : "-");
	out_escaped(stdout, r->path);
	if (r->type == MF_SYMLINK) {
		fputs(" -> ", stdout);
		out_escaped(stdout, r->target);
	}
	if (why != NULL) {
		fputs("  (", stdout);
		out_escaped(stdout, why);
		putchar(')');
	}
	putchar('\n');
}

static void
text_origins(const struct show *s)
{
	int sw = 4, pw = 1;

	for (size_t i = 0; i < s->m.nrecs; i++) {
		const struct mf_rec *r = &s->m.recs[i];
		if (r->type == MF_FILE && digits(r->size) > sw)
			sw = digits(r->size);
		if (r->package && (int)strlen(r->package) > pw)
			pw = (int)strlen(r->package);
	}
	pw = pw > 32 ? 32 : pw;
	for (int o = 0; o < OR_COUNT; o++) {
		size_t nf = 0, nl = 0;
		uint64_t bytes = 0;
		char h[32];
		for (size_t i = 0; i < s->m.nrecs; i++) {
			const struct mf_rec *r = &s->m.recs[i];
			if (r->origin != (enum origin)o)
				continue;
			nf += r->type == MF_FILE;
			nl += r->type == MF_SYMLINK;
			bytes += r->type == MF_FILE ? r->size : 0;
		}
		if (nf + nl == 0)
			continue;
		printf("\n%s: %zu file%s (%s), %zu symlink%s\n", origin_name((enum origin)o), nf,
		    nf == 1 ? "" : "s", human(bytes, h, sizeof h), nl, nl == 1 ? "" : "s");
		for (size_t i = 0; i < s->m.nrecs; i++) {
			const struct mf_rec *r = &s->m.recs[i];
			if (r->origin == (enum origin)o && r->type != MF_DIR)
				text_rec(s, r, sw, pw);
		}
	}
}

static void
text_tail(const struct show *s)
{
	char h[32];

	if (s->have_pkgs) {
		printf("\npackages, by the bytes they take:\n");
		for (size_t i = 0; i < s->npkgs; i++) {
			const struct pkgsum *p = &s->pkgs[i];
			const char *v = version_of(s, p->id);
			printf("  %10s  %4zu file%s  %s%s%s\n", human(p->bytes, h, sizeof h),
			    p->files, p->files == 1 ? " " : "s", p->id ? p->id : "(no package)",
			    v ? " " : "", v ? v : "");
		}
	}
	size_t n;
	const struct mf_rec **v = largest(s, &n);
	if (n > 0)
		printf("\nlargest files:\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %10s  ", human(v[i]->size, h, sizeof h));
		out_escaped(stdout, v[i]->path);
		putchar('\n');
	}
	free(v);
}

/* --- JSON ---------------------------------------------------------------- */

static void
json_entries(const struct show *s)
{
	fputs("  \"entries\": [", stdout);
	for (size_t i = 0; i < s->m.nentries; i++) {
		const struct mf_entry *e = &s->m.entries[i];
		fputs(i ? ",\n    {" : "\n    {", stdout);
		out_json_field(stdout, "name", e->name);
		fputs(", ", stdout);
		out_json_field(stdout, "path", e->path);
		fprintf(stdout, ", \"kind\": \"%s\", ", e->kind);
		out_json_field(stdout, "interp", strcmp(e->interp, "-") ? e->interp : NULL);
		fputs(", \"args\": [", stdout);
		for (size_t k = 0; k < e->nargs; k++) {
			fputs(k ? ", " : "", stdout);
			out_json_string(stdout, e->args[k]);
		}
		fputs("]}", stdout);
	}
	fputs(s->m.nentries ? "\n  ],\n" : "],\n", stdout);
}

static void
json_rec(const struct show *s, const struct mf_rec *r)
{
	static const char *const types[] = { "file", "dir", "symlink" };

	fputs("{", stdout);
	out_json_field(stdout, "path", r->path);
	printf(", \"type\": \"%s\", \"origin\": \"%s\"", types[r->type], origin_name(r->origin));
	if (r->type == MF_FILE)
		printf(", \"size\": %" PRIu64 ", \"sha256\": \"%s\"", r->size, r->sha);
	if (r->type != MF_SYMLINK)
		printf(", \"mode\": \"%04o\"", r->mode);
	if (r->type == MF_SYMLINK) {
		fputs(", ", stdout);
		out_json_field(stdout, "target", r->target);
	}
	fputs(", \"packages\": [", stdout);
	for (const char *p = r->package; p != NULL && *p;) {
		size_t n = strcspn(p, ",");
		printf("%s\"%.*s\"", p == r->package ? "" : ", ", (int)n, p); /* [a-z0-9+.:-] */
		p += n + (p[n] == ',');
	}
	fputs("], ", stdout);
	out_json_field(stdout, "why", s->have_why ? why_get(&s->w, r->path) : NULL);
	fputs("}", stdout);
}

static void
json_out(const struct show *s)
{
	size_t n;
	const struct mf_rec **v = largest(s, &n);

	fputs("{\n  ", stdout);
	out_json_field(stdout, "bundle", s->dir);
	fputs(",\n  ", stdout);
	out_json_field(stdout, "name", s->m.name);
	printf(",\n  \"run_mode\": \"%s\",\n  ", s->m.run_mode);
	out_json_field(stdout, "image", s->m.image);
	fputs(", ", stdout);
	out_json_field(stdout, "image_digest", s->m.image_digest);
	fputs(",\n", stdout);
	json_entries(s);
	printf("  \"totals\": {\"files\": %zu, \"directories\": %zu, \"symlinks\": %zu, "
	       "\"bytes\": %" PRIu64 ", \"deduplicated_bytes\": %" PRIu64 "},\n",
	    s->nfiles, s->ndirs, s->nlinks, s->bytes, s->unique);
	printf("  \"why_recorded\": %s, \"packages_recorded\": %s,\n",
	    s->have_why ? "true" : "false", s->have_pkgs ? "true" : "false");
	fputs("  \"paths\": [", stdout);
	for (size_t i = 0; i < s->m.nrecs; i++) {
		fputs(i ? ",\n    " : "\n    ", stdout);
		json_rec(s, &s->m.recs[i]);
	}
	fputs(s->m.nrecs ? "\n  ],\n  \"packages\": [" : "],\n  \"packages\": [", stdout);
	for (size_t i = 0, k = 0; i < s->npkgs; i++) {
		const struct pkgsum *p = &s->pkgs[i];
		if (p->id == NULL)
			continue;
		const char *ver = version_of(s, p->id);
		printf("%s{\"id\": \"%s\", ", k++ ? ",\n    " : "\n    ", p->id);
		out_json_field(stdout, "version", ver);
		printf(", \"files\": %zu, \"bytes\": %" PRIu64 "}", p->files, p->bytes);
	}
	fputs("\n  ],\n  \"largest\": [", stdout);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    {" : "\n    {", stdout);
		out_json_field(stdout, "path", v[i]->path);
		printf(", \"size\": %" PRIu64 "}", v[i]->size);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", stdout);
	free(v);
}

/* --- the command --------------------------------------------------------- */

/* Open DIR/NAME as a bundle and read what show needs; errx on what it
 * cannot do without (exit 1, as verify and check). */
static void
load(struct show *s)
{
	char errbuf[600];
	int bfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (bfd < 0)
		err(1, "%s", s->dir);
	if (faccessat(bfd, SB_LAYOUT_MANIFEST, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		errx(1, "%s: not a bundle (no %s)", s->dir, SB_LAYOUT_MANIFEST);
	if (manifest_read(&s->m, bfd, MF_ALL, errbuf, sizeof errbuf) < 0)
		errx(1, "%s/%s", s->dir, errbuf);
	if (why_read(&s->w, bfd, errbuf, sizeof errbuf) == 0)
		s->have_why = 1;
	else if (errno != ENOENT)
		warnx("warning: %s/%s: reasons not shown", s->dir, errbuf);
	close(bfd);
}

int
cmd_show(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' }, { 0 } };
	struct show s = { .largest = 10 };
	const char *e = NULL;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "+hn:", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(SHOW_HELP, stdout);
			return 0;
		case 'j':
			json = 1;
			break;
		case 'n':
			s.largest = (long)strtonum(optarg, 0, 1000000, &e);
			if (e != NULL) {
				warnx("show: -n %s: %s (want 0 to 1000000)", optarg, e);
				fputs(SHOW_USAGE, stderr);
				return 2;
			}
			break;
		default:
			fputs(SHOW_USAGE, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		warnx(optind == argc ? "show: which bundle?" : "show: one bundle at a time");
		fputs(SHOW_USAGE, stderr);
		return 2;
	}
	s.dir = argv[optind];
	load(&s);
	totals(&s);
	if (json) {
		json_out(&s);
	} else {
		text_head(&s);
		text_origins(&s);
		text_tail(&s);
	}
	manifest_free(&s.m);
	why_free(&s.w);
	free(s.pkgs);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return 0;
}
