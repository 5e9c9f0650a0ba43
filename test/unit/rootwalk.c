/*
 * Unit tests of common/rootwalk.c: a real tree in a temporary directory
 * walked three ways that must agree (the root as a prefix, the prefix
 * with trailing slashes, and root "" with ops that add the prefix
 * themselves), then an in-memory file system for what a real one
 * cannot hold (an empty link, failing ops, paths past PATH_MAX).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "rootwalk.h"

#include "check.h"

static char top[PATH_MAX - 64], root[PATH_MAX];

/* --- the real tree ---------------------------------------------------- */

static void
mk(const char *rel, int type, const char *target)
{
	char p[PATH_MAX * 2];
	int rc;

	snprintf(p, sizeof p, "%s%s", root, rel);
	if (type == 'd') {
		rc = mkdir(p, 0755);
	} else if (type == 'l') {
		rc = symlink(target, p);
	} else {
		FILE *f = fopen(p, "w");
		rc = f != NULL && fclose(f) == 0 ? 0 : -1;
	}
	if (rc < 0) {
		failures++;
		perror(p);
	}
}

/* The ops' context: a prefix they add to every path (walks with root
 * ""), a log of what visit was told, and where visit stops the walk. */
struct wctx {
	const char *prefix;
	size_t strip; /* bytes of the root prefix left out of the log */
	char log[4096];
	size_t loglen;
	const char *stop_at; /* visit fails with EPERM there */
	int readlinks;
};

static const char *
full(const struct wctx *c, const char *p, char *buf, size_t size)
{
	if (c->prefix[0] == '\0')
		return p;
	snprintf(buf, size, "%s%s", c->prefix, p);
	return buf;
}

static int
real_lstat(void *ctx, const char *p, struct stat *st)
{
	char buf[PATH_MAX * 2];

	return lstat(full(ctx, p, buf, sizeof buf), st);
}

static long
real_readlink(void *ctx, const char *p, char *out, size_t size)
{
	char buf[PATH_MAX * 2];
	struct wctx *c = ctx;

	c->readlinks++;
	return readlink(full(ctx, p, buf, sizeof buf), out, size);
}

static int
log_visit(void *ctx, const char *p, const struct stat *st, const char *target)
{
	struct wctx *c = ctx;
	char kind = S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' : 'f';
	int n = snprintf(c->log + c->loglen, sizeof c->log - c->loglen, "%c:%s%s%s ", kind,
	    strlen(p) >= c->strip ? p + c->strip : "?", target != NULL ? ">" : "",
	    target != NULL ? target : "");

	if (n > 0 && (size_t)n < sizeof c->log - c->loglen)
		c->loglen += (size_t)n;
	if (c->stop_at != NULL && strcmp(p + c->strip, c->stop_at) == 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static const struct sb_walk_ops real_ops = { real_lstat, real_readlink, log_visit };

static struct sb_walk w, w2;

/*
 * The kernel's own answer: openat2(2) with RESOLVE_IN_ROOT resolves
 * under a root as the walker claims to.  0 with the resolved path
 * (below the root) in out, -1 with *err, or -2 when the kernel cannot
 * say (no openat2, or a seccomp filter refusing it).
 */
static int
kernel_walk(const char *path, unsigned flags, char *out, size_t size, int *err)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (flags & SB_WALK_NOFOLLOW ? O_NOFOLLOW : 0),
		.resolve = RESOLVE_IN_ROOT,
	};
	char proc[64], buf[PATH_MAX];
	int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (rfd < 0)
		return -2;
	fd = (int)syscall(SYS_openat2, rfd, path, &how, sizeof how);
	*err = errno;
	close(rfd);
	if (fd < 0)
		return *err == ENOSYS || *err == EPERM ? -2 : -1;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, buf, sizeof buf - 1);
	close(fd);
	size_t rl = strlen(root);
	if (n < 0 || (size_t)n < rl || memcmp(buf, root, rl) != 0)
		return -2;
	buf[n] = '\0';
	snprintf(out, size, "%s", buf + rl);
	return 0;
}

/* One walk of path under root with ctx. */
static int
walk(struct sb_walk *wk, struct wctx *c, const char *r, const char *path, unsigned flags)
{
	c->loglen = 0;
	c->log[0] = '\0';
	c->readlinks = 0;
	errno = 0;
	return sb_walk(wk, &real_ops, c, r, path, flags);
}

/*
 * Walk path under the tree: expect rc (0, or -1 with errno e), the
 * resolved path below the root (want; NULL: not checked), the type of
 * what was reached ('d', 'f', 'l'; 0: not checked), rest (NULL: not
 * checked), links followed (-1: not checked) and visit's log (NULL:
 * not checked).  The two other ways of naming the root must agree.
 */
static void
walk_is(int line, const char *path, unsigned flags, int e, const char *want, int type,
    const char *rest, int links, const char *log)
{
	struct wctx c = { .prefix = "", .strip = strlen(root) };
	int rc = walk(&w, &c, root, path, flags), err = errno;
	char rslash[PATH_MAX + 4];

	CHECK(rc == (e ? -1 : 0) && (rc == 0 || err == e), "line %d: walk(%s) = %d (%s), want %s",
	    line, path, rc, strerror(err), e ? strerror(e) : "0");
	/* path and rest are defined on success, ENOENT and ENOTDIR */
	int defined = rc == 0 || err == ENOENT || err == ENOTDIR;
	CHECK(!defined ||
		(w.rootlen == strlen(root) && strncmp(w.path, root, w.rootlen) == 0 &&
		    w.len == strlen(w.path)),
	    "line %d: walk(%s): the root prefix is gone: %s", line, path, w.path);
	if (want != NULL)
		CHECK(strcmp(w.path + w.rootlen, want) == 0,
		    "line %d: walk(%s) -> \"%s\", want \"%s\"", line, path, w.path + w.rootlen,
		    want);
	/* st is that of what was reached, after a ".." too */
	if (rc == 0) {
		struct stat real;
		CHECK(lstat(w.path, &real) == 0 && real.st_ino == w.st.st_ino &&
			real.st_mode == w.st.st_mode,
		    "line %d: walk(%s): st (inode %llu) is not that of %s (inode %llu)", line, path,
		    (unsigned long long)w.st.st_ino, w.path + w.rootlen,
		    (unsigned long long)real.st_ino);
	}
	if (type != 0 && rc == 0) {
		int got = S_ISDIR(w.st.st_mode) ? 'd' : S_ISLNK(w.st.st_mode) ? 'l' : 'f';
		CHECK(got == type, "line %d: walk(%s) reached a '%c', want '%c'", line, path, got,
		    type);
	}
	if (rest != NULL)
		CHECK(strcmp(w.rest, rest) == 0, "line %d: walk(%s): rest \"%s\", want \"%s\"",
		    line, path, w.rest, rest);
	if (links >= 0)
		CHECK(w.links == links, "line %d: walk(%s): %d links, want %d", line, path, w.links,
		    links);
	CHECK(c.readlinks <= SB_WALK_LINKS, "line %d: %d readlinks", line, c.readlinks);
	/* the kernel agrees (its limits on lengths are not the walker's) */
	char kpath[PATH_MAX];
	int kerr,
	    krc = err == ENAMETOOLONG ? -2 : kernel_walk(path, flags, kpath, sizeof kpath, &kerr);
	if (krc != -2)
		CHECK(krc == rc && (rc == 0 ? strcmp(kpath, w.path + w.rootlen) == 0 : kerr == err),
		    "line %d: walk(%s): the kernel says %d (%s) \"%s\"", line, path, krc,
		    krc < 0 ? strerror(kerr) : "0", krc == 0 ? kpath : "");
	if (log != NULL)
		CHECK(strcmp(c.log, log) == 0, "line %d: walk(%s) visited\n\t%s\n     want\n\t%s",
		    line, path, c.log, log);

	/* the root with trailing slashes, and root "" with the ops adding
	 * the prefix: the same answer */
	for (int how = 0; how < 2; how++) {
		struct wctx c2 = { .prefix = how ? root : "", .strip = how ? 0 : strlen(root) };
		snprintf(rslash, sizeof rslash, "%s//", root);
		int rc2 = walk(&w2, &c2, how ? "" : rslash, path, flags), err2 = errno;
		CHECK(rc2 == rc && (rc == 0 || err2 == err) && w2.links == w.links &&
			strcmp(c2.log, c.log) == 0 &&
			(!defined ||
			    (w2.rootlen == (how ? 0 : strlen(root)) &&
				strcmp(w2.path + w2.rootlen, w.path + w.rootlen) == 0 &&
				strcmp(w2.rest, w.rest) == 0)) &&
			(rc2 != 0 || w2.st.st_ino == w.st.st_ino),
		    "line %d: walk(%s) with root \"%s\": %d (%s) \"%s\" rest \"%s\" links %d log %s",
		    line, path, how ? "" : rslash, rc2, strerror(err2), w2.path + w2.rootlen,
		    w2.rest, w2.links, c2.log);
	}
}
#define OK(path, flags, want, type, links)                                                         \
	walk_is(__LINE__, path, flags, 0, want, type, "", links, NULL)
#define ERR(path, flags, e, want, rest) walk_is(__LINE__, path, flags, e, want, 0, rest, -1, NULL)
#define NOFOLLOW SB_WALK_NOFOLLOW

static void
real_tree(void)
{
	char p[PATH_MAX * 2], buf[SB_WALK_MAX + 200];
	struct stat st;

	snprintf(p, sizeof p, "%s/outside", top);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/outside/secret", top);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof p, "%s/etc", top); /* a decoy for "/../etc" */
	mkdir(p, 0755);
	mk("/etc", 'd', NULL);
	mk("/etc/passwd", 'f', NULL);
	mk("/usr", 'd', NULL);
	mk("/usr/lib", 'd', NULL);
	mk("/usr/lib/libc.so", 'f', NULL);
	mk("/usr/bin", 'd', NULL);
	mk("/usr/bin/tool", 'f', NULL);
	mk("/lib", 'l', "usr/lib");
	mk("/bin", 'l', "/usr/bin");
	mk("/abs", 'l', "/etc");
	mk("/up", 'l', "../../../../etc");
	mk("/escape", 'l', "/../../outside");
	mk("/escape2", 'l', "../outside");
	mk("/a", 'd', NULL);
	mk("/a/b", 'd', NULL);
	mk("/a/b/c", 'd', NULL);
	mk("/a/b/c/up2", 'l', "../..");
	mk("/a/b/pp", 'l', "../..");
	mk("/a/dd", 'l', "..");
	mk("/a/b/dot", 'l', ".");
	mk("/a/b/abs", 'l', "/usr/bin");
	mk("/loop1", 'l', "loop2");
	mk("/loop2", 'l', "loop1");
	mk("/self", 'l', "self");
	mk("/dangling", 'l', "/nowhere/x");
	mk("/flink", 'l', "etc/passwd");
	mk("/dirlink", 'l', "a/b");
	/* L0 -> L1 -> ... -> L40 -> /etc: 41 links from L0, 40 from L1 */
	for (int i = 0; i <= 40; i++) {
		char name[16], target[16];
		snprintf(name, sizeof name, "/L%d", i);
		snprintf(target, sizeof target, "L%d", i + 1);
		mk(name, 'l', i < 40 ? target : "/etc");
	}
	/* a link of 4003 bytes: "./" 2000 times, then "etc" */
	for (int i = 0; i < 2000; i++)
		memcpy(buf + 2 * i, "./", 2);
	memcpy(buf + 4000, "etc", 4);
	mk("/longlink", 'l', buf);

	/* plain paths, "." and "//" */
	OK("/etc/passwd", 0, "/etc/passwd", 'f', 0);
	OK("etc/passwd", 0, "/etc/passwd", 'f', 0);
	OK("//etc///passwd", 0, "/etc/passwd", 'f', 0);
	OK("/./etc/./passwd", 0, "/etc/passwd", 'f', 0);
	OK("/usr/bin/../lib/./libc.so", 0, "/usr/lib/libc.so", 'f', 0);
	OK("/etc/", 0, "/etc", 'd', 0);
	/* the root itself: "" below it, and its own stat */
	OK("/", 0, "", 'd', 0);
	OK("/..", 0, "", 'd', 0);
	OK("/./../.", 0, "", 'd', 0);
	CHECK(stat(root, &st) == 0 && w.st.st_ino == st.st_ino, "the root's own stat");
	/* ".." never above the root; the tree's parent has an etc too */
	OK("/../../etc", 0, "/etc", 'd', 0);
	OK("../../etc/passwd", 0, "/etc/passwd", 'f', 0);
	OK("/etc/../../../etc/passwd", 0, "/etc/passwd", 'f', 0);

	/* links: relative, absolute (again at the root), climbing */
	walk_is(__LINE__, "/lib/libc.so", 0, 0, "/usr/lib/libc.so", 'f', "", 1,
	    "l:/lib>usr/lib d:/usr d:/usr/lib f:/usr/lib/libc.so ");
	walk_is(__LINE__, "/bin/tool", 0, 0, "/usr/bin/tool", 'f', "", 1,
	    "l:/bin>/usr/bin d:/usr d:/usr/bin f:/usr/bin/tool ");
	OK("/abs/passwd", 0, "/etc/passwd", 'f', 1);
	OK("/a/b/abs/tool", 0, "/usr/bin/tool", 'f', 1);
	OK("/a/b/abs/../../etc", 0, "/etc", 'd', 1);
	OK("/up/passwd", 0, "/etc/passwd", 'f', 1);
	OK("/a/b/c/up2/b/c", 0, "/a/b/c", 'd', 1);
	OK("/a/b/pp/etc/passwd", 0, "/etc/passwd", 'f', 1);
	OK("/a/dd/a/dd/a/dd/etc", 0, "/etc", 'd', 3);
	OK("/a/b/dot/dot/dot/c", 0, "/a/b/c", 'd', 3);
	OK("/dirlink/c/../../b", 0, "/a/b", 'd', 1);
	/* ".." after a link: the parent of where it led, not of the link */
	OK("/lib/../bin/tool", 0, "/usr/bin/tool", 'f', 1);
	OK("/dirlink/..", 0, "/a", 'd', 1);
	OK("/usr/lib/..", 0, "/usr", 'd', 0);
	OK("/lib/..", 0, "/usr", 'd', 1);
	/* a link out of the root stays inside: there is no /outside in it */
	ERR("/escape", 0, ENOENT, "", "outside");
	ERR("/escape/secret", 0, ENOENT, "", "outside/secret");
	ERR("/escape2/secret", 0, ENOENT, "", "outside/secret");
	ERR("/a/b/pp/../../outside/secret", 0, ENOENT, "", "outside/secret");

	/* loops and the 40-link limit */
	ERR("/loop1", 0, ELOOP, NULL, NULL);
	ERR("/self/x", 0, ELOOP, NULL, NULL);
	ERR("/L0", 0, ELOOP, NULL, NULL);
	OK("/L1", 0, "/etc", 'd', 40);
	OK("/L1/passwd", 0, "/etc/passwd", 'f', 40);
	OK("/L0", NOFOLLOW, "/L0", 'l', 0);
	ERR("/L0/", NOFOLLOW, ELOOP, NULL, NULL);
	OK("/L1/", NOFOLLOW, "/etc", 'd', 40);
	OK("/loop1", NOFOLLOW, "/loop1", 'l', 0);

	/* dangling: ENOENT, rest the unwalked part, path what resolved */
	ERR("/dangling", 0, ENOENT, "", "nowhere/x");
	ERR("/dangling/y", 0, ENOENT, "", "nowhere/x/y");
	OK("/dangling", NOFOLLOW, "/dangling", 'l', 0);
	ERR("/missing", 0, ENOENT, "", "missing");
	ERR("/usr/missing/x/y", 0, ENOENT, "/usr", "missing/x/y");
	ERR("/usr/missing/../lib", 0, ENOENT, "/usr", "missing/../lib");

	/* a file used as a directory */
	ERR("/etc/passwd/x", 0, ENOTDIR, "/etc/passwd", "x");
	ERR("/etc/passwd/x/y", 0, ENOTDIR, "/etc/passwd", "x/y");
	ERR("/etc/passwd/", 0, ENOTDIR, NULL, NULL);
	ERR("/etc/passwd//", NOFOLLOW, ENOTDIR, NULL, NULL);
	ERR("/etc/passwd/.", 0, ENOTDIR, NULL, NULL);
	ERR("/etc/passwd/..", 0, ENOTDIR, NULL, NULL);
	ERR("/flink/", 0, ENOTDIR, NULL, NULL);
	ERR("/flink/", NOFOLLOW, ENOTDIR, NULL, NULL);
	ERR("/flink/x", 0, ENOTDIR, "/etc/passwd", "x");

	/* NOFOLLOW: only the last component, and not with a trailing '/' */
	OK("/lib", NOFOLLOW, "/lib", 'l', 0);
	OK("/lib", 0, "/usr/lib", 'd', 1);
	OK("/lib/", NOFOLLOW, "/usr/lib", 'd', 1);
	OK("/lib/.", NOFOLLOW, "/usr/lib", 'd', 1);
	OK("/lib/libc.so", NOFOLLOW, "/usr/lib/libc.so", 'f', 1);
	OK("/flink", NOFOLLOW, "/flink", 'l', 0);
	OK("/flink", 0, "/etc/passwd", 'f', 1);
	walk_is(__LINE__, "/a/dd/flink", NOFOLLOW, 0, "/flink", 'l', "", 1,
	    "d:/a l:/a/dd>.. l:/flink ");

	/* lengths: the path itself, a link's expansion */
	memset(buf, 'a', SB_WALK_MAX);
	buf[0] = '/';
	buf[SB_WALK_MAX] = '\0';
	ERR(buf, 0, ENAMETOOLONG, NULL, NULL);
	for (int i = 0; i < 2045; i++)
		memcpy(buf + 2 * i, "/.", 2);
	memcpy(buf + 4090, "//etc", 6); /* 4095 bytes */
	OK(buf, 0, "/etc", 'd', 0);
	OK("/longlink", 0, "/etc", 'd', 1);
	OK("/longlink/passwd", 0, "/etc/passwd", 'f', 1);
	snprintf(buf, sizeof buf, "/longlink/%0100d", 0);
	ERR(buf, 0, ENAMETOOLONG, NULL, NULL);

	/* visit sees every directory and link in order, and can stop it */
	walk_is(__LINE__, "/a/b/c/up2/../dirlink/c", 0, 0, "/a/b/c", 'd', "", 2,
	    "d:/a d:/a/b d:/a/b/c l:/a/b/c/up2>../.. l:/dirlink>a/b d:/a d:/a/b d:/a/b/c ");
	{
		struct wctx c = { .prefix = "", .strip = strlen(root), .stop_at = "/usr" };
		int rc = walk(&w, &c, root, "/lib/libc.so", 0);
		CHECK(rc == -1 && errno == EPERM, "visit stops the walk: %d %s", rc,
		    strerror(errno));
		CHECK(strcmp(c.log, "l:/lib>usr/lib d:/usr ") == 0, "stopped walk visited %s",
		    c.log);
		c.stop_at = "/lib";
		rc = walk(&w, &c, root, "/lib/libc.so", 0);
		CHECK(rc == -1 && errno == EPERM && strcmp(c.log, "l:/lib>usr/lib ") == 0,
		    "visit stops at a link: %d %s %s", rc, strerror(errno), c.log);
		c.stop_at = "/usr/lib/libc.so";
		rc = walk(&w, &c, root, "/lib/libc.so", 0);
		CHECK(rc == -1 && errno == EPERM, "visit stops at the last component: %d", rc);
		/* without visit at all */
		struct sb_walk_ops bare = { real_lstat, real_readlink, NULL };
		c.stop_at = NULL;
		rc = sb_walk(&w, &bare, &c, root, "/lib/libc.so", 0);
		CHECK(rc == 0 && strcmp(w.path + w.rootlen, "/usr/lib/libc.so") == 0,
		    "no visit op: %d %s", rc, w.path);
	}
}

/* --- an in-memory file system ----------------------------------------- */

struct fent {
	const char *path;
	int type; /* 'd', 'f', 'l' */
	const char *target;
};

static const struct fent fake[] = {
	{ "/", 'd', NULL },		 /* the root */
	{ "/d", 'd', NULL },		 /* a directory */
	{ "/f", 'f', NULL },		 /* a file */
	{ "/empty", 'l', "" },		 /* a link to nothing */
	{ "/eio", 'l', "x" },		 /* readlink fails */
	{ "/secret", 'd', NULL },	 /* lstat fails: EACCES */
	{ "/a", 'l', "b" },		 /* a loop... */
	{ "/b", 'l', "/../a" },		 /* ...through the root's ".." */
	{ "/d/up", 'l', "/../../../d" }, /* to itself, from above the root */
	{ "/big", 'l', NULL },		 /* see fake_readlink */
	{ "D", 'd', NULL },		 /* any component starting with 'D' */
};
#define FAKE_BIG (&fake[9])
#define FAKE_D (&fake[10])

struct fctx {
	const char *root; /* every path the walker asks about starts so */
	int calls, readlinks, outside;
};

static const struct fent *
fake_find(struct fctx *c, const char *p)
{
	size_t rl = strlen(c->root);

	c->calls++;
	if (strncmp(p, c->root, rl) != 0 || (p[rl] != '/' && p[rl] != '\0')) {
		c->outside++;
		return NULL;
	}
	p += rl;
	if (*p == '\0')
		p = "/";
	/* /big expands to D/D/...: every D is a directory, and each
	 * holds a big too */
	const char *base = strrchr(p, '/') + 1;
	if (base[0] == 'D')
		return FAKE_D;
	if (strcmp(base, "big") == 0)
		return FAKE_BIG;
	for (size_t i = 0; i < sizeof fake / sizeof *fake; i++)
		if (strcmp(fake[i].path, p) == 0)
			return &fake[i];
	return NULL;
}

static int
fake_lstat(void *ctx, const char *p, struct stat *st)
{
	const struct fent *e = fake_find(ctx, p);

	if (e == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (strcmp(e->path, "/secret") == 0) {
		errno = EACCES;
		return -1;
	}
	memset(st, 0, sizeof *st);
	st->st_mode = e->type == 'd' ? S_IFDIR | 0755
	    : e->type == 'l'	     ? S_IFLNK | 0777
				     : S_IFREG | 0644;
	st->st_ino = (ino_t)(e - fake) + 1;
	return 0;
}

static long
fake_readlink(void *ctx, const char *p, char *buf, size_t size)
{
	struct fctx *c = ctx;
	const struct fent *e = fake_find(c, p);

	c->readlinks++;
	if (e == NULL || e->type != 'l') {
		errno = EINVAL;
		return -1;
	}
	if (strcmp(e->path, "/eio") == 0) {
		errno = EIO;
		return -1;
	}
	if (e == FAKE_BIG) {
		/* 15 components of 250 bytes: 3765 bytes, relative */
		size_t n = 0;
		for (int i = 0; i < 15; i++) {
			memset(buf + n, 'D', 250);
			n += 250;
			buf[n++] = '/';
		}
		n--;
		return n <= size ? (long)n : -1;
	}
	size_t n = strlen(e->target);
	memcpy(buf, e->target, n < size ? n : size);
	return (long)(n < size ? n : size);
}

static const struct sb_walk_ops fake_ops = { fake_lstat, fake_readlink, NULL };

static void
fake_is(int line, const char *r, const char *path, unsigned flags, int e, const char *want)
{
	struct fctx c = { .root = r };
	int rc;

	errno = 0;
	rc = sb_walk(&w, &fake_ops, &c, r, path, flags);
	CHECK(rc == (e ? -1 : 0) && (rc == 0 || errno == e),
	    "line %d: fake walk(%s) = %d (%s), want %s", line, path, rc, strerror(errno),
	    e ? strerror(e) : "0");
	if (want != NULL)
		CHECK(strcmp(w.path + w.rootlen, want) == 0, "line %d: fake walk(%s) -> \"%s\"",
		    line, path, w.path + w.rootlen);
	CHECK(c.outside == 0, "line %d: the walker asked about a path outside %s", line, r);
	CHECK(c.readlinks <= SB_WALK_LINKS, "line %d: %d readlinks", line, c.readlinks);
}

static void
fake_fs(void)
{
	const char *roots[] = { "", "/jail" };

	for (int i = 0; i < 2; i++) {
		const char *r = roots[i];
		fake_is(__LINE__, r, "/d", 0, 0, "/d");
		/* an empty link leads nowhere, as in the kernel */
		fake_is(__LINE__, r, "/empty", 0, ENOENT, NULL);
		fake_is(__LINE__, r, "/empty/x", 0, ENOENT, NULL);
		fake_is(__LINE__, r, "/empty", NOFOLLOW, 0, "/empty");
		/* as after any ENOENT, path holds the part that resolved (not
		 * the link that led nowhere) and rest what was left */
		fake_is(__LINE__, r, "/d/../empty/x", 0, ENOENT, "");
		CHECK(w.rest[0] != '/' && strchr(w.rest, 'x') != NULL,
		    "rest after an empty link: \"%s\"", w.rest);
		/* the ops' own errors end the walk with their errno */
		fake_is(__LINE__, r, "/eio", 0, EIO, NULL);
		fake_is(__LINE__, r, "/secret/x", 0, EACCES, "");
		CHECK(strcmp(w.rest, "secret/x") == 0, "rest after EACCES: %s", w.rest);
		/* a loop through an absolute link with ".." above the root */
		fake_is(__LINE__, r, "/a", 0, ELOOP, NULL);
		fake_is(__LINE__, r, "/b/x", 0, ELOOP, NULL);
		fake_is(__LINE__, r, "/d/up/up/up/../f", 0, 0, "/f");
		fake_is(__LINE__, r, "/d/up/../../f/", 0, ENOTDIR, NULL);
		/* the resolved path would pass PATH_MAX: /big twice */
		fake_is(__LINE__, r, "/big", 0, 0, NULL);
		CHECK(w.len - w.rootlen == 15 * 251, "one /big: %zu bytes", w.len - w.rootlen);
		fake_is(__LINE__, r, "/big/big", 0, ENAMETOOLONG, NULL);
		fake_is(__LINE__, r, "/big/../../../../../../../../../../../../../../../big/..", 0,
		    0, NULL);
		CHECK(w.len - w.rootlen == 14 * 251, "/big, up, /big, up: %zu bytes",
		    w.len - w.rootlen);
	}
	/* a root prefix of PATH_MAX bytes or more */
	{
		static char longroot[SB_WALK_MAX + 1];
		struct fctx c = { .root = longroot };
		memset(longroot, 'r', SB_WALK_MAX);
		longroot[0] = '/';
		errno = 0;
		CHECK(sb_walk(&w, &fake_ops, &c, longroot, "/d", 0) == -1 && errno == ENAMETOOLONG,
		    "a root of %d bytes: %s", SB_WALK_MAX, strerror(errno));
		/* the prefix fits, the path under it does not */
		longroot[SB_WALK_MAX - 2] = '\0';
		errno = 0;
		CHECK(sb_walk(&w, &fake_ops, &c, longroot, "/d", 0) == -1 && errno == ENAMETOOLONG,
		    "a root of %d bytes and /d: %s", SB_WALK_MAX - 2, strerror(errno));
	}
}

int
main(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(top, sizeof top, "%s/sbwalk.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(root, sizeof root, "%s/root", top);
	if (mkdir(root, 0755) < 0) {
		perror(root);
		return 1;
	}
	real_tree();
	fake_fs();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", top);
	printf("rootwalk: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
