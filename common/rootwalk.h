/*
 * Resolving a path under a root as the kernel would if that root were
 * "/": one component at a time, symbolic links followed with an
 * absolute target starting again at the root, ".." never climbing above
 * it, at most SB_WALK_LINKS links.  It is how the bundler reads -r ROOT
 * and its own closure, how the launcher finds an entry in the payload
 * and how host mode's shim maps a path into it, so it is written once
 * and is security-sensitive: a hostile path or link must never lead
 * outside the root.
 *
 * The file system is reached only through the caller's lstat and
 * readlink (the shim passes raw syscalls; the bundler its closure), and
 * everything lives in the caller's struct: no malloc, no globals, so a
 * vfork child may call it.  libc only: the static launcher links it.
 */
#ifndef SB_ROOTWALK_H
#define SB_ROOTWALK_H

#include <stddef.h>
#include <sys/stat.h>

#define SB_WALK_MAX 4096 /* PATH_MAX: the longest path handled */
#define SB_WALK_LINKS 40 /* as the kernel */

struct sb_walk_ops {
	/* lstat(2) of p (the root prefix and the path so far): 0, or -1
	 * with errno, which then ends the walk */
	int (*lstat)(void *ctx, const char *p, struct stat *st);
	/* readlink(2) of p into buf (size bytes): the length, or -1 */
	long (*readlink)(void *ctx, const char *p, char *buf, size_t size);
	/* optional: told of each component once it is known: a directory
	 * passed, a symbolic link followed (target is its text, else
	 * NULL), the final object.  -1 with errno ends the walk. */
	int (*visit)(void *ctx, const char *p, const struct stat *st, const char *target);
};

/* The last component is not followed if it is a symbolic link (lstat,
 * readlink); a trailing '/' still follows it, as the kernel does. */
#define SB_WALK_NOFOLLOW 1

struct sb_walk {
	/* the root prefix and, after it, the resolved path: path + rootlen
	 * is "" for the root itself, else "/a/b" */
	char path[SB_WALK_MAX];
	size_t rootlen, len;
	struct stat st; /* of the object reached */
	/* after ENOENT or ENOTDIR: what was left to walk, the component
	 * that failed first; path then holds the part that resolved */
	char rest[SB_WALK_MAX];
	int links; /* symbolic links followed */
};

/*
 * Resolve path (absolute; a relative one is taken from the root too)
 * under root ("" when the ops handle the root themselves).  0, or -1
 * with errno: ENOENT, ENOTDIR (a non-directory with components after
 * it, or a trailing '/'), ELOOP, ENAMETOOLONG, or an op's.
 */
int sb_walk(struct sb_walk *w, const struct sb_walk_ops *ops, void *ctx, const char *root,
    const char *path, unsigned flags);

/* lstat(2) and readlink(2) as they are (rootwalk_host.c). */
extern const struct sb_walk_ops sb_walk_host_ops;

#endif
