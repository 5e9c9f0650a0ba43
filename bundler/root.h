/*
 * A view of the root the analysis reads: the host's "/" or -r ROOT, as
 * the loader and the kernel inside it would see it.  Paths are absolute
 * and root-relative; symbolic links are followed inside the root (an
 * absolute target is taken relative to it, ".." never climbs out of it:
 * common/rootwalk.c), so a hostile tree cannot lead the bundler outside.
 */
#ifndef SB_ROOT_H
#define SB_ROOT_H

#include <stddef.h>
#include <sys/stat.h>

struct root {
	char *dir; /* "" for the host, else ROOT, absolute, normalised,
		    * without a trailing '/' */
};

/* dir: NULL or "/" for the host; a relative ROOT is taken against the
 * cwd.  0, or -1 with errno. */
int root_init(struct root *r, const char *dir);
void root_free(struct root *r);

/* Whether r is the host's own root. */
int root_is_host(const struct root *r);

/* path (root-relative) as a host path, into out; -1 with ENAMETOOLONG. */
int root_host_path(const struct root *r, const char *path, char *out, size_t outlen);

/*
 * Resolve the absolute path following every symlink inside the root.
 * Returns a malloc'd root-relative path, or NULL with errno set (ENOENT,
 * ENOTDIR, ELOOP, ENAMETOOLONG, EINVAL for a relative path, ...).
 */
char *root_realpath(const struct root *r, const char *path);

/* Open path for reading (O_CLOEXEC), symlinks followed inside the root.
 * An fd, or -1 with errno. */
int root_open(const struct root *r, const char *path);

/* stat(2) of path, symlinks followed inside the root. */
int root_stat(const struct root *r, const char *path, struct stat *st);

#endif
