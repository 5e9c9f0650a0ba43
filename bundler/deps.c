/*
 * deps_analyse(): the static closure of one entry, breadth first as the
 * loader maps it (all DT_NEEDED of an object before those of its first
 * library), so the first record of each path is where it was found, by
 * the loading chain the loader would have used.
 *
 * Records: every (parent, name) edge is one dep.  A path is analysed at
 * its first record in d only; later records of it are leaves.  Names
 * already loaded in this process (a DT_NEEDED string, a DT_SONAME, a
 * PT_INTERP) satisfy later DT_NEEDED entries without a search, as
 * _dl_name_match_p does: that is why libc's "ld-linux-x86-64.so.2" is the
 * PT_INTERP path and not the cache's.
 *
 * Scripts: the DEP_SCRIPT_INTERP children of a script are, in order, the
 * interpreter that actually runs it (after `env` lookup, with its
 * arguments), then, for "#!/usr/bin/env ...", the env program itself
 * (the kernel runs it when the script is executed directly).  A script
 * interpreter that is itself a script is followed up to
 * DEPS_MAX_SCRIPT_DEPTH levels.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps.h"
#include "elfinfo.h"
#include "libsearch.h"
#include "path.h"
#include "shebang.h"

#define DEPS_MAX_SCRIPT_DEPTH 4

struct node {
	struct elf_info ei;
	int is_elf;    /* ei is valid */
	int exec_like; /* run by execve: PT_INTERP and #! apply */
	int depth;     /* #! levels above this one */
	char *origin;  /* $ORIGIN of this object */
};

struct loaded {
	char *name; /* a name this process already has an object for */
	size_t rec; /* the record of that object */
};

struct ctx {
	struct deps *d;
	const struct deps_opts *o;
	struct search s;
	size_t base; /* d->n when the call started */
	struct node *nodes;
	size_t nnodes;
	struct loaded *names;
	size_t nnames;
	size_t *queue;
	size_t qhead, qn;
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static struct node *
node_of(struct ctx *c, size_t rec)
{
	if (rec < c->base || rec - c->base >= c->nnodes)
		return NULL;
	return &c->nodes[rec - c->base];
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int
first_record(const struct deps *d, const char *path, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (d->v[i].path != NULL && strcmp(d->v[i].path, path) == 0)
			return 1;
	return 0;
}

/*
 * Append a record (takes ownership of path and args).  Returns its
 * index, or -1 (ENOMEM; path and args freed).
 */
static long
dep_add(struct ctx *c, int parent, enum dep_kind kind, const char *name, char *path, char **args)
{
	struct deps *d = c->d;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct dep *v = reallocarray(d->v, cap, sizeof(*v));
		if (v == NULL)
			goto nomem;
		d->v = v;
		d->cap = cap;
	}
	if (d->n - c->base >= c->nnodes) {
		size_t n = c->nnodes ? c->nnodes * 2 : 64;
		struct node *v = reallocarray(c->nodes, n, sizeof(*v));
		if (v == NULL)
			goto nomem;
		memset(v + c->nnodes, 0, (n - c->nnodes) * sizeof(*v));
		c->nodes = v;
		c->nnodes = n;
	}
	struct dep *e = &d->v[d->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = strdup(name)) == NULL)
		goto nomem;
	e->path = path;
	e->parent = parent;
	e->kind = kind;
	e->missing = path == NULL;
	e->args = args;
	return (long)d->n++;
nomem:
	free(path);
	shebang_argv_free(args);
	errno = ENOMEM;
	return -1;
}

static int
enqueue(struct ctx *c, size_t rec, int exec_like, int depth)
{
	size_t *q = reallocarray(c->queue, c->qn + 1, sizeof(*q));

	if (q == NULL)
		return -1;
	c->queue = q;
	c->queue[c->qn++] = rec;
	node_of(c, rec)->exec_like = exec_like;
	node_of(c, rec)->depth = depth;
	return 0;
}

static long
loaded_find(const struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i].name, name) == 0)
			return (long)c->names[i].rec;
	return -1;
}

static int
loaded_add(struct ctx *c, const char *name, size_t rec)
{
	if (name == NULL || loaded_find(c, name) != -1)
		return 0;
	struct loaded *v = reallocarray(c->names, c->nnames + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	c->names = v;
	if ((v[c->nnames].name = strdup(name)) == NULL)
		return -1;
	v[c->nnames++].rec = rec;
	return 0;
}

/*
 * Add a record for a file found at path (owned), to be analysed if it is
 * the first record of that path.  Returns the index or -1 (ENOMEM).
 */
static long
add_found(struct ctx *c, int parent, enum dep_kind kind, const char *name, char *path, char **args,
    int exec_like, int depth, struct elf_info *ei)
{
	int seen = path != NULL && first_record(c->d, path, c->d->n);
	long r = dep_add(c, parent, kind, name, path, args);

	if (r == -1) {
		if (ei != NULL)
			elf_info_free(ei);
		return -1;
	}
	if (path == NULL || seen) {
		if (ei != NULL)
			elf_info_free(ei);
		return r;
	}
	if (ei != NULL) {
		struct node *n = node_of(c, (size_t)r);
		n->ei = *ei;
		n->is_elf = 1;
		memset(ei, 0, sizeof(*ei));
	}
	if (enqueue(c, (size_t)r, exec_like, depth) == -1)
		return -1;
	return r;
}

/* The loading chain of rec: rec, its loader, ... up to an executable. */
static int
build_chain(struct ctx *c, size_t rec, struct search_obj **out, size_t *nout)
{
	struct search_obj *v = NULL;
	size_t n = 0;

	for (long r = (long)rec; r >= 0; r = c->d->v[r].parent) {
		struct node *nd = node_of(c, (size_t)r);
		if (nd == NULL || !nd->is_elf)
			break;
		struct search_obj *t = reallocarray(v, n + 1, sizeof(*v));
		if (t == NULL) {
			free(v);
			return -1;
		}
		v = t;
		v[n].ei = &nd->ei;
		v[n].origin = nd->origin != NULL ? nd->origin : "/";
		n++;
		if (nd->exec_like)
			break;
	}
	*out = v;
	*nout = n;
	return 0;
}

static int
do_needed(struct ctx *c, size_t rec)
{
	struct search_obj *chain = NULL;
	size_t nchain = 0;
	int rc = -1;

	/* Records added below may move c->nodes: nothing points into it
	 * across an addition (the chain is rebuilt for every name). */
	for (size_t i = 0; i < node_of(c, rec)->ei.nneeded; i++) {
		const char *name = node_of(c, rec)->ei.needed[i];
		struct search_result res;
		long r, have;
		int dup = 0;

		/* A name listed twice is one edge. */
		for (size_t k = 0; k < i; k++)
			if (strcmp(node_of(c, rec)->ei.needed[k], name) == 0)
				dup = 1;
		if (dup)
			continue;
		if ((have = loaded_find(c, name)) != -1) {
			char *p = strdup(c->d->v[have].path);
			if (p == NULL || dep_add(c, (int)rec, DEP_NEEDED, name, p, NULL) == -1)
				goto out;
			continue;
		}
		free(chain);
		chain = NULL;
		if (build_chain(c, rec, &chain, &nchain) == -1 ||
		    search_lib(&c->s, name, chain, nchain, &res) == -1)
			goto out;
		if (res.n == 0) {
			if (dep_add(c, (int)rec, DEP_NEEDED, name, NULL, NULL) == -1)
				goto out;
			continue;
		}
		for (size_t k = 0; k < res.n; k++) {
			char *soname =
			    res.v[k].ei.soname != NULL ? strdup(res.v[k].ei.soname) : NULL;
			r = add_found(c, (int)rec, DEP_NEEDED, name, res.v[k].path, NULL, 0, 0,
			    &res.v[k].ei);
			res.v[k].path = NULL;
			if (r == -1 ||
			    (k == 0 &&
				(loaded_add(c, name, (size_t)r) == -1 ||
				    loaded_add(c, c->d->v[r].path, (size_t)r) == -1 ||
				    loaded_add(c, soname, (size_t)r) == -1))) {
				free(soname);
				for (size_t j = k + 1; j < res.n; j++) {
					free(res.v[j].path);
					elf_info_free(&res.v[j].ei);
				}
				goto out;
			}
			free(soname);
		}
	}
	rc = 0;
out:
	free(chain);
	return rc;
}

/* Path text of a #! or PT_INTERP name, made absolute in the root. */
static char *
abs_path(const char *name)
{
	size_t n;

	if (name[0] != '/')
		return NULL;
	return path_normalize("/", 1, name, strlen(name), &n);
}

/* Whether a root-relative path names something that can be opened. */
static int
exists(struct ctx *c, const char *path)
{
	int fd = root_open(&c->s.root, path);
	struct stat st;
	int ok;

	if (fd == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

static int
do_interp(struct ctx *c, size_t rec)
{
	const char *interp = node_of(c, rec)->ei.interp;
	char *p = abs_path(interp);
	long r;

	if (p != NULL && !exists(c, p)) {
		free(p);
		p = NULL;
	}
	r = add_found(c, (int)rec, DEP_INTERP, interp, p, NULL, 1, 0, NULL);
	if (r == -1)
		return -1;
	if (loaded_add(c, interp, (size_t)r) == -1)
		return -1;
	return 0;
}

static char **
one_arg(const char *arg)
{
	char **v = calloc(2, sizeof(*v));

	if (v == NULL)
		return NULL;
	if (arg != NULL && (v[0] = strdup(arg)) == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

static int
do_script(struct ctx *c, size_t rec, const struct shebang *sb)
{
	int depth = node_of(c, rec)->depth + 1;
	char *envcmd = NULL, **envargs = NULL;
	long r;

	if (shebang_is_env(sb->interp)) {
		int rc = shebang_env(sb->arg, &envcmd, &envargs);
		if (rc == -1)
			return -1;
		if (rc == 0) {
			char *p = search_path(&c->s, envcmd, c->o->path_env);
			r = add_found(c, (int)rec, DEP_SCRIPT_INTERP, envcmd, p, envargs, 1, depth,
			    NULL);
			free(envcmd);
			if (r == -1)
				return -1;
		}
		/* env found nothing to run: only env itself is recorded. */
	}
	char *p = abs_path(sb->interp);
	if (p != NULL && !exists(c, p)) {
		free(p);
		p = NULL;
	}
	char **args = one_arg(sb->arg);
	if (args == NULL) {
		free(p);
		return -1;
	}
	r = add_found(c, (int)rec, DEP_SCRIPT_INTERP, sb->interp, p, args, 1, depth, NULL);
	return r == -1 ? -1 : 0;
}

/*
 * Analyse the file of record rec.  Returns 0, 1 when the file cannot be
 * read or is corrupt (message in err), -1 on ENOMEM.
 */
static int
analyse(struct ctx *c, size_t rec, char *err, size_t errlen)
{
	struct node *nd = node_of(c, rec);
	const char *path = c->d->v[rec].path;
	char head[SHEBANG_BUF_SIZE];
	ssize_t got = 0;
	struct stat st;
	int fd = -1, rc = 1;

	if (!nd->is_elf) {
		if ((fd = root_open(&c->s.root, path)) == -1) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			return 1;
		}
		if (fstat(fd, &st) == -1) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			seterr(err, errlen, "%s: %s", path,
			    S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
			goto out;
		}
		do
			got = pread(fd, head, sizeof(head), 0);
		while (got == -1 && errno == EINTR);
		if (got == -1) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (nd->is_elf || elf_info_is_elf(head, (size_t)got)) {
		if (!nd->is_elf) {
			if (elf_info_fd(fd, path, &nd->ei, err, errlen) == -1)
				goto out;
			nd->is_elf = 1;
		}
		if (nd->exec_like) {
			char *real = root_realpath(&c->s.root, path);
			nd->origin = real != NULL ? dir_of(real) : dir_of(path);
			free(real);
		} else {
			nd->origin = dir_of(path);
		}
		if (nd->origin == NULL || loaded_add(c, path, rec) == -1 ||
		    loaded_add(c, nd->ei.soname, rec) == -1)
			goto nomem;
		if (nd->exec_like && nd->ei.interp != NULL && do_interp(c, rec) == -1)
			goto nomem;
		if (do_needed(c, rec) == -1)
			goto nomem;
		rc = 0;
		goto out;
	}
	struct shebang sb;
	int sr = shebang_parse(head, (size_t)got, &sb);
	if (sr == -1)
		goto nomem;
	if (sr == SHEBANG_NONE) {
		seterr(err, errlen, "%s: not an ELF file or a #! script", path);
		goto out;
	}
	if (sr != SHEBANG_OK) {
		seterr(err, errlen, "%s: %s", path, shebang_strerror(sr));
		goto out;
	}
	if (!nd->exec_like) {
		seterr(err, errlen, "%s: a script where a library was expected", path);
		shebang_free(&sb);
		goto out;
	}
	if (nd->depth >= DEPS_MAX_SCRIPT_DEPTH) {
		seterr(err, errlen, "%s: more than %d levels of #! interpreters", path,
		    DEPS_MAX_SCRIPT_DEPTH);
		shebang_free(&sb);
		goto out;
	}
	rc = do_script(c, rec, &sb) == -1 ? -1 : 0;
	shebang_free(&sb);
	goto out;
nomem:
	rc = -1;
	seterr(err, errlen, "%s: %s", path, strerror(ENOMEM));
out:
	if (fd != -1)
		close(fd);
	return rc;
}

static void
free_records(struct deps *d, size_t from)
{
	for (size_t i = from; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].name);
		shebang_argv_free(d->v[i].args);
	}
	d->n = from;
}

static void
ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->nnodes; i++) {
		elf_info_free(&c->nodes[i].ei);
		free(c->nodes[i].origin);
	}
	free(c->nodes);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i].name);
	free(c->names);
	free(c->queue);
	search_free(&c->s);
}

int
deps_analyse(struct deps *d, const struct deps_opts *o, const char *file, char *err, size_t errlen)
{
	static const struct deps_opts defaults;
	struct ctx c = { .d = d, .o = o != NULL ? o : &defaults, .base = d->n };
	char cwd[PATH_MAX], sub[PATH_MAX + 512];
	char *path;
	size_t n;
	long r;
	int rc;

	if (search_init(&c.s, c.o->root, c.o->ld_library_path) == -1) {
		seterr(err, errlen, "%s: %s", c.o->root ? c.o->root : "/", strerror(errno));
		return -1;
	}
	/* A relative FILE is relative to the cwd on the host, to the root
	 * under -r ROOT. */
	if (file[0] != '/' && root_is_host(&c.s.root)) {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			seterr(err, errlen, "%s: %s", file, strerror(errno));
			ctx_free(&c);
			return -1;
		}
	} else {
		strlcpy(cwd, "/", sizeof(cwd));
	}
	path = path_normalize(cwd, strlen(cwd), file, strlen(file), &n);
	if (path == NULL) {
		seterr(err, errlen, "%s: %s", file, strerror(errno));
		ctx_free(&c);
		return -1;
	}
	int seen = first_record(d, path, d->n);
	if ((r = dep_add(&c, -1, DEP_ENTRY, file, path, NULL)) == -1) {
		seterr(err, errlen, "%s: %s", file, strerror(errno));
		ctx_free(&c);
		return -1;
	}
	if (seen) {
		/* Analysed as part of an earlier entry: nothing new. */
		ctx_free(&c);
		return 0;
	}
	if (enqueue(&c, (size_t)r, 1, 0) == -1)
		goto nomem;
	for (c.qhead = 0; c.qhead < c.qn; c.qhead++) {
		size_t rec = c.queue[c.qhead];

		rc = analyse(&c, rec, sub, sizeof(sub));
		if (rc == -1)
			goto nomem;
		if (rc == 1 && rec == (size_t)r) {
			/* The entry itself: an error, and d as it was. */
			seterr(err, errlen, "%s", sub);
			free_records(d, c.base);
			ctx_free(&c);
			return -1;
		}
		if (rc == 1)
			warnx("%s (needed by %s)", sub,
			    d->v[d->v[rec].parent].path != NULL ? d->v[d->v[rec].parent].path
								: d->v[d->v[rec].parent].name);
	}
	ctx_free(&c);
	return 0;
nomem:
	seterr(err, errlen, "%s: %s", file, strerror(ENOMEM));
	free_records(d, c.base);
	ctx_free(&c);
	return -1;
}

void
deps_free(struct deps *d)
{
	free_records(d, 0);
	free(d->v);
	memset(d, 0, sizeof(*d));
}
