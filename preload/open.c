/* open, creat, fopen and their aliases and fortify variants.  Each name
 * forwards to its own next definition, so a second preload library that
 * wraps only one of them still sees its calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "openmode.h"
#include "modes.h"
#include "real.h"
#include "sb.h"

static int
opened(int r, int dirfd, const char *path, int flags)
{
	sb_access(SB_OP_OPEN, sb_mode_of_open((unsigned)flags), r < 0 ? errno : 0, dirfd, path);
	return r;
}

#define WRAP_OPEN(name)                                                                            \
	SB_EXPORT int name(const char *path, int flags, ...)                                       \
	{                                                                                          \
		mode_t mode = SB_OPEN_MODE(flags, flags);                                          \
		return opened(REAL(name)(path, flags, mode), AT_FDCWD, path, flags);               \
	}
WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPEN(__open)
WRAP_OPEN(__open64)

#define WRAP_OPENAT(name)                                                                          \
	SB_EXPORT int name(int dirfd, const char *path, int flags, ...)                            \
	{                                                                                          \
		mode_t mode = SB_OPEN_MODE(flags, flags);                                          \
		return opened(REAL(name)(dirfd, path, flags, mode), dirfd, path, flags);           \
	}
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)

/* Fortify variants: forwarded as they are, so their "O_CREAT without a
 * mode" abort still happens. */
#define WRAP_OPEN_2(name)                                                                          \
	SB_EXPORT int name(const char *path, int flags)                                            \
	{                                                                                          \
		return opened(REAL(name)(path, flags), AT_FDCWD, path, flags);                     \
	}
WRAP_OPEN_2(__open_2)
WRAP_OPEN_2(__open64_2)

#define WRAP_OPENAT_2(name)                                                                        \
	SB_EXPORT int name(int dirfd, const char *path, int flags)                                 \
	{                                                                                          \
		return opened(REAL(name)(dirfd, path, flags), dirfd, path, flags);                 \
	}
WRAP_OPENAT_2(__openat_2)
WRAP_OPENAT_2(__openat64_2)

#define WRAP_CREAT(name)                                                                           \
	SB_EXPORT int name(const char *path, mode_t mode)                                          \
	{                                                                                          \
		return opened(REAL(name)(path, mode), AT_FDCWD, path,                              \
		    O_WRONLY | O_CREAT | O_TRUNC);                                                 \
	}
WRAP_CREAT(creat)
WRAP_CREAT(creat64)

/* fopen mode strings: "r" reads; "w", "a" or "+" write. */
static int
fopen_flags(const char *mode)
{
	int flags = O_RDONLY;

	if (mode == NULL)
		return flags;
	switch (mode[0]) {
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	}
	if (strchr(mode, '+') != NULL)
		flags = (flags & ~O_ACCMODE) | O_RDWR;
	return flags;
}

#define WRAP_FOPEN(name)                                                                           \
	SB_EXPORT FILE *name(const char *path, const char *mode)                                   \
	{                                                                                          \
		FILE *f = REAL(name)(path, mode);                                                  \
		opened(f == NULL ? -1 : 0, AT_FDCWD, path, fopen_flags(mode));                     \
		return f;                                                                          \
	}
WRAP_FOPEN(fopen)
WRAP_FOPEN(fopen64)

#define WRAP_FREOPEN(name)                                                                         \
	SB_EXPORT FILE *name(const char *path, const char *mode, FILE *s)                          \
	{                                                                                          \
		FILE *f = REAL(name)(path, mode, s);                                               \
		opened(f == NULL ? -1 : 0, AT_FDCWD, path, fopen_flags(mode));                     \
		return f;                                                                          \
	}
WRAP_FREOPEN(freopen)
WRAP_FREOPEN(freopen64)
