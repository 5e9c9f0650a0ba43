/*
 * `sidebundle deps`: the tree of deps_analyse() records, printed like
 * lddtree.  The format is a contract (golden tests, man page):
 *
 *   FILE (interpreter => PATH)          dynamic ELF
 *   FILE (interpreter NAME => not found)
 *   FILE (static)                       ELF without PT_INTERP/PT_DYNAMIC
 *   FILE (no interpreter)               ELF with PT_DYNAMIC, no PT_INTERP
 *   FILE (script: INTERP [ARG])         #! line as the kernel splits it
 *       NAME => PATH                    4 spaces per level
 *       NAME => PATH (hwcaps alternative)
 *       NAME => not found
 *
 * A path is expanded (its own needs listed below it) at its first record
 * only; elsewhere it is a single line.  Bytes below 0x20, 0x7f and '\'
 * in names and paths are printed as \n, \t, \\ or \xHH, so a hostile
 * file cannot forge lines.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deps.h"
#include "deps_cmd.h"
#include "elfinfo.h"
#include "libsearch.h"
#include "strmap.h"
#include "textout.h"

static void
put_escaped(const char *s)
{
	out_escaped(stdout, s);
}

struct tree {
	const struct deps *d;
	size_t **kids; /* children of each record, in record order */
	size_t *nkids;
};

static int
tree_init(struct tree *t, const struct deps *d)
{
	t->d = d;
	t->kids = calloc(d->n ? d->n : 1, sizeof(*t->kids));
	t->nkids = calloc(d->n ? d->n : 1, sizeof(*t->nkids));
	if (t->kids == NULL || t->nkids == NULL)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		int p = d->v[i].parent;
		if (p < 0 || (size_t)p >= d->n)
			continue;
		size_t *v = reallocarray(t->kids[p], t->nkids[p] + 1, sizeof(*v));
		if (v == NULL)
			return -1;
		t->kids[p] = v;
		v[t->nkids[p]++] = i;
	}
	return 0;
}

static void
tree_free(struct tree *t)
{
	if (t->kids != NULL)
		for (size_t i = 0; i < t->d->n; i++)
			free(t->kids[i]);
	free(t->kids);
	free(t->nkids);
}

/* Whether record i is the first of its path: the one analysed. */
static int
is_first(const struct deps *d, size_t i)
{
	if (d->v[i].path == NULL)
		return 0;
	for (size_t k = 0; k < i; k++)
		if (d->v[k].path != NULL && strcmp(d->v[k].path, d->v[i].path) == 0)
			return 0;
	return 1;
}

/* Print " (script: ...)" when record i is a script, i.e. has #!
 * children; the last of them is the #! interpreter as written. */
static int
put_script(const struct tree *t, size_t i)
{
	const struct dep *last = NULL;

	for (size_t k = 0; k < t->nkids[i]; k++)
		if (t->d->v[t->kids[i][k]].kind == DEP_SCRIPT_INTERP)
			last = &t->d->v[t->kids[i][k]];
	if (last == NULL)
		return 0;
	fputs(" (script: ", stdout);
	put_escaped(last->name);
	if (last->args != NULL && last->args[0] != NULL) {
		putchar(' ');
		put_escaped(last->args[0]);
	}
	putchar(')');
	return 1;
}

static void put_children(const struct tree *t, size_t i, int level);

/* " (interpreter => PATH)" or " (script: ...)" for an expanded record;
 * 0 when it is neither (static, a library). */
static int
put_kind(const struct tree *t, size_t i)
{
	const struct dep *interp = NULL;

	if (put_script(t, i))
		return 1;
	for (size_t k = 0; k < t->nkids[i]; k++)
		if (t->d->v[t->kids[i][k]].kind == DEP_INTERP)
			interp = &t->d->v[t->kids[i][k]];
	if (interp == NULL)
		return 0;
	if (!interp->missing) {
		fputs(" (interpreter => ", stdout);
		put_escaped(interp->path);
	} else {
		fputs(" (interpreter ", stdout);
		put_escaped(interp->name);
		fputs(" => not found", stdout);
	}
	putchar(')');
	return 1;
}

static void
put_line(const struct tree *t, size_t i, int level)
{
	const struct dep *e = &t->d->v[i];
	int alt = 0;

	/* A glibc-hwcaps alternative follows its primary record with the
	 * same parent and name. */
	if (i > 0 && t->d->v[i - 1].parent == e->parent && t->d->v[i - 1].kind == e->kind &&
	    strcmp(t->d->v[i - 1].name, e->name) == 0)
		alt = 1;
	printf("%*s", level * 4, "");
	put_escaped(e->name);
	fputs(" => ", stdout);
	if (e->missing || e->path == NULL) {
		fputs("not found\n", stdout);
		return;
	}
	put_escaped(e->path);
	if (alt)
		fputs(" (hwcaps alternative)", stdout);
	if (!is_first(t->d, i)) {
		putchar('\n');
		return;
	}
	put_kind(t, i);
	putchar('\n');
	put_children(t, i, level + 1);
}

static void
put_children(const struct tree *t, size_t i, int level)
{
	for (size_t k = 0; k < t->nkids[i]; k++) {
		size_t c = t->kids[i][k];

		/* A PT_INTERP is shown on the line of its executable. */
		if (t->d->v[c].kind == DEP_INTERP)
			continue;
		put_line(t, c, level);
	}
}

/* Header suffix of an ELF entry without a PT_INTERP record. */
static const char *
elf_kind(const struct deps_opts *o, const char *path)
{
	struct search s;
	struct elf_info ei;
	char err[512];
	const char *kind = NULL;
	int fd;

	if (search_init(&s, o->root, NULL) == -1)
		return NULL;
	if ((fd = root_open(&s.root, path)) != -1) {
		if (elf_info_fd(fd, path, &ei, err, sizeof(err)) == 0) {
			kind = ei.dynamic ? "no interpreter" : "static";
			elf_info_free(&ei);
		}
		close(fd);
	}
	search_free(&s);
	return kind;
}

static int
print_entry(const struct deps_opts *o, const struct deps *d, size_t entry)
{
	struct tree t = { 0 };
	const struct dep *e = &d->v[entry];
	int bad = 0;

	if (tree_init(&t, d) == -1) {
		tree_free(&t);
		warnx("out of memory");
		return 1;
	}
	put_escaped(e->path);
	if (!put_kind(&t, entry)) {
		const char *k = elf_kind(o, e->path);
		if (k != NULL)
			printf(" (%s)", k);
	}
	putchar('\n');
	put_children(&t, entry, 1);
	for (size_t k = 0; k < t.nkids[entry]; k++) {
		const struct dep *c = &d->v[t.kids[entry][k]];
		if (c->missing) {
			warnx("%s: %s not found (a direct need)", e->path, c->name);
			bad = 1;
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct dep *c = &d->v[i];
		if (c->missing && c->parent >= 0 && (size_t)c->parent != entry)
			warnx("%s: %s not found (needed by %s)", e->path, c->name,
			    d->v[c->parent].path);
	}
	tree_free(&t);
	return bad;
}

#define DEPS_USAGE "usage: sidebundle deps [-l] [-r ROOT] FILE...\n"
#define DEPS_HELP                                                                                  \
	DEPS_USAGE                                                                                 \
	"Print what each ELF file or #! script needs, found as the loader and the kernel find\n"   \
	"it, without running anything.\n"                                                          \
	"  -l          a flat list: each file once, one path a line (as lddtree -l)\n"             \
	"  -r ROOT     look in the tree ROOT instead of /\n"                                       \
	"  -h, --help  this help\n"

static int
usage(void)
{
	fputs(DEPS_USAGE, stderr);
	return 2;
}

/* -l: every path of d not printed yet (seen holds those that were), the
 * entry first; missing needs are said on stderr as the tree says them.
 * 1 when a direct need is missing. */
static int
print_list(const struct deps *d, struct strmap *seen)
{
	int bad = 0, added;

	for (size_t i = 0; i < d->n; i++) {
		const struct dep *x = &d->v[i];
		if (x->missing || x->path == NULL) {
			const struct dep *p = x->parent >= 0 ? &d->v[x->parent] : NULL;
			fflush(stdout);
			if (p != NULL && p->kind == DEP_ENTRY) {
				warnx("%s: %s not found (a direct need)", d->v[0].path, x->name);
				bad = 1;
			} else {
				warnx("%s: %s not found (needed by %s)", d->v[0].path, x->name,
				    p && p->path ? p->path : "?");
			}
			continue;
		}
		if (strmap_put(seen, x->path, i, &added) == NULL)
			err(1, NULL);
		if (added) {
			put_escaped(x->path);
			putchar('\n');
		}
	}
	return bad;
}

int
cmd_deps(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct deps_opts o = { 0 };
	struct strmap seen = { 0 };
	int ch, status = 0, list = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+hlr:", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(DEPS_HELP, stdout);
			return 0;
		case 'l':
			list = 1;
			break;
		case 'r':
			o.root = optarg;
			break;
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		warnx("deps: which file?");
		return usage();
	}
	if (o.root != NULL && access(o.root, X_OK) == -1) {
		warn("%s", o.root);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		struct deps d = { 0 };
		char err[4096];

		fflush(stdout);
		if (deps_analyse(&d, &o, argv[i], err, sizeof(err)) == -1) {
			fflush(stdout);
			warnx("%s", err);
			deps_free(&d);
			status = 1;
			continue;
		}
		if (d.n > 0 && (list ? print_list(&d, &seen) : print_entry(&o, &d, 0)) != 0)
			status = 1;
		fflush(stdout);
		deps_free(&d);
	}
	strmap_free(&seen);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		return 1;
	}
	return status;
}
