/* The stat family (new names and the pre-2.33 __xstat ABI), access and
 * readlink/realpath: the "does it exist" probes that explain why a
 * program went looking elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modes.h"
#include "real.h"
#include "sb.h"

static int
done(int r, int op, unsigned mode, int dirfd, const char *path)
{
	sb_access(op, mode, r < 0 ? errno : 0, dirfd, path);
	return r;
}

/* statx(fd, "", AT_EMPTY_PATH) is an fstat: no path was used. */
static int
at_done(int r, int dirfd, const char *path, int flags)
{
	if ((flags & AT_EMPTY_PATH) && path != NULL && path[0] == '\0')
		return r;
	return done(r, SB_OP_STAT, flags & AT_SYMLINK_NOFOLLOW ? SB_M_NOFOLLOW : 0, dirfd, path);
}

#define WRAP_STAT(name, type, nofollow)                                                            \
	SB_EXPORT int name(const char *path, type *buf)                                            \
	{                                                                                          \
		return done(REAL(name)(path, buf), SB_OP_STAT, nofollow, AT_FDCWD, path);          \
	}
WRAP_STAT(stat, struct stat, 0)
WRAP_STAT(stat64, struct stat64, 0)
WRAP_STAT(lstat, struct stat, SB_M_NOFOLLOW)
WRAP_STAT(lstat64, struct stat64, SB_M_NOFOLLOW)

#define WRAP_FSTATAT(name, type)                                                                   \
	SB_EXPORT int name(int dirfd, const char *path, type *buf, int flags)                      \
	{                                                                                          \
		return at_done(REAL(name)(dirfd, path, buf, flags), dirfd, path, flags);           \
	}
WRAP_FSTATAT(fstatat, struct stat)
WRAP_FSTATAT(fstatat64, struct stat64)

SB_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf)
{
	return at_done(REAL(statx)(dirfd, path, flags, mask, buf), dirfd, path, flags);
}

/* Binaries built before glibc 2.33 call these; ver is _STAT_VER. */
#define WRAP_XSTAT(name, type, nofollow)                                                           \
	SB_EXPORT int name(int ver, const char *path, type *buf)                                   \
	{                                                                                          \
		return done(REAL(name)(ver, path, buf), SB_OP_STAT, nofollow, AT_FDCWD, path);     \
	}
WRAP_XSTAT(__xstat, struct stat, 0)
WRAP_XSTAT(__xstat64, struct stat64, 0)
WRAP_XSTAT(__lxstat, struct stat, SB_M_NOFOLLOW)
WRAP_XSTAT(__lxstat64, struct stat64, SB_M_NOFOLLOW)

#define WRAP_FXSTATAT(name, type)                                                                  \
	SB_EXPORT int name(int ver, int dirfd, const char *path, type *buf, int flags)             \
	{                                                                                          \
		return at_done(REAL(name)(ver, dirfd, path, buf, flags), dirfd, path, flags);      \
	}
WRAP_FXSTATAT(__fxstatat, struct stat)
WRAP_FXSTATAT(__fxstatat64, struct stat64)

#define WRAP_ACCESS(name)                                                                          \
	SB_EXPORT int name(const char *path, int amode)                                            \
	{                                                                                          \
		return done(REAL(name)(path, amode), SB_OP_ACCESS,                                 \
		    sb_mode_of_access((unsigned)amode), AT_FDCWD, path);                           \
	}
WRAP_ACCESS(access)
WRAP_ACCESS(euidaccess)
WRAP_ACCESS(eaccess)

SB_EXPORT int
faccessat(int dirfd, const char *path, int amode, int flags)
{
	return done(REAL(faccessat)(dirfd, path, amode, flags), SB_OP_ACCESS,
	    sb_mode_of_access((unsigned)amode), dirfd, path);
}

SB_EXPORT ssize_t
readlink(const char *path, char *buf, size_t size)
{
	ssize_t r = REAL(readlink)(path, buf, size);

	sb_access(SB_OP_READLINK, SB_M_NOFOLLOW, r < 0 ? errno : 0, AT_FDCWD, path);
	return r;
}

SB_EXPORT ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t r = REAL(readlinkat)(dirfd, path, buf, size);

	sb_access(SB_OP_READLINK, SB_M_NOFOLLOW, r < 0 ? errno : 0, dirfd, path);
	return r;
}

SB_EXPORT char *
realpath(const char *path, char *resolved)
{
	char *r = REAL(realpath)(path, resolved);

	sb_access(SB_OP_REALPATH, 0, r == NULL ? errno : 0, AT_FDCWD, path);
	return r;
}
