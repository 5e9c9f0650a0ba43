#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nextsym.h"
#include "real.h"

#define SB_REAL_DEF(n, r, a) SB_HIDDEN r(*sb_real_##n) a;
SB_REAL_LIST(SB_REAL_DEF)
#undef SB_REAL_DEF

/*
 * Symbols with several versions: dlsym(RTLD_NEXT) gives the default one,
 * which is what a program linked today binds to; old programs bound to a
 * compat version still reach our unversioned wrapper, and the default is
 * the correct behaviour for them in every case below.  realpath is the
 * exception that matters: GLIBC_2.3 is the one that mallocs when
 * resolved is NULL.
 */
static const char *
version_of(const char *name)
{
	if (strcmp(name, "realpath") == 0)
		return "GLIBC_2.3";
	return NULL;
}

/*
 * Names we export that an older C library lacks: execveat, close_range
 * and closefrom before 2.34, the stat family before 2.33, statx and
 * renameat2 before 2.28.  No program built there calls them, but
 * dlsym(RTLD_DEFAULT, name) finds our wrapper (Rust's standard library
 * looks statx up that way), whose "real" function is then the syscall.
 */
static int
fb_stat(const char *p, struct stat *b)
{
	return (int)syscall(SYS_newfstatat, AT_FDCWD, p, b, 0);
}

static int
fb_lstat(const char *p, struct stat *b)
{
	return (int)syscall(SYS_newfstatat, AT_FDCWD, p, b, AT_SYMLINK_NOFOLLOW);
}

static int
fb_fstatat(int d, const char *p, struct stat *b, int f)
{
	return (int)syscall(SYS_newfstatat, d, p, b, f);
}

static int
fb_statx(int d, const char *p, int f, unsigned m, struct statx *b)
{
	return (int)syscall(SYS_statx, d, p, f, m, b);
}

static int
fb_renameat2(int d1, const char *a, int d2, const char *b, unsigned f)
{
	return (int)syscall(SYS_renameat2, d1, a, d2, b, f);
}

static int
fb_execveat(int d, const char *p, char *const a[], char *const e[], int f)
{
	return (int)syscall(SYS_execveat, d, p, a, e, f);
}

static int
fb_close_range(unsigned lo, unsigned hi, int f)
{
	return (int)syscall(SYS_close_range, lo, hi, f);
}

static void
fb_closefrom(int lo)
{
	struct rlimit rl;

	if (syscall(SYS_close_range, (unsigned)lo, ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 1 << 20)
		rl.rlim_cur = 1 << 20;
	for (long i = lo; i < (long)rl.rlim_cur; i++)
		syscall(SYS_close, i);
}

static void *
fallback_of(const char *name)
{
	static const struct {
		const char *name;
		void *fn;
	} fb[] = {
		{ "stat", (void *)fb_stat },
		{ "stat64", (void *)fb_stat },
		{ "lstat", (void *)fb_lstat },
		{ "lstat64", (void *)fb_lstat },
		{ "fstatat", (void *)fb_fstatat },
		{ "fstatat64", (void *)fb_fstatat },
		{ "statx", (void *)fb_statx },
		{ "renameat2", (void *)fb_renameat2 },
		{ "execveat", (void *)fb_execveat },
		{ "close_range", (void *)fb_close_range },
		{ "closefrom", (void *)fb_closefrom },
	};

	for (size_t i = 0; i < sizeof(fb) / sizeof(fb[0]); i++)
		if (strcmp(fb[i].name, name) == 0)
			return fb[i].fn;
	return NULL;
}

void *
sb_resolve(const char *name)
{
	const char *ver = version_of(name);
	void *p = NULL;

	/* no libdl in a process on glibc before 2.34 (glibc-compat.h) */
	if (ver != NULL)
		p = dlvsym != NULL ? dlvsym(RTLD_NEXT, name, ver)
				   : sb_next_symbol((const void *)sb_resolve, name, ver);
	if (p == NULL)
		p = dlsym != NULL ? dlsym(RTLD_NEXT, name)
				  : sb_next_symbol((const void *)sb_resolve, name, NULL);
	if (p == NULL)
		p = fallback_of(name);
	return p;
}

/*
 * What a vfork child may call between vfork and exec is resolved up
 * front, so that it never runs dlsym (which may allocate) on memory it
 * shares with its parent.  Everything else resolves on first use: each
 * dlsym(RTLD_NEXT) walks every loaded object, and doing all of them
 * would cost every process a tenth of a millisecond.
 */
void
sb_resolve_all(void)
{
#define RESOLVE(n)                                                                                 \
	if (sb_real_##n == NULL)                                                                   \
		sb_real_##n = (__typeof__(sb_real_##n))sb_resolve(#n);
	RESOLVE(execve)
	RESOLVE(execvpe)
	RESOLVE(fexecve)
	RESOLVE(execveat)
	RESOLVE(close)
	RESOLVE(close_range)
	RESOLVE(closefrom)
	RESOLVE(dup2)
	RESOLVE(dup3)
	RESOLVE(chdir)
	RESOLVE(fchdir)
	RESOLVE(_exit)
	RESOLVE(_Exit)
#undef RESOLVE
}
