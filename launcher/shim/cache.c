/*
 * The payload's caches are not the host's.  A directory the payload has
 * under /var/cache (fontconfig's, ...) holds what was made of the
 * payload's files, and so does a __pycache__ beside a payload
 * directory; the host's directory of the same name is the host's own
 * cache.  A program that found the payload's cache stale would write
 * its new one into the host's, for the host's programs to read.  So
 * every write there fails with EROFS, as on a read-only system: the
 * program goes without (Python) or uses its per-user cache instead
 * (fontconfig: $XDG_CACHE_HOME/fontconfig), as it does for any user who
 * may not write the system's.  The bundle keeps mtimes, so the
 * payload's caches are valid and normally nothing is written at all.
 *
 * Only absolute paths are judged (relative ones are the program's own,
 * as everywhere in the shim); writes through descriptors are not seen.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "shim.h"

#define VAR_CACHE "/var/cache/"

/* The payload has dir[0..n) (a directory path). */
static int
payload_has(const char *dir, size_t n)
{
	char buf[PATH_MAX], out[PATH_MAX];

	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, dir, n);
	buf[n] = '\0';
	return shim_map(buf, out, 1);
}

int
shim_cache_path(const char *path)
{
	if (path == NULL || path[0] != '/' || !shim_active())
		return 0;
	int e = errno, r = 0;
	if (strncmp(path, VAR_CACHE, sizeof VAR_CACHE - 1) == 0) {
		const char *name = path + sizeof VAR_CACHE - 1;
		size_t n = strcspn(name, "/");
		r = n > 0 && payload_has(path, (size_t)(name + n - path));
	}
	for (const char *p = path; r == 0 && (p = strstr(p, "/__pycache__")) != NULL; p++)
		if (p[12] == '/' || p[12] == '\0')
			r = payload_has(path, (size_t)(p - path));
	errno = e;
	return r;
}

/* Fail with EROFS when path is in a payload cache, else call through. */
#define GUARD(path, fail)                                                                          \
	do {                                                                                       \
		if (shim_cache_path(path)) {                                                       \
			errno = EROFS;                                                             \
			return (fail);                                                             \
		}                                                                                  \
	} while (0)

/* The next f, or ENOSYS when libc has none. */
#define CALL(f, fail, ...)                                                                         \
	({                                                                                         \
		__typeof__(f) *fn_ = REAL(f);                                                      \
		fn_ ? fn_(__VA_ARGS__) : (errno = ENOSYS, (fail));                                 \
	})

SH_EXPORT int
creat(const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(creat, -1, path, mode);
}

SH_EXPORT int
creat64(const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(creat64, -1, path, mode);
}

SH_EXPORT int
mkdir(const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(mkdir, -1, path, mode);
}

SH_EXPORT int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(mkdirat, -1, dirfd, path, mode);
}

SH_EXPORT int
rmdir(const char *path)
{
	GUARD(path, -1);
	return CALL(rmdir, -1, path);
}

SH_EXPORT int
unlink(const char *path)
{
	GUARD(path, -1);
	return CALL(unlink, -1, path);
}

SH_EXPORT int
unlinkat(int dirfd, const char *path, int flags)
{
	GUARD(path, -1);
	return CALL(unlinkat, -1, dirfd, path, flags);
}

SH_EXPORT int
rename(const char *from, const char *to)
{
	GUARD(from, -1);
	GUARD(to, -1);
	return CALL(rename, -1, from, to);
}

SH_EXPORT int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	GUARD(from, -1);
	GUARD(to, -1);
	return CALL(renameat, -1, fd1, from, fd2, to);
}

SH_EXPORT int
renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	GUARD(from, -1);
	GUARD(to, -1);
	return CALL(renameat2, -1, fd1, from, fd2, to, flags);
}

SH_EXPORT int
link(const char *from, const char *to)
{
	GUARD(to, -1);
	return CALL(link, -1, from, to);
}

SH_EXPORT int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	GUARD(to, -1);
	return CALL(linkat, -1, fd1, from, fd2, to, flags);
}

SH_EXPORT int
symlink(const char *target, const char *path)
{
	GUARD(path, -1);
	return CALL(symlink, -1, target, path);
}

SH_EXPORT int
symlinkat(const char *target, int dirfd, const char *path)
{
	GUARD(path, -1);
	return CALL(symlinkat, -1, target, dirfd, path);
}

SH_EXPORT int
chmod(const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(chmod, -1, path, mode);
}

SH_EXPORT int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	GUARD(path, -1);
	return CALL(fchmodat, -1, dirfd, path, mode, flags);
}

SH_EXPORT int
chown(const char *path, uid_t uid, gid_t gid)
{
	GUARD(path, -1);
	return CALL(chown, -1, path, uid, gid);
}

SH_EXPORT int
lchown(const char *path, uid_t uid, gid_t gid)
{
	GUARD(path, -1);
	return CALL(lchown, -1, path, uid, gid);
}

SH_EXPORT int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	GUARD(path, -1);
	return CALL(fchownat, -1, dirfd, path, uid, gid, flags);
}

SH_EXPORT int
truncate(const char *path, off_t len)
{
	GUARD(path, -1);
	return CALL(truncate, -1, path, len);
}

SH_EXPORT int
truncate64(const char *path, off64_t len)
{
	GUARD(path, -1);
	return CALL(truncate64, -1, path, len);
}

SH_EXPORT int
utime(const char *path, const struct utimbuf *t)
{
	GUARD(path, -1);
	return CALL(utime, -1, path, t);
}

SH_EXPORT int
utimes(const char *path, const struct timeval t[2])
{
	GUARD(path, -1);
	return CALL(utimes, -1, path, t);
}

SH_EXPORT int
lutimes(const char *path, const struct timeval t[2])
{
	GUARD(path, -1);
	return CALL(lutimes, -1, path, t);
}

SH_EXPORT int
utimensat(int dirfd, const char *path, const struct timespec t[2], int flags)
{
	GUARD(path, -1);
	return CALL(utimensat, -1, dirfd, path, t, flags);
}

SH_EXPORT int
mkfifo(const char *path, mode_t mode)
{
	GUARD(path, -1);
	return CALL(mkfifo, -1, path, mode);
}

SH_EXPORT int
mknod(const char *path, mode_t mode, dev_t dev)
{
	GUARD(path, -1);
	return CALL(mknod, -1, path, mode, dev);
}

/* Temporary files: the template names where they are made. */
SH_EXPORT int
mkstemp(char *tmpl)
{
	GUARD(tmpl, -1);
	return CALL(mkstemp, -1, tmpl);
}

SH_EXPORT int
mkstemp64(char *tmpl)
{
	GUARD(tmpl, -1);
	return CALL(mkstemp64, -1, tmpl);
}

SH_EXPORT int
mkostemp(char *tmpl, int flags)
{
	GUARD(tmpl, -1);
	return CALL(mkostemp, -1, tmpl, flags);
}

SH_EXPORT int
mkostemp64(char *tmpl, int flags)
{
	GUARD(tmpl, -1);
	return CALL(mkostemp64, -1, tmpl, flags);
}

SH_EXPORT int
mkstemps(char *tmpl, int suffixlen)
{
	GUARD(tmpl, -1);
	return CALL(mkstemps, -1, tmpl, suffixlen);
}

SH_EXPORT int
mkostemps(char *tmpl, int suffixlen, int flags)
{
	GUARD(tmpl, -1);
	return CALL(mkostemps, -1, tmpl, suffixlen, flags);
}

SH_EXPORT char *
mkdtemp(char *tmpl)
{
	GUARD(tmpl, NULL);
	return CALL(mkdtemp, NULL, tmpl);
}
