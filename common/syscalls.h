/*
 * The path syscalls a trace stops on: the one place that knows their
 * numbers and how their arguments read, for the seccomp filter that
 * stops a traced process at them (sbtrace -b ptrace, and the hand-over
 * in preload/handover.c) and for the decoder of a stopped call
 * (collector/sysdecode.c).  Another architecture needs only its own
 * table (aarch64 has no open, stat, access, ...: it lists the *at
 * forms alone).
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
 * The seccomp filter: SECCOMP_RET_TRACE for the syscalls of the table,
 * SECCOMP_RET_ALLOW for everything else (other ABIs included).  It only
 * fills the caller's array: no allocation, so a vfork child may build
 * it.
 */
static inline void
sc_filter(struct sb_sock_filter *f)
{
	static const unsigned nrs[] = {
#define SC_NR_ONE(name, nr, ...) nr,
		SC_TABLE(SC_NR_ONE)
#undef SC_NR_ONE
	};
	unsigned n = (unsigned)(sizeof(nrs) / sizeof(nrs[0])), i, k = 0;

	f[k++] = SB_BPF(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_ARCH);
	f[k++] = SB_BPF(SB_BPF_JEQ_K, 1, 0, SB_AUDIT_ARCH);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ALLOW);
	f[k++] = SB_BPF(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_NR);
	/* one test each: a hit jumps to the RET_TRACE at the end */
	for (i = 0; i < n; i++)
		f[k++] = SB_BPF(SB_BPF_JEQ_K, (unsigned char)(n - i), 0, nrs[i]);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ALLOW);
	f[k++] = SB_BPF(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_TRACE);
}

#endif
