/* sb_walk_host_ops: rootwalk on the file system as this process sees it
 * (the shim has raw syscalls of its own: its lstat is interposed). */
#include <sys/stat.h>
#include <unistd.h>

#include "rootwalk.h"

static int
host_lstat(void *ctx, const char *p, struct stat *st)
{
	return lstat(p, st);
}

static long
host_readlink(void *ctx, const char *p, char *buf, size_t n)
{
	return readlink(p, buf, n);
}

const struct sb_walk_ops sb_walk_host_ops = { host_lstat, host_readlink, NULL };
