#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"
#include "root.h"
#include "rootwalk.h"

int
root_init(struct root *r, const char *dir)
{
	char cwd[PATH_MAX];
	size_t n;

	if (dir == NULL || dir[0] == '\0')
		dir = "/";
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	if (dir[0] != '/')
		r->dir = path_normalize(cwd, strlen(cwd), dir, strlen(dir), &n);
	else
		r->dir = path_normalize("/", 1, dir, strlen(dir), &n);
	if (r->dir == NULL)
		return -1;
	if (strcmp(r->dir, "/") == 0)
		r->dir[0] = '\0';
	return 0;
}

void
root_free(struct root *r)
{
	free(r->dir);
	r->dir = NULL;
}

int
root_is_host(const struct root *r)
{
	return r->dir[0] == '\0';
}

int
root_host_path(const struct root *r, const char *path, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s%s", r->dir, path);

	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

char *
root_realpath(const struct root *r, const char *path)
{
	struct sb_walk w;

	if (path[0] != '/') {
		errno = EINVAL;
		return NULL;
	}
	if (sb_walk(&w, &sb_walk_host_ops, NULL, r->dir, path, 0) < 0)
		return NULL;
	return strdup(w.len > w.rootlen ? w.path + w.rootlen : "/");
}

/* path resolved in the root, as a host path, into full. */
static int
resolved_host_path(const struct root *r, const char *path, char *full, size_t size)
{
	char *real = root_realpath(r, path);
	int rc;

	if (real == NULL)
		return -1;
	rc = root_host_path(r, real, full, size);
	free(real);
	return rc;
}

int
root_open(const struct root *r, const char *path)
{
	char full[PATH_MAX * 2];

	if (root_is_host(r))
		return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (resolved_host_path(r, path, full, sizeof(full)) == -1)
		return -1;
	/* Resolved: a symlink here means the tree changed under us. */
	return open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
}

int
root_stat(const struct root *r, const char *path, struct stat *st)
{
	char full[PATH_MAX * 2];

	if (root_is_host(r))
		return stat(path, st);
	if (resolved_host_path(r, path, full, sizeof(full)) == -1)
		return -1;
	return stat(full, st);
}
