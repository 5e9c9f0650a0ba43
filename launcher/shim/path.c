/*
 * The path family: an absolute path the payload has is replaced by the
 * payload's copy for reading, stat, access, readlink, realpath, dlopen;
 * a directory to list or enter is the host's when the host has one,
 * else the payload's.  Writes and creations are never redirected: the
 * payload stays as it was made; those into the payload's caches fail
 * (cache.c).  Relative paths are left alone.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openmode.h"
#include "route.h"
#include "shim.h"

struct statx;
int statx(int, const char *, int, unsigned, struct statx *);
int __open(const char *, int, ...);
int __open64(const char *, int, ...);
int __open_2(const char *, int);
int __open64_2(const char *, int);
int __openat_2(int, const char *, int);
int __openat64_2(int, const char *, int);
int __xstat(int, const char *, struct stat *);
int __lxstat(int, const char *, struct stat *);
int __xstat64(int, const char *, struct stat64 *);
int __lxstat64(int, const char *, struct stat64 *);
int __fxstatat(int, int, const char *, struct stat *, int);
int __fxstatat64(int, int, const char *, struct stat64 *, int);
ssize_t __readlink_chk(const char *, char *, size_t, size_t);
ssize_t __readlinkat_chk(int, const char *, char *, size_t, size_t);
char *__realpath_chk(const char *, char *, size_t);

/* The path to use: the payload's copy, or path itself. */
#define MAPPED(path, follow) (shim_map((path), map_buf_, (follow)) ? map_buf_ : (path))
#define MAP_BUF char map_buf_[PATH_MAX]

/* Call the next f, or fail with ENOSYS when libc has none. */
#define NEXT(f, fail, ...)                                                                         \
	({                                                                                         \
		__typeof__(f) *fn_ = REAL(f);                                                      \
		fn_ ? fn_(__VA_ARGS__) : (errno = ENOSYS, (fail));                                 \
	})

static int
reading(int flags)
{
	return (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC | __O_TMPFILE));
}

#define OPEN_PATH(path, flags) (reading(flags) ? MAPPED(path, !((flags)&O_NOFOLLOW)) : (path))
/* A write into one of the payload's caches fails (cache.c). */
#define OPEN_GUARD(path, flags)                                                                    \
	do {                                                                                       \
		if (!reading(flags) && shim_cache_path(path)) {                                    \
			errno = EROFS;                                                             \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

#define WRAP_OPEN(name)                                                                            \
	SH_EXPORT int name(const char *path, int flags, ...)                                       \
	{                                                                                          \
		MAP_BUF;                                                                           \
		mode_t mode = SB_OPEN_MODE(flags, flags);                                          \
		OPEN_GUARD(path, flags);                                                           \
		return NEXT(name, -1, OPEN_PATH(path, flags), flags, mode);                        \
	}
WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPEN(__open)
WRAP_OPEN(__open64)

#define WRAP_OPENAT(name)                                                                          \
	SH_EXPORT int name(int dirfd, const char *path, int flags, ...)                            \
	{                                                                                          \
		MAP_BUF;                                                                           \
		mode_t mode = SB_OPEN_MODE(flags, flags);                                          \
		OPEN_GUARD(path, flags);                                                           \
		return NEXT(name, -1, dirfd, OPEN_PATH(path, flags), flags, mode);                 \
	}
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)

#define WRAP_OPEN_2(name)                                                                          \
	SH_EXPORT int name(const char *path, int flags)                                            \
	{                                                                                          \
		MAP_BUF;                                                                           \
		OPEN_GUARD(path, flags);                                                           \
		return NEXT(name, -1, OPEN_PATH(path, flags), flags);                              \
	}
WRAP_OPEN_2(__open_2)
WRAP_OPEN_2(__open64_2)

#define WRAP_OPENAT_2(name)                                                                        \
	SH_EXPORT int name(int dirfd, const char *path, int flags)                                 \
	{                                                                                          \
		MAP_BUF;                                                                           \
		OPEN_GUARD(path, flags);                                                           \
		return NEXT(name, -1, dirfd, OPEN_PATH(path, flags), flags);                       \
	}
WRAP_OPENAT_2(__openat_2)
WRAP_OPENAT_2(__openat64_2)

/* fopen: "r" alone (with any of "bcemx") reads. */
static int
fopen_reads(const char *mode)
{
	return mode != NULL && mode[0] == 'r' && strchr(mode, '+') == NULL;
}

/* A stream for writing into one of the payload's caches fails. */
static int
fopen_refused(const char *path, const char *mode)
{
	if (fopen_reads(mode) || !shim_cache_path(path))
		return 0;
	errno = EROFS;
	return 1;
}

#define WRAP_FOPEN(name)                                                                           \
	SH_EXPORT FILE *name(const char *path, const char *mode)                                   \
	{                                                                                          \
		MAP_BUF;                                                                           \
		if (fopen_refused(path, mode))                                                     \
			return NULL;                                                               \
		return NEXT(name, NULL, fopen_reads(mode) ? MAPPED(path, 1) : path, mode);         \
	}
WRAP_FOPEN(fopen)
WRAP_FOPEN(fopen64)

#define WRAP_FREOPEN(name)                                                                         \
	SH_EXPORT FILE *name(const char *path, const char *mode, FILE *s)                          \
	{                                                                                          \
		MAP_BUF;                                                                           \
		if (fopen_refused(path, mode))                                                     \
			return NULL;                                                               \
		return NEXT(name, NULL, fopen_reads(mode) ? MAPPED(path, 1) : path, mode, s);      \
	}
WRAP_FREOPEN(freopen)
WRAP_FREOPEN(freopen64)

/* stat family */
#define WRAP_STAT(name, st_t, follow)                                                              \
	SH_EXPORT int name(const char *path, st_t *st)                                             \
	{                                                                                          \
		MAP_BUF;                                                                           \
		return NEXT(name, -1, MAPPED(path, follow), st);                                   \
	}
WRAP_STAT(stat, struct stat, 1)
WRAP_STAT(stat64, struct stat64, 1)
WRAP_STAT(lstat, struct stat, 0)
WRAP_STAT(lstat64, struct stat64, 0)

#define WRAP_XSTAT(name, st_t, follow)                                                             \
	SH_EXPORT int name(int ver, const char *path, st_t *st)                                    \
	{                                                                                          \
		MAP_BUF;                                                                           \
		return NEXT(name, -1, ver, MAPPED(path, follow), st);                              \
	}
WRAP_XSTAT(__xstat, struct stat, 1)
WRAP_XSTAT(__xstat64, struct stat64, 1)
WRAP_XSTAT(__lxstat, struct stat, 0)
WRAP_XSTAT(__lxstat64, struct stat64, 0)

#define FOLLOWS(flags) (!((flags)&AT_SYMLINK_NOFOLLOW))
#define WRAP_FSTATAT(name, st_t)                                                                   \
	SH_EXPORT int name(int dirfd, const char *path, st_t *st, int flags)                       \
	{                                                                                          \
		MAP_BUF;                                                                           \
		return NEXT(name, -1, dirfd, MAPPED(path, FOLLOWS(flags)), st, flags);             \
	}
WRAP_FSTATAT(fstatat, struct stat)
WRAP_FSTATAT(fstatat64, struct stat64)

#define WRAP_FXSTATAT(name, st_t)                                                                  \
	SH_EXPORT int name(int ver, int dirfd, const char *path, st_t *st, int flags)              \
	{                                                                                          \
		MAP_BUF;                                                                           \
		return NEXT(name, -1, ver, dirfd, MAPPED(path, FOLLOWS(flags)), st, flags);        \
	}
WRAP_FXSTATAT(__fxstatat, struct stat)
WRAP_FXSTATAT(__fxstatat64, struct stat64)

SH_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *st)
{
	MAP_BUF;
	return NEXT(statx, -1, dirfd, MAPPED(path, FOLLOWS(flags)), flags, mask, st);
}

/* access: not for a check of write permission, which is the host's,
 * but for the payload's caches, which are read-only (cache.c). */
static int
access_refused(const char *path, int mode)
{
	if (!(mode & W_OK) || !shim_cache_path(path))
		return 0;
	errno = EROFS;
	return 1;
}

#define WRAP_ACCESS(name)                                                                          \
	SH_EXPORT int name(const char *path, int mode)                                             \
	{                                                                                          \
		MAP_BUF;                                                                           \
		if (access_refused(path, mode))                                                    \
			return -1;                                                                 \
		return NEXT(name, -1, (mode & W_OK) ? path : MAPPED(path, 1), mode);               \
	}
WRAP_ACCESS(access)
WRAP_ACCESS(euidaccess)
WRAP_ACCESS(eaccess)

SH_EXPORT int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	MAP_BUF;
	if (access_refused(path, mode))
		return -1;
	return NEXT(faccessat, -1, dirfd, (mode & W_OK) ? path : MAPPED(path, FOLLOWS(flags)), mode,
	    flags);
}

/* readlink: the payload's link, its target as the payload has it. */
SH_EXPORT ssize_t
readlink(const char *path, char *buf, size_t n)
{
	MAP_BUF;
	return NEXT(readlink, -1, MAPPED(path, 0), buf, n);
}

SH_EXPORT ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	MAP_BUF;
	return NEXT(readlinkat, -1, dirfd, MAPPED(path, 0), buf, n);
}

SH_EXPORT ssize_t
__readlink_chk(const char *path, char *buf, size_t n, size_t buflen)
{
	MAP_BUF;
	return NEXT(__readlink_chk, -1, MAPPED(path, 0), buf, n, buflen);
}

SH_EXPORT ssize_t
__readlinkat_chk(int dirfd, const char *path, char *buf, size_t n, size_t buflen)
{
	MAP_BUF;
	return NEXT(__readlinkat_chk, -1, dirfd, MAPPED(path, 0), buf, n, buflen);
}

/*
 * realpath: a path the payload has is resolved there and given back as
 * the program would see it at / (the payload prefix taken off), so that
 * what it builds from the result is mapped again.
 */
static char *
virtual_realpath(const char *path, char *resolved)
{
	char buf[PATH_MAX];

	if (!shim_map(path, buf, 1))
		return NULL;
	const char *v = buf + shim.plen;
	size_t n = strlen(v);
	if (resolved == NULL) {
		if ((resolved = malloc(n + 1)) == NULL)
			return NULL;
	}
	memcpy(resolved, v, n + 1);
	return resolved;
}

/*
 * A path that leads to the bundle's launcher (bin/<entry>, a link to it
 * on PATH) is the entry itself: the program finds its installation from
 * its own name (gcc looks for cc1 relative to where it was started), so
 * it is given the entry's path in the payload, as it was on the host.
 * r: what libc resolved (freed when it was allocated for us).
 */
static char *
entry_realpath(char *r, char *resolved)
{
	if (r == NULL || !shim_active() || shim.entry[0] == '\0' || strcmp(r, shim.launcher) != 0)
		return r;
	char buf[PATH_MAX];
	if (!shim_map(shim.entry, buf, 1))
		return r;
	const char *v = buf + shim.plen;
	size_t n = strlen(v);
	if (resolved == NULL) {
		free(r);
		if ((r = malloc(n + 1)) == NULL)
			return NULL;
	}
	memcpy(r, v, n + 1);
	return r;
}

SH_EXPORT char *
realpath(const char *path, char *resolved)
{
	char *r = virtual_realpath(path, resolved);
	if (r != NULL)
		return r;
	/* GLIBC_2.3 is the version that allocates when resolved is NULL */
	static __typeof__(realpath) *real;
	__typeof__(realpath) *fn = __atomic_load_n(&real, __ATOMIC_RELAXED);
	if (fn == NULL) {
		fn = (__typeof__(realpath) *)dlvsym(RTLD_NEXT, "realpath", "GLIBC_2.3");
		if (fn == NULL)
			fn = (__typeof__(realpath) *)dlsym(RTLD_NEXT, "realpath");
		__atomic_store_n(&real, fn, __ATOMIC_RELAXED);
	}
	if (fn == NULL) {
		errno = ENOSYS;
		return NULL;
	}
	return entry_realpath(fn(path, resolved), resolved);
}

SH_EXPORT char *
__realpath_chk(const char *path, char *resolved, size_t len)
{
	if (len >= PATH_MAX) {
		char *r = virtual_realpath(path, resolved);
		if (r != NULL)
			return r;
	}
	char *r = NEXT(__realpath_chk, NULL, path, resolved, len);
	return len >= PATH_MAX ? entry_realpath(r, resolved) : r;
}

SH_EXPORT char *
canonicalize_file_name(const char *path)
{
	char *r = virtual_realpath(path, NULL);
	return r != NULL ? r : entry_realpath(NEXT(canonicalize_file_name, NULL, path), NULL);
}

/* Directories to list or enter: the host's when it has one. */
static const char *
dir_path(const char *path, char *buf)
{
	if (path == NULL || path[0] != '/' || !shim_active() || sh_is_dir(path))
		return path;
	return shim_map(path, buf, 1) ? buf : path;
}

SH_EXPORT DIR *
opendir(const char *path)
{
	MAP_BUF;
	return NEXT(opendir, NULL, dir_path(path, map_buf_));
}

SH_EXPORT int
chdir(const char *path)
{
	MAP_BUF;
	return NEXT(chdir, -1, dir_path(path, map_buf_));
}

#define WRAP_SCANDIR(name, dirent_t)                                                               \
	SH_EXPORT int name(const char *path, struct dirent_t ***list,                              \
	    int (*sel)(const struct dirent_t *),                                                   \
	    int (*cmp)(const struct dirent_t **, const struct dirent_t **))                        \
	{                                                                                          \
		MAP_BUF;                                                                           \
		return NEXT(name, -1, dir_path(path, map_buf_), list, sel, cmp);                   \
	}
WRAP_SCANDIR(scandir, dirent)
WRAP_SCANDIR(scandir64, dirent64)

/*
 * dlopen by absolute path: the payload's library.  A bare name goes to
 * the C library by a jump (common/route.h): it is searched by the
 * calling object's RUNPATH, and ld.so's own search already uses
 * --library-path.
 */
SH_HIDDEN void *sh_dlopen_route(const char *path);
SH_HIDDEN void *sh_dlopen_mapped(const char *path, int flags);

void *
sh_dlopen_route(const char *path)
{
	return path != NULL && strchr(path, '/') == NULL ? (void *)REAL(dlopen) : NULL;
}

void *
sh_dlopen_mapped(const char *path, int flags)
{
	MAP_BUF;
	return NEXT(dlopen, NULL, MAPPED(path, 1), flags);
}

#ifdef SB_ROUTE_ASM
SB_ROUTE(dlopen, sh_dlopen_route, sh_dlopen_mapped);
#else
SH_EXPORT void *
dlopen(const char *path, int flags)
{
	return sh_dlopen_mapped(path, flags);
}
#endif
