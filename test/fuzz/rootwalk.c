/*
 * Fuzz target: common/rootwalk.c on an in-memory file system whose
 * links point where the input says, walking a path the input chooses.
 * Input: a flags byte (bit 0: SB_WALK_NOFOLLOW), then lines: the path,
 * then the targets of /l0, /d/l1, /d/e/l2 and /usr/l3.
 *
 * The walker must never ask the ops about a path outside the root
 * prefix nor one holding ".", ".." or "//"; never follow more than 40
 * links; return a clean path of what it reached; give the same answer
 * whatever the root prefix is named; and agree with a second, recursive
 * resolver written here the way fs/namei.c nests links.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rootwalk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "rootwalk: " __VA_ARGS__);                                         \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

#define NLINKS 4

struct node {
	const char *path;
	int type; /* 'd', 'f', 'l' */
	const char *target;
	int fuzz; /* its target is the input's link number fuzz - 1 */
};

static const struct node nodes[] = {
	{ "/", 'd', NULL, 0 },
	{ "/d", 'd', NULL, 0 },
	{ "/d/e", 'd', NULL, 0 },
	{ "/usr", 'd', NULL, 0 },
	{ "/usr/lib", 'd', NULL, 0 },
	{ "/f", 'f', NULL, 0 },
	{ "/d/g", 'f', NULL, 0 },
	{ "/usr/lib/libc.so", 'f', NULL, 0 },
	{ "/self", 'l', "self", 0 },
	{ "/up", 'l', "../..", 0 },
	{ "/abs", 'l', "/d/e", 0 },
	{ "/empty", 'l', "", 0 },
	{ "/lib", 'l', "usr/lib", 0 },
	{ "/l0", 'l', NULL, 1 },
	{ "/d/l1", 'l', NULL, 2 },
	{ "/d/e/l2", 'l', NULL, 3 },
	{ "/usr/l3", 'l', NULL, 4 },
};

/* the input's link targets */
static char targets[NLINKS][SB_WALK_MAX + 64];

static const char *
target_of(const struct node *n)
{
	return n->fuzz ? targets[n->fuzz - 1] : n->target;
}

static const struct node *
lookup(const char *p)
{
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
		if (strcmp(nodes[i].path, p) == 0)
			return &nodes[i];
	return NULL;
}

struct fctx {
	const char *root; /* the prefix every path asked about starts with */
	size_t rootlen;
	int readlinks;
};

/* "/" or "/a/b": no empty, "." or ".." component, no trailing '/' */
static int
clean(const char *p)
{
	if (strcmp(p, "/") == 0)
		return 1;
	if (p[0] != '/')
		return 0;
	for (const char *c = p; *c;) {
		const char *s = ++c;
		while (*c && *c != '/')
			c++;
		size_t len = (size_t)(c - s);
		if (len == 0 || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
	}
	return 1;
}

/* The path the ops were given, below the root; abort if it is not one
 * the walker may ask about. */
static const char *
below(const struct fctx *c, const char *p)
{
	if (strncmp(p, c->root, c->rootlen) != 0)
		FAIL("asked about %s, outside the root %s", p, c->root);
	p += c->rootlen;
	if (*p == '\0')
		p = "/"; /* the root itself, named by its prefix */
	if (!clean(p))
		FAIL("asked about an unclean path %s", p);
	return p;
}

static int
fake_lstat(void *ctx, const char *p, struct stat *st)
{
	const struct node *n = lookup(below(ctx, p));

	if (n == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(st, 0, sizeof *st);
	st->st_mode = n->type == 'd' ? S_IFDIR | 0755
	    : n->type == 'l'	     ? S_IFLNK | 0777
				     : S_IFREG | 0644;
	st->st_ino = (ino_t)(n - nodes) + 1;
	return 0;
}

static long
fake_readlink(void *ctx, const char *p, char *buf, size_t size)
{
	struct fctx *c = ctx;
	const struct node *n = lookup(below(ctx, p));

	if (++c->readlinks > SB_WALK_LINKS)
		FAIL("%d links read", c->readlinks);
	if (n == NULL || n->type != 'l')
		FAIL("readlink of %s, not a link", p);
	const char *t = target_of(n);
	size_t len = strlen(t);
	if (len > size)
		len = size; /* as readlink(2) truncates */
	memcpy(buf, t, len);
	return (long)len;
}

static const struct sb_walk_ops ops = { fake_lstat, fake_readlink, NULL };

/* --- the second resolver ------------------------------------------- */

#define REF_MAX 65536

struct ref {
	char path[REF_MAX]; /* resolved so far, below the root: "" or "/a" */
	size_t len;
	int type; /* of what path names */
	int links;
};

/*
 * Walk p from r->path, nesting into link targets as fs/namei.c does; a
 * link is followed unless it is the last component of the outermost
 * path, without a trailing '/', and follow is 0.  0 or an errno.
 */
static int
ref_walk(struct ref *r, const char *p, int follow)
{
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		const char *e = p;
		while (*e != '\0' && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		const char *q = e;
		while (*q == '/')
			q++;
		int last = *q == '\0', slash = *e == '/';
		if (r->type != 'd')
			return ENOTDIR;
		if (cl == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (r->len > 0 && r->path[r->len - 1] != '/')
				r->len--;
			if (r->len > 0)
				r->len--;
			r->path[r->len] = '\0';
			p = e;
			continue;
		}
		if (r->len + 1 + cl >= REF_MAX)
			return ENAMETOOLONG;
		size_t prev = r->len;
		r->path[r->len++] = '/';
		memcpy(r->path + r->len, p, cl);
		r->len += cl;
		r->path[r->len] = '\0';
		const struct node *n = lookup(r->path);
		if (n == NULL)
			return ENOENT;
		r->type = n->type;
		if (n->type == 'l' && (!last || slash || follow)) {
			if (++r->links > SB_WALK_LINKS)
				return ELOOP;
			const char *t = target_of(n);
			if (*t == '\0')
				return ENOENT;
			r->len = t[0] == '/' ? 0 : prev;
			r->path[r->len] = '\0';
			r->type = 'd';
			int err = ref_walk(r, t, 1);
			if (err != 0)
				return err;
		}
		if (last && slash && r->type != 'd')
			return ENOTDIR;
		p = e;
	}
	return 0;
}

static struct sb_walk w, w2;
static struct ref ref;

/* w.path below its root, and rest, are defined after these */
static int
defined(int rc, int err)
{
	return rc == 0 || err == ENOENT || err == ENOTDIR;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[SB_WALK_MAX + 64];
	static const char *const roots[] = { "", "/jail", "/jail//" };
	unsigned flags;
	size_t i = 1;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? SB_WALK_NOFOLLOW : 0;
	/* the path, then the link targets, one a line, NULs cut them */
	for (int k = 0; k <= NLINKS; k++) {
		char *out = k == 0 ? path : targets[k - 1];
		size_t cap = k == 0 ? sizeof path : sizeof targets[0], n = 0;
		while (i < size && data[i] != '\n') {
			if (n + 1 < cap)
				out[n++] = (char)data[i];
			i++;
		}
		i++;
		out[n] = '\0';
		if (k > 0 && n == 0 && i > size)
			snprintf(out, cap, "d"); /* not given */
	}

	struct fctx c = { roots[1], 5, 0 };
	int rc = sb_walk(&w, &ops, &c, c.root, path, flags), err = errno;
	int links = c.readlinks;

	if (rc != 0 && rc != -1)
		FAIL("rc %d", rc);
	if (rc < 0 && err != ENOENT && err != ENOTDIR && err != ELOOP && err != ENAMETOOLONG)
		FAIL("errno %d (%s)", err, strerror(err));
	if (w.links > SB_WALK_LINKS + 1 || (rc == 0 && w.links > SB_WALK_LINKS))
		FAIL("%d links", w.links);
	if (rc == -1 && err == ELOOP && links != SB_WALK_LINKS)
		FAIL("ELOOP after %d links", links);
	if (rc == 0 && links != w.links)
		FAIL("%d links followed, %d read", w.links, links);
	if (defined(rc, err)) {
		if (w.rootlen != 5 || strncmp(w.path, "/jail", 5) != 0 || w.len != strlen(w.path))
			FAIL("the root prefix is gone: %s", w.path);
		const char *b = w.path + w.rootlen;
		if (*b != '\0' && (!clean(b) || strcmp(b, "/") == 0))
			FAIL("unclean result %s", b);
		/* every directory on the way is one, not a link */
		char pre[SB_WALK_MAX];
		for (size_t k = 1; b[k - 1] != '\0'; k++) {
			if (b[k] != '/' && b[k] != '\0')
				continue;
			memcpy(pre, b, k);
			pre[k] = '\0';
			const struct node *n = lookup(pre);
			if (n == NULL)
				FAIL("%s: %s does not exist", b, pre);
			if (b[k] == '/' && n->type != 'd')
				FAIL("%s: %s is no directory", b, pre);
			if (b[k] == '\0' && n->type == 'l' &&
			    (rc != 0 || !(flags & SB_WALK_NOFOLLOW)))
				FAIL("%s: ends at a link", b);
		}
		if (rc == 0 && w.st.st_ino != (ino_t)(*b ? lookup(b) - nodes + 1 : 1))
			FAIL("stat of %s is not its own", b);
		if (rc == -1 && w.rest[0] == '\0')
			FAIL("%s with no rest", strerror(err));
	}

	/* the other names of the root give the same answer */
	for (int k = 0; k < 3; k += 2) {
		struct fctx c2 = { roots[k], strlen(roots[k]), 0 };
		if (k == 2)
			c2.rootlen = 5; /* the walker drops the trailing slashes */
		int rc2 = sb_walk(&w2, &ops, &c2, roots[k], path, flags), err2 = errno;
		if (rc2 != rc || (rc < 0 && err2 != err) || w2.links != w.links)
			FAIL("root \"%s\": %d (%s), root /jail: %d (%s)", roots[k], rc2,
			    strerror(err2), rc, strerror(err));
		if (defined(rc, err) &&
		    (strcmp(w2.path + w2.rootlen, w.path + w.rootlen) != 0 ||
			strcmp(w2.rest, w.rest) != 0))
			FAIL("root \"%s\": \"%s\" rest \"%s\"; root /jail: \"%s\" rest \"%s\"",
			    roots[k], w2.path + w2.rootlen, w2.rest, w.path + w.rootlen, w.rest);
	}

	/* what it reached, walked again, is reached at once */
	if (rc == 0 && w.len > w.rootlen) {
		struct fctx c3 = { "", 0, 0 };
		if (sb_walk(&w2, &ops, &c3, "", w.path + w.rootlen, flags) != 0 || w2.links != 0 ||
		    strcmp(w2.path, w.path + w.rootlen) != 0)
			FAIL("%s walked again: %s, %d links", w.path + w.rootlen, w2.path,
			    w2.links);
	}

	/* the recursive resolver agrees, lengths apart: it has no limit
	 * but its buffer's */
	ref.len = 0;
	ref.path[0] = '\0';
	ref.type = 'd';
	ref.links = 0;
	int rerr = ref_walk(&ref, path, !(flags & SB_WALK_NOFOLLOW));
	if (!(rc < 0 && err == ENAMETOOLONG) && rerr != ENAMETOOLONG) {
		if ((rc == 0) != (rerr == 0) || (rc < 0 && err != rerr))
			FAIL("%s: walker %d (%s), resolver %s", path, rc, rc ? strerror(err) : "",
			    strerror(rerr));
		if (rc == 0 && strcmp(ref.path, w.path + w.rootlen) != 0)
			FAIL("%s: walker \"%s\", resolver \"%s\"", path, w.path + w.rootlen,
			    ref.path);
	}
	return 0;
}
