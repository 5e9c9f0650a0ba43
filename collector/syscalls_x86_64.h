/*
 * The path syscalls the ptrace backend stops on, for x86_64: the one
 * place that knows their numbers.  Each entry is X(name, number, kind);
 * the kind says how ptrace.c decodes the arguments, so another
 * architecture needs only its own table (aarch64 has no open, stat,
 * access, ... : it lists the *at forms alone) and its AUDIT_ARCH.
 */
#ifndef SB_COLLECTOR_SYSCALLS_X86_64_H
#define SB_COLLECTOR_SYSCALLS_X86_64_H

#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define SC_AUDIT_ARCH AUDIT_ARCH_X86_64
/* x32 numbers carry this bit; they are let through untraced. */
#define SC_X32_BIT 0x40000000u

#define SC_TABLE(X)                                                            \
	X(open, 2, SC_OPEN)                                                    \
	X(stat, 4, SC_STAT)                                                    \
	X(lstat, 6, SC_LSTAT)                                                  \
	X(access, 21, SC_ACCESS)                                               \
	X(execve, 59, SC_EXECVE)                                               \
	X(truncate, 76, SC_TRUNCATE)                                           \
	X(chdir, 80, SC_CHDIR)                                                 \
	X(fchdir, 81, SC_FCHDIR)                                               \
	X(rename, 82, SC_RENAME)                                               \
	X(mkdir, 83, SC_MKDIR)                                                 \
	X(rmdir, 84, SC_RMDIR)                                                 \
	X(creat, 85, SC_CREAT)                                                 \
	X(link, 86, SC_LINK)                                                   \
	X(unlink, 87, SC_UNLINK)                                               \
	X(symlink, 88, SC_SYMLINK)                                             \
	X(readlink, 89, SC_READLINK)                                           \
	X(openat, 257, SC_OPENAT)                                              \
	X(mkdirat, 258, SC_MKDIRAT)                                            \
	X(newfstatat, 262, SC_FSTATAT)                                         \
	X(unlinkat, 263, SC_UNLINKAT)                                          \
	X(renameat, 264, SC_RENAMEAT)                                          \
	X(linkat, 265, SC_LINKAT)                                              \
	X(symlinkat, 266, SC_SYMLINKAT)                                        \
	X(readlinkat, 267, SC_READLINKAT)                                      \
	X(faccessat, 269, SC_FACCESSAT)                                        \
	X(renameat2, 316, SC_RENAMEAT)                                         \
	X(execveat, 322, SC_EXECVEAT)                                          \
	X(statx, 332, SC_STATX)                                                \
	X(openat2, 437, SC_OPENAT2)                                            \
	X(faccessat2, 439, SC_FACCESSAT)

/* Highest number in the table, for the lookup array. */
#define SC_MAX_NR 439

#define SC_COUNT_ONE(name, nr, kind) +1
#define SC_COUNT (0 SC_TABLE(SC_COUNT_ONE))
/* Instructions of the filter sc_filter() builds. */
#define SC_FILTER_LEN (SC_COUNT + 6)

/*
 * The seccomp filter: SECCOMP_RET_TRACE for the syscalls of the table,
 * SECCOMP_RET_ALLOW for everything else (other ABIs included).  Shared
 * by the collector's child and preload/handover.c, so it only fills the
 * caller's array: no allocation.
 */
static inline void
sc_filter(struct sock_filter *f)
{
	static const unsigned nrs[] = {
#define SC_NR_ONE(name, nr, kind) nr,
		SC_TABLE(SC_NR_ONE)
#undef SC_NR_ONE
	};
	unsigned n = (unsigned)(sizeof(nrs) / sizeof(nrs[0])), i, k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    SC_AUDIT_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	/* one test each: a hit jumps to the RET_TRACE at the end */
	for (i = 0; i < n; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    nrs[i], (unsigned char)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE);
}

#endif
