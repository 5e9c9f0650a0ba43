/*
 * Internal interface of libsbtrace.so.  Everything here is hidden; only
 * the wrappers named in exports.map are visible to the traced program.
 *
 * Rules every file follows (they are why the library is safe to load into
 * any program): never call a wrapped function from inside the library
 * (use REAL() or a raw syscall); save and restore errno around reporting;
 * no malloc, stdio or locks; nothing in the exec, fork and vfork paths
 * writes to globals or TLS, because a vfork child shares our memory.
 * audit.c, init.c, report.c and util.c are also built with
 * SB_FREESTANDING into libsbtrace-audit.so, with no libc: they may call
 * only what preload/rt.c provides.
 */
#ifndef SB_PRELOAD_H
#define SB_PRELOAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

#define SB_HIDDEN __attribute__((visibility("hidden")))
#define SB_EXPORT __attribute__((visibility("default")))

/* --- process state (init.c) ------------------------------------------- */

/* sb.fd when the program took our fd number and no other was free:
 * reopen the FIFO at the next report. */
#define SB_FD_LOST (-2)

/*
 * The reporting fd: -1 when not reporting, or SB_FD_LOST.  Apart from sb
 * so that sb can live in .bss: the pages of a large initialised struct
 * would be faulted in by every traced process, twice (preload and audit
 * copies), and page faults are most of what loading us costs.
 */
SB_HIDDEN extern int sb_fd;

struct sb_state {
	int initialised; /* 0 no, 1 running, 2 done */
	int audit;	 /* this copy is the LD_AUDIT instance */
	int reporting;	 /* a live collector was found at start */
	pid_t pid;	 /* the process sb belongs to (not a vfork child) */
	uint64_t image;	 /* AT_RANDOM: identifies this process image */
	dev_t fifo_dev;	 /* to recognise our FIFO behind an fd */
	ino_t fifo_ino;
	/* "NAME=value" strings captured at start, put back at every exec */
	char env_fifo[4096 + 16];
	char env_alive[4096 + 16];
	char lib[4096]; /* our own absolute path */
	size_t lib_len;
	/* libsbtrace-audit.so in the directory of lib (length 0: none) */
	char audit_lib[4096];
	size_t audit_lib_len;
	int audit_lean; /* started with audit_lib in LD_AUDIT */
};
SB_HIDDEN extern struct sb_state sb;

/* Make sure the library is set up; cheap after the first call. */
SB_HIDDEN void sb_ensure_init(void);
/* "NAME=value" of the environment into dst[0..size): 1, or 0 (and dst
 * untouched) when it is unset, does not fit, or with nonempty is "". */
SB_HIDDEN int sb_capture_env(char *dst, size_t size, const char *name, int nonempty);
/* Open the FIFO (moved to a high fd when high is set); -1 on failure. */
SB_HIDDEN int sb_open_fifo(int high);
SB_HIDDEN int sb_collector_alive(void);
/* Is fd our FIFO (not closed, not reused for another file)? */
SB_HIDDEN int sb_fd_is_fifo(int fd);

/* --- reporting (report.c) --------------------------------------------- */

/* A message being written; lives on the caller's stack. */
struct sb_out {
	struct sb_hdr hdr;
	char body[SB_REC_MAX - sizeof(struct sb_hdr)];
	size_t n; /* bytes used in body */
	int fd;
	int first; /* no fragment sent yet */
};

SB_HIDDEN int sb_out_begin(struct sb_out *o, int type, int with_tid);
/* Send what the audit copy's records wait for (report.c). */
SB_HIDDEN void sb_batch_send(void);
SB_HIDDEN void sb_out_bytes(struct sb_out *o, const void *p, size_t n);
SB_HIDDEN void sb_out_str(struct sb_out *o, const char *s, size_t n);
SB_HIDDEN void sb_out_cstr(struct sb_out *o, const char *s);
SB_HIDDEN void sb_out_end(struct sb_out *o);

/* Base directory of a path used relative to dirfd; its length, or 0
 * when the path is absolute or the base cannot be known. */
SB_HIDDEN size_t sb_base(int dirfd, const char *path, char *buf, size_t size);
/* The absolute path fd names (not NUL-terminated); its length, or 0
 * when it cannot be known (fdpath.c). */
SB_HIDDEN size_t sb_fd_path(int fd, char *buf, size_t size);

/*
 * Report one access.  err is 0 or the errno of the call; path may be
 * NULL (nothing is sent).  Preserves errno.
 */
SB_HIDDEN void sb_access(int op, unsigned mode, int err, int dirfd, const char *path);
/* The same with the base directory already known (baselen 0: none). */
SB_HIDDEN void sb_access_base(int op, unsigned mode, int err, const char *path, const char *base,
    size_t baselen);
/* Two-path form: rename, link. */
SB_HIDDEN void sb_access2(int op, unsigned mode, int err, int dirfd1, const char *path1, int dirfd2,
    const char *path2);

/* Same as sb_access but for a path only known as an fd. */
SB_HIDDEN void sb_access_fd(int op, unsigned mode, int err, int fd);

/* Is fd the reporting fd (so the program must not close or reuse it)? */
static inline int
sb_is_our_fd(int fd)
{
	return fd >= 0 && fd == __atomic_load_n(&sb_fd, __ATOMIC_RELAXED);
}

/* --- exec support (exec.c) -------------------------------------------- */
SB_HIDDEN void sb_report_start(int argc, char **argv, char **envp, uint64_t starttime);
SB_HIDDEN void sb_report_exit(int status);

/* --- the C library's own reads (sud.c, libc.c) ------------------------- */

/* Trap this thread's syscalls until sb_trap_end(), recording the path
 * ones (SB_M_LIBC).  1 when trapping started, 0 when it cannot (no
 * kernel support, a seccomp filter, nothing to report to, or a traced
 * call is already under way).  Both keep errno. */
SB_HIDDEN int sb_trap_begin(void);
/* Could sb_trap_begin() start now, as far as is known without trying? */
SB_HIDDEN int sb_trap_possible(void);
SB_HIDDEN void sb_trap_end(void);
/* Never trap in this process again. */
SB_HIDDEN void sb_trap_forbid(void);

/* --- small syscall helpers (util.c), safe anywhere --------------------- */
SB_HIDDEN size_t sb_strlen(const char *s);
SB_HIDDEN int sb_streq_prefix(const char *s, const char *prefix);
SB_HIDDEN uint64_t sb_now_ns(void);
SB_HIDDEN int sb_sys_open(const char *path, int flags, int mode);
SB_HIDDEN int sb_sys_close(int fd);
SB_HIDDEN ssize_t sb_sys_readlink(const char *path, char *buf, size_t n);
SB_HIDDEN ssize_t sb_sys_read(int fd, void *buf, size_t n);
SB_HIDDEN pid_t sb_gettid(void);
SB_HIDDEN char *sb_fmt_uint(char *end, unsigned long v); /* writes backwards */

#endif
