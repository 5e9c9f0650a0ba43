/* Calls that change the file system: all reported with SB_M_WRITE. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "real.h"
#include "sb.h"

static int
changed(int r, int op, unsigned mode, int dirfd, const char *path)
{
	sb_access(op, SB_M_WRITE | mode, r < 0 ? errno : 0, dirfd, path);
	return r;
}

/* The first path's mode; the collector marks the second (new) one as
 * written and created.  rename removes the old name, link leaves it. */
static int
changed2(int r, int op, int dirfd1, const char *p1, int dirfd2, const char *p2)
{
	sb_access2(op, op == SB_OP_RENAME ? SB_M_WRITE : 0, r < 0 ? errno : 0, dirfd1, p1, dirfd2,
	    p2);
	return r;
}

SB_EXPORT int
rename(const char *from, const char *to)
{
	return changed2(REAL(rename)(from, to), SB_OP_RENAME, AT_FDCWD, from, AT_FDCWD, to);
}

SB_EXPORT int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	return changed2(REAL(renameat)(fd1, from, fd2, to), SB_OP_RENAME, fd1, from, fd2, to);
}

SB_EXPORT int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	return changed2(REAL(renameat2)(fd1, from, fd2, to, flags), SB_OP_RENAME, fd1, from, fd2,
	    to);
}

SB_EXPORT int
link(const char *from, const char *to)
{
	return changed2(REAL(link)(from, to), SB_OP_LINK, AT_FDCWD, from, AT_FDCWD, to);
}

SB_EXPORT int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	return changed2(REAL(linkat)(fd1, from, fd2, to, flags), SB_OP_LINK, fd1, from, fd2, to);
}

/* The target of a symlink is only text; the link itself is created. */
SB_EXPORT int
symlink(const char *target, const char *linkpath)
{
	return changed(REAL(symlink)(target, linkpath), SB_OP_SYMLINK, SB_M_CREATE, AT_FDCWD,
	    linkpath);
}

SB_EXPORT int
symlinkat(const char *target, int dirfd, const char *linkpath)
{
	return changed(REAL(symlinkat)(target, dirfd, linkpath), SB_OP_SYMLINK, SB_M_CREATE, dirfd,
	    linkpath);
}

SB_EXPORT int
unlink(const char *path)
{
	return changed(REAL(unlink)(path), SB_OP_UNLINK, 0, AT_FDCWD, path);
}

SB_EXPORT int
unlinkat(int dirfd, const char *path, int flags)
{
	return changed(REAL(unlinkat)(dirfd, path, flags),
	    flags & AT_REMOVEDIR ? SB_OP_RMDIR : SB_OP_UNLINK, 0, dirfd, path);
}

SB_EXPORT int
remove(const char *path)
{
	return changed(REAL(remove)(path), SB_OP_UNLINK, 0, AT_FDCWD, path);
}

SB_EXPORT int
rmdir(const char *path)
{
	return changed(REAL(rmdir)(path), SB_OP_RMDIR, SB_M_DIR, AT_FDCWD, path);
}

SB_EXPORT int
mkdir(const char *path, mode_t mode)
{
	return changed(REAL(mkdir)(path, mode), SB_OP_MKDIR, SB_M_CREATE | SB_M_DIR, AT_FDCWD,
	    path);
}

SB_EXPORT int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	return changed(REAL(mkdirat)(dirfd, path, mode), SB_OP_MKDIR, SB_M_CREATE | SB_M_DIR, dirfd,
	    path);
}

SB_EXPORT int
truncate(const char *path, off_t len)
{
	return changed(REAL(truncate)(path, len), SB_OP_TRUNCATE, SB_M_TRUNC, AT_FDCWD, path);
}

SB_EXPORT int
truncate64(const char *path, off64_t len)
{
	return changed(REAL(truncate64)(path, len), SB_OP_TRUNCATE, SB_M_TRUNC, AT_FDCWD, path);
}
