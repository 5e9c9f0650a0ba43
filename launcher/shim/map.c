/*
 * The payload view of an absolute path: common/rootwalk.c with the
 * payload as the root, through raw syscalls (this runs in vfork
 * children and in the exec path).  One lstat per component; a path
 * whose first component the payload lacks costs one.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootwalk.h"
#include "shim.h"

/* Never the payload's: the kernel's and the session's own trees. */
static int
excluded(const char *p)
{
	static const char *const skip[] = { "proc", "dev", "sys", "tmp", "run" };

	while (*p == '/')
		p++;
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++) {
		size_t n = strlen(skip[i]);
		if (strncmp(p, skip[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return 1;
	}
	return 0;
}

static int
raw_lstat(void *ctx, const char *p, struct stat *st)
{
	return (int)syscall(SYS_newfstatat, AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW);
}

static long
raw_readlink(void *ctx, const char *p, char *buf, size_t n)
{
	return syscall(SYS_readlinkat, AT_FDCWD, p, buf, n);
}

static int
walk(const char *path, char *out, int follow)
{
	static const struct sb_walk_ops ops = { raw_lstat, raw_readlink, NULL };
	struct sb_walk w;

	if (excluded(path))
		return 0;
	if (strncmp(path, shim.payload, shim.plen) == 0 &&
	    (path[shim.plen] == '/' || path[shim.plen] == '\0'))
		return 0;
	if (sb_walk(&w, &ops, NULL, shim.payload, path, follow ? 0 : SB_WALK_NOFOLLOW) < 0)
		return 0;
	/* the payload's root is not the host's / */
	if (w.len == w.rootlen)
		return 0;
	memcpy(out, w.path, w.len + 1);
	return 1;
}

int
shim_map(const char *path, char *out, int follow)
{
	if (path == NULL || path[0] != '/' || !shim_active())
		return 0;
	int e = errno, r = walk(path, out, follow);
	errno = e;
	return r;
}
