/*
 * libsidebundle-shim.so: loaded by the bundled ld.so (--preload) into
 * every dynamic program a host-mode bundle runs.  It makes the payload
 * look like it is at / for what the program names by absolute path:
 * files it reads, stats or lists, and programs it executes.  See
 * sidebundle-launcher(7), "host mode".
 *
 * Rules (the same as libsbtrace.so's): never call a wrapped function
 * from inside the library (REAL() or a raw syscall); errno is preserved
 * by the mapping; the exec and spawn paths use no malloc, no stdio, no
 * lock and write no global (a vfork child shares our memory): buffers
 * are on the stack, the state is filled once at start.
 */
#ifndef SB_SHIM_H
#define SB_SHIM_H

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>

#define SH_HIDDEN __attribute__((visibility("hidden")))
#define SH_EXPORT __attribute__((visibility("default")))

#include "layout.h"

/* SB_ENV_PAYLOAD: the payload, the entry, the library path */
#define SHIM_VAR SB_ENV_PAYLOAD
#define SHIM_VAR_LEN (sizeof SHIM_VAR - 1)

struct shim_state {
	int ready;  /* the fields below are set (0: not yet) */
	int active; /* a valid SB_ENV_PAYLOAD was found */
	size_t plen;
	char payload[PATH_MAX];	 /* the payload directory, absolute */
	const char *libpath;	 /* into env: --library-path, maybe "" */
	char entry[PATH_MAX];	 /* the entry's payload path, maybe "" */
	char launcher[PATH_MAX]; /* <bundle>/bin/.sidebundle-launcher */
	char shim[PATH_MAX];	 /* <bundle>/bin/.sidebundle-shim.so */
	char env[3 * PATH_MAX];	 /* the whole "NAME=value" string */
};
SH_HIDDEN extern struct shim_state shim;

SH_HIDDEN void shim_init(void);
static inline int
shim_active(void)
{
	if (!__atomic_load_n(&shim.ready, __ATOMIC_ACQUIRE))
		shim_init();
	return shim.active;
}

/*
 * The payload's copy of the absolute path path, resolved in the payload
 * (its symlinks followed, absolute targets re-rooted there; the last
 * one only when follow), into out (PATH_MAX bytes).  1 when the payload
 * has it, 0 when it has not, when path is relative, under /proc, /dev,
 * /sys, /tmp or /run, already in the payload, or the shim is inactive.
 * Preserves errno; raw syscalls only, so safe in a vfork child.
 */
SH_HIDDEN int shim_map(const char *path, char *out, int follow);

/*
 * Is the absolute path in one of the payload's caches (a directory the
 * payload has under /var/cache, or a __pycache__ beside a payload
 * directory)?  Writes there fail with EROFS (cache.c).  Preserves errno.
 */
SH_HIDDEN int shim_cache_path(const char *path);

/* Raw syscalls (they set errno, as libc's would). */
SH_HIDDEN int sh_open(const char *path, int flags);
SH_HIDDEN void sh_close(int fd);
SH_HIDDEN long sh_pread(int fd, void *buf, size_t n, long off);
SH_HIDDEN int sh_access(const char *path, int mode);
SH_HIDDEN int sh_is_dir(const char *path);

/* The next definition of f (the libc one), resolved on first use. */
#define REAL(f)                                                                                    \
	({                                                                                         \
		static __typeof__(f) *real_;                                                       \
		__typeof__(f) *p_ = __atomic_load_n(&real_, __ATOMIC_RELAXED);                     \
		if (p_ == NULL) {                                                                  \
			p_ = (__typeof__(f) *)dlsym(RTLD_NEXT, #f);                                \
			__atomic_store_n(&real_, p_, __ATOMIC_RELAXED);                            \
		}                                                                                  \
		p_;                                                                                \
	})

/* The exec path's real functions, resolved at start (a vfork child must
 * not run dlsym). */
struct stat;
SH_HIDDEN extern int (*shim_real_execve)(const char *, char *const[], char *const[]);

/* exec.c: run path as the kernel would, with payload programs started
 * through the payload's loader. */
SH_HIDDEN int shim_execve(const char *path, char *const argv[], char *const envp[]);

#endif
