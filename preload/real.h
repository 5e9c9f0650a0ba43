/* The real functions behind every wrapper, as pointers. */
#ifndef SB_REAL_H
#define SB_REAL_H

#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "sb.h"

struct statx;

/* glibc names that no header declares: aliases, fortify entry points and
 * the pre-2.33 stat ABI. */
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

/* X(name, return type, parameter list) for every wrapped symbol. */
#define SB_REAL_LIST(X)                                                                            \
	X(execve, int, (const char *, char *const[], char *const[]))                               \
	X(execv, int, (const char *, char *const[]))                                               \
	X(execvp, int, (const char *, char *const[]))                                              \
	X(execvpe, int, (const char *, char *const[], char *const[]))                              \
	X(fexecve, int, (int, char *const[], char *const[]))                                       \
	X(execveat, int, (int, const char *, char *const[], char *const[], int))                   \
	X(posix_spawn, int,                                                                        \
	    (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, \
		char *const[], char *const[]))                                                     \
	X(posix_spawnp, int,                                                                       \
	    (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *, \
		char *const[], char *const[]))                                                     \
	X(system, int, (const char *))                                                             \
	X(popen, FILE *, (const char *, const char *))                                             \
	X(open, int, (const char *, int, ...))                                                     \
	X(open64, int, (const char *, int, ...))                                                   \
	X(__open, int, (const char *, int, ...))                                                   \
	X(__open64, int, (const char *, int, ...))                                                 \
	X(openat, int, (int, const char *, int, ...))                                              \
	X(openat64, int, (int, const char *, int, ...))                                            \
	X(__open_2, int, (const char *, int))                                                      \
	X(__open64_2, int, (const char *, int))                                                    \
	X(__openat_2, int, (int, const char *, int))                                               \
	X(__openat64_2, int, (int, const char *, int))                                             \
	X(creat, int, (const char *, mode_t))                                                      \
	X(creat64, int, (const char *, mode_t))                                                    \
	X(fopen, FILE *, (const char *, const char *))                                             \
	X(fopen64, FILE *, (const char *, const char *))                                           \
	X(freopen, FILE *, (const char *, const char *, FILE *))                                   \
	X(freopen64, FILE *, (const char *, const char *, FILE *))                                 \
	X(stat, int, (const char *, struct stat *))                                                \
	X(lstat, int, (const char *, struct stat *))                                               \
	X(stat64, int, (const char *, struct stat64 *))                                            \
	X(lstat64, int, (const char *, struct stat64 *))                                           \
	X(fstatat, int, (int, const char *, struct stat *, int))                                   \
	X(fstatat64, int, (int, const char *, struct stat64 *, int))                               \
	X(statx, int, (int, const char *, int, unsigned, struct statx *))                          \
	X(__xstat, int, (int, const char *, struct stat *))                                        \
	X(__lxstat, int, (int, const char *, struct stat *))                                       \
	X(__xstat64, int, (int, const char *, struct stat64 *))                                    \
	X(__lxstat64, int, (int, const char *, struct stat64 *))                                   \
	X(__fxstatat, int, (int, int, const char *, struct stat *, int))                           \
	X(__fxstatat64, int, (int, int, const char *, struct stat64 *, int))                       \
	X(access, int, (const char *, int))                                                        \
	X(faccessat, int, (int, const char *, int, int))                                           \
	X(euidaccess, int, (const char *, int))                                                    \
	X(eaccess, int, (const char *, int))                                                       \
	X(readlink, ssize_t, (const char *, char *, size_t))                                       \
	X(readlinkat, ssize_t, (int, const char *, char *, size_t))                                \
	X(realpath, char *, (const char *, char *))                                                \
	X(opendir, DIR *, (const char *))                                                          \
	X(scandir, int,                                                                            \
	    (const char *, struct dirent ***, int (*)(const struct dirent *),                      \
		int (*)(const struct dirent **, const struct dirent **)))                          \
	X(scandir64, int,                                                                          \
	    (const char *, struct dirent64 ***, int (*)(const struct dirent64 *),                  \
		int (*)(const struct dirent64 **, const struct dirent64 **)))                      \
	X(chdir, int, (const char *))                                                              \
	X(fchdir, int, (int))                                                                      \
	X(dlopen, void *, (const char *, int))                                                     \
	X(dlmopen, void *, (long, const char *, int))                                              \
	X(rename, int, (const char *, const char *))                                               \
	X(renameat, int, (int, const char *, int, const char *))                                   \
	X(renameat2, int, (int, const char *, int, const char *, unsigned))                        \
	X(unlink, int, (const char *))                                                             \
	X(unlinkat, int, (int, const char *, int))                                                 \
	X(remove, int, (const char *))                                                             \
	X(mkdir, int, (const char *, mode_t))                                                      \
	X(mkdirat, int, (int, const char *, mode_t))                                               \
	X(rmdir, int, (const char *))                                                              \
	X(truncate, int, (const char *, off_t))                                                    \
	X(truncate64, int, (const char *, off64_t))                                                \
	X(symlink, int, (const char *, const char *))                                              \
	X(symlinkat, int, (const char *, int, const char *))                                       \
	X(link, int, (const char *, const char *))                                                 \
	X(linkat, int, (int, const char *, int, const char *, int))                                \
	X(close, int, (int))                                                                       \
	X(close_range, int, (unsigned, unsigned, int))                                             \
	X(closefrom, void, (int))                                                                  \
	X(dup2, int, (int, int))                                                                   \
	X(dup3, int, (int, int, int))                                                              \
	X(_exit, void, (int))                                                                      \
	X(_Exit, void, (int))

#define SB_REAL_DECL(n, r, a) SB_HIDDEN extern r(*sb_real_##n) a;
SB_REAL_LIST(SB_REAL_DECL)
#undef SB_REAL_DECL

SB_HIDDEN void *sb_resolve(const char *name);

/*
 * NEXT(f): the same for a wrapper outside SB_REAL_LIST (libc.c, sud.c),
 * typed from f's own declaration and resolved on first use; never in
 * the exec path.
 */
#define NEXT(f)                                                                                    \
	({                                                                                         \
		static __typeof__(f) *p_;                                                          \
		__typeof__(f) *n_ = __atomic_load_n(&p_, __ATOMIC_RELAXED);                        \
		if (n_ == NULL)                                                                    \
			__atomic_store_n(&p_, n_ = (__typeof__(f) *)sb_resolve(#f),                \
			    __ATOMIC_RELAXED);                                                     \
		n_;                                                                                \
	})
SB_HIDDEN void sb_resolve_all(void);

/*
 * REAL(f): the next definition of f, resolved in the constructor, or on
 * first use when a call arrives before it (constructors of the program's
 * own libraries run before ours).  A lazy store writes the value any
 * process would, so even a vfork child storing it is harmless.
 */
#define REAL(f)                                                                                    \
	(__atomic_load_n(&sb_real_##f, __ATOMIC_RELAXED)                                           \
		? sb_real_##f                                                                      \
		: (sb_real_##f = (__typeof__(sb_real_##f))sb_resolve(#f)))

#endif
