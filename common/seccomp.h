/*
 * The few seccomp-BPF definitions the project's filters need, without
 * <linux/filter.h> or <linux/seccomp.h>: the static launcher is built
 * with musl, which has no kernel headers.  The layouts are the kernel's
 * ABI (struct sock_filter, struct sock_fprog, struct seccomp_data).
 */
#ifndef SB_SECCOMP_H
#define SB_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

struct sb_sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct sb_sock_fprog {
	unsigned short len;
	struct sb_sock_filter *filter;
};

#define SB_BPF_LD_W_ABS 0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define SB_BPF_JEQ_K 0x15    /* BPF_JMP | BPF_JEQ | BPF_K */
#define SB_BPF_JGE_K 0x35    /* BPF_JMP | BPF_JGE | BPF_K */
#define SB_BPF_JSET_K 0x45   /* BPF_JMP | BPF_JSET | BPF_K */
#define SB_BPF_RET_K 0x06    /* BPF_RET | BPF_K */

#define SB_SECCOMP_MODE_FILTER 2
#define SB_SECCOMP_SET_MODE_FILTER 1 /* seccomp(2) operation */
/* seccomp(2) flags of SET_MODE_FILTER: a listener fd for RET_USER_NOTIF
 * (Linux 5.0), and a wait for its answer that only a fatal signal
 * interrupts once the listener has received the call (5.19) */
#define SB_SECCOMP_FILTER_FLAG_NEW_LISTENER (1U << 3)
#define SB_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1U << 5)
#define SB_SECCOMP_RET_KILL_PROCESS 0x80000000U
#define SB_SECCOMP_RET_USER_NOTIF 0x7fc00000U
#define SB_SECCOMP_RET_TRACE 0x7ff00000U
#define SB_SECCOMP_RET_ERRNO 0x00050000U
#define SB_SECCOMP_RET_ALLOW 0x7fff0000U

/* struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] */
#define SB_SECCOMP_OFF_NR 0
#define SB_SECCOMP_OFF_ARCH 4
#define SB_SECCOMP_OFF_ARG_LO(i) (16 + 8 * (i)) /* little-endian: low word */

/* This build's AUDIT_ARCH_*, and what tells its other ABIs apart. */
#if defined(__x86_64__)
#define SB_AUDIT_ARCH 0xC000003EU
#define SB_X32_BIT 0x40000000U /* x32 numbers carry this bit */
#elif defined(__aarch64__)
#define SB_AUDIT_ARCH 0xC00000B7U
#else
#error "seccomp.h: add this machine's AUDIT_ARCH"
#endif

/* One instruction. */
#define SB_BPF(c, t, f, kk) ((struct sb_sock_filter){ (c), (t), (f), (kk) })

#endif
