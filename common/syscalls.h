/*
 * The path syscalls a trace stops on: the one place that knows their
 * numbers and how their arguments read, for the seccomp filters that
 * stop a traced process at them (sbtrace -b ptrace and the hand-over in
 * preload/handover.c; sbtrace -b seccomp and preload/unotify.c) and for
 * the decoder of a stopped call (common/sysdecode.c).  Another
 * architecture needs only its own table (aarch64 has no open, stat,
 * access, ...: it lists the *at forms alone).
 */
#ifndef SB_SYSCALLS_H
#define SB_SYSCALLS_H

#include "schema.h"
#include "seccomp.h"
#include "wire.h"

/*
 * Where a path argument comes from: an argument index, or one of these.
 * SC_CWD in a dirfd column: the path is relative to the cwd; SC_NONE in
 * a path column: there is no such path; SC_FD in a dirfd column: the
 * "path" is the fd in the path column's argument (fchdir).
 */
#define SC_CWD (-1)
#define SC_NONE (-1)
#define SC_FD (-2)

/* How the flags argument (the last column) adds mode bits. */
enum sc_rule {
	SC_R_FIXED,    /* none: the mode column alone */
	SC_R_OPEN,     /* open(2) flags */
	SC_R_CREAT,    /* creat(2): O_WRONLY|O_CREAT|O_TRUNC */
	SC_R_OPENHOW,  /* struct open_how in memory: its flags */
	SC_R_AMODE,    /* access(2) mode */
	SC_R_ATFLAGS,  /* AT_SYMLINK_NOFOLLOW; AT_EMPTY_PATH with "" is an
			* fstat, no path */
	SC_R_UNLINKAT, /* AT_REMOVEDIR makes it an rmdir */
	SC_R_EXEC,     /* an exec: argv follows the path argument; for
			* execveat AT_EMPTY_PATH with "" runs the dirfd */
};

/*
 * X(name, number, op, rule, mode, dirfd, path, dirfd2, path2, flags):
 * dirfd and path are argument indexes (SC_CWD, SC_NONE, SC_FD as
 * above); the second pair is the new name of rename and link; flags is
 * the argument the rule reads (-1: none).
 */
#if defined(__x86_64__)
#define SC_TABLE(X)                                                                                \
	X(open, 2, SB_OP_OPEN, SC_R_OPEN, 0, SC_CWD, 0, SC_CWD, SC_NONE, 1)                        \
	X(stat, 4, SB_OP_STAT, SC_R_FIXED, 0, SC_CWD, 0, SC_CWD, SC_NONE, -1)                      \
	X(lstat, 6, SB_OP_STAT, SC_R_FIXED, SB_M_NOFOLLOW, SC_CWD, 0, SC_CWD, SC_NONE, -1)         \
	X(access, 21, SB_OP_ACCESS, SC_R_AMODE, 0, SC_CWD, 0, SC_CWD, SC_NONE, 1)                  \
	X(execve, 59, SB_OP_EXEC, SC_R_EXEC, 0, SC_CWD, 0, SC_CWD, SC_NONE, -1)                    \
	X(truncate, 76, SB_OP_TRUNCATE, SC_R_FIXED, SB_M_WRITE | SB_M_TRUNC, SC_CWD, 0, SC_CWD,    \
	    SC_NONE, -1)                                                                           \
	X(chdir, 80, SB_OP_CHDIR, SC_R_FIXED, SB_M_DIR, SC_CWD, 0, SC_CWD, SC_NONE, -1)            \
	X(fchdir, 81, SB_OP_CHDIR, SC_R_FIXED, SB_M_DIR | SB_M_FD, SC_FD, 0, SC_CWD, SC_NONE, -1)  \
	X(rename, 82, SB_OP_RENAME, SC_R_FIXED, SB_M_WRITE, SC_CWD, 0, SC_CWD, 1, -1)              \
	X(mkdir, 83, SB_OP_MKDIR, SC_R_FIXED, SB_M_WRITE | SB_M_CREATE | SB_M_DIR, SC_CWD, 0,      \
	    SC_CWD, SC_NONE, -1)                                                                   \
	X(rmdir, 84, SB_OP_RMDIR, SC_R_FIXED, SB_M_WRITE | SB_M_DIR, SC_CWD, 0, SC_CWD, SC_NONE,   \
	    -1)                                                                                    \
	X(creat, 85, SB_OP_OPEN, SC_R_CREAT, 0, SC_CWD, 0, SC_CWD, SC_NONE, -1)                    \
	X(link, 86, SB_OP_LINK, SC_R_FIXED, 0, SC_CWD, 0, SC_CWD, 1, -1)                           \
	X(unlink, 87, SB_OP_UNLINK, SC_R_FIXED, SB_M_WRITE, SC_CWD, 0, SC_CWD, SC_NONE, -1)        \
	X(symlink, 88, SB_OP_SYMLINK, SC_R_FIXED, SB_M_WRITE | SB_M_CREATE, SC_CWD, 1, SC_CWD,     \
	    SC_NONE, -1)                                                                           \
	X(readlink, 89, SB_OP_READLINK, SC_R_FIXED, SB_M_NOFOLLOW, SC_CWD, 0, SC_CWD, SC_NONE, -1) \
	X(openat, 257, SB_OP_OPEN, SC_R_OPEN, 0, 0, 1, SC_CWD, SC_NONE, 2)                         \
	X(mkdirat, 258, SB_OP_MKDIR, SC_R_FIXED, SB_M_WRITE | SB_M_CREATE | SB_M_DIR, 0, 1,        \
	    SC_CWD, SC_NONE, -1)                                                                   \
	X(newfstatat, 262, SB_OP_STAT, SC_R_ATFLAGS, 0, 0, 1, SC_CWD, SC_NONE, 3)                  \
	X(unlinkat, 263, SB_OP_UNLINK, SC_R_UNLINKAT, SB_M_WRITE, 0, 1, SC_CWD, SC_NONE, 2)        \
	X(renameat, 264, SB_OP_RENAME, SC_R_FIXED, SB_M_WRITE, 0, 1, 2, 3, -1)                     \
	X(linkat, 265, SB_OP_LINK, SC_R_FIXED, 0, 0, 1, 2, 3, -1)                                  \
	X(symlinkat, 266, SB_OP_SYMLINK, SC_R_FIXED, SB_M_WRITE | SB_M_CREATE, 1, 2, SC_CWD,       \
	    SC_NONE, -1)                                                                           \
	X(readlinkat, 267, SB_OP_READLINK, SC_R_FIXED, SB_M_NOFOLLOW, 0, 1, SC_CWD, SC_NONE, -1)   \
	X(faccessat, 269, SB_OP_ACCESS, SC_R_AMODE, 0, 0, 1, SC_CWD, SC_NONE, 2)                   \
	X(renameat2, 316, SB_OP_RENAME, SC_R_FIXED, SB_M_WRITE, 0, 1, 2, 3, -1)                    \
	X(execveat, 322, SB_OP_EXEC, SC_R_EXEC, 0, 0, 1, SC_CWD, SC_NONE, 4)                       \
	X(statx, 332, SB_OP_STAT, SC_R_ATFLAGS, 0, 0, 1, SC_CWD, SC_NONE, 2)                       \
	X(openat2, 437, SB_OP_OPEN, SC_R_OPENHOW, 0, 0, 1, SC_CWD, SC_NONE, 2)                     \
	X(faccessat2, 439, SB_OP_ACCESS, SC_R_AMODE, 0, 0, 1, SC_CWD, SC_NONE, 2)
/* Highest number in the table, for lookup arrays. */
#define SC_MAX_NR 439
#else
#error "syscalls.h: no path syscall table for this machine"
#endif

#define SC_COUNT_ONE(name, nr, ...) +1
#define SC_COUNT (0 SC_TABLE(SC_COUNT_ONE))
/* Instructions of the filter sc_filter() builds. */
#define SC_FILTER_LEN (SC_COUNT + 6)

/*
 * What the user-notification filter (collector/unotify.c) stops on
 * besides the table: a thread's and a process's end, so the collector
 * learns the exit status, and sees a new image that made no path call
 * before it ended.
 */
#if defined(__x86_64__)
#define SC_UNOTIFY_EXTRA_NRS 60, 231 /* exit, exit_group */
#define SC_NR_EXIT 60
#define SC_NR_EXIT_GROUP 231
#endif
#define SC_UNOTIFY_EXTRA 2
/* Instructions of the filter sc_unotify_filter() builds. */
#define SC_UNOTIFY_FILTER_LEN (SC_COUNT + SC_UNOTIFY_EXTRA + 6)

/*
 * A filter that returns action for the syscalls of the table and the
 * n extra numbers, SECCOMP_RET_ALLOW for everything else (other ABIs
 * included).  It only fills the caller's array: no allocation, so a
 * vfork child may build it.
 */
static inline void
sc_filter_build(struct sb_sock_filter *f, uint32_t action, const unsigned *extra, unsigned n_extra)
{
	static const unsigned nrs[] = {
#define SC_NR_ONE(name, nr, ...) nr,
		SC_TABLE(SC_NR_ONE)
#undef SC_NR_ONE
	};
	unsigned n = (unsigned)(sizeof(nrs) / sizeof(nrs[0])) + n_extra, i, k = 0;

	f[k++] = SB_BPF(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_ARCH);
	f[k++] = SB_BPF(SB_BPF_JEQ_K, 1, 0, SB_AUDIT_ARCH);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ALLOW);
	f[k++] = SB_BPF(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_NR);
	/* one test each: a hit jumps to the return of action at the end */
	for (i = 0; i < n; i++)
		f[k++] = SB_BPF(SB_BPF_JEQ_K, (unsigned char)(n - i), 0,
		    i < n - n_extra ? nrs[i] : extra[i - (n - n_extra)]);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ALLOW);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, action);
}

/* The ptrace backend's filter: SECCOMP_RET_TRACE on the table. */
static inline void
sc_filter(struct sb_sock_filter *f)
{
	sc_filter_build(f, SB_SECCOMP_RET_TRACE, NULL, 0);
}

/* The seccomp backend's filter: SECCOMP_RET_USER_NOTIF on the table and
 * on SC_UNOTIFY_EXTRA_NRS (SC_UNOTIFY_FILTER_LEN instructions). */
static inline void
sc_unotify_filter(struct sb_sock_filter *f)
{
	static const unsigned extra[SC_UNOTIFY_EXTRA] = { SC_UNOTIFY_EXTRA_NRS };

	sc_filter_build(f, SB_SECCOMP_RET_USER_NOTIF, extra, SC_UNOTIFY_EXTRA);
}

#endif
