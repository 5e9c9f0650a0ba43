/*
 * What lets sbtrace trace (or read the memory of) a process, read once
 * each for the ptrace backend, the seccomp backend and -p: Yama's
 * ptrace scope, our own seccomp mode and CAP_SYS_PTRACE.
 */
#ifndef SB_COLLECTOR_PERMIT_H
#define SB_COLLECTOR_PERMIT_H

/* kernel.yama.ptrace_scope; -1 without Yama (no such file), -2 when the
 * file is there but cannot be read. */
int permit_yama_scope(void);

/* Our seccomp mode: 0 none, 2 a filter, -1 not known.  prctl answers
 * without /proc; the Seccomp: line of /proc/self/status when a filter
 * denies the prctl itself. */
int permit_seccomp_mode(void);

/* Is CAP_SYS_PTRACE in our effective set?  capget needs no /proc. */
int permit_cap_ptrace(void);

#endif
