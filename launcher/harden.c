/*
 * chroot mode's seccomp filter, in the spirit of Docker's default
 * profile: the calls that reconfigure the kernel, the mounts or the
 * namespaces, or that reach into other processes, fail with EPERM;
 * clone with a namespace flag fails with EPERM; clone3 fails with ENOSYS
 * (its flags live in memory a filter cannot read, and libc falls back to
 * clone); TIOCSTI (typing into the terminal) fails.  A call from another
 * ABI (i386 or x32 on x86_64) is refused as a whole, since its numbers
 * mean other calls.  musl has no <linux/filter.h>: the few definitions
 * needed are here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "launcher.h"

struct sb_sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sb_sock_fprog {
	unsigned short len;
	struct sb_sock_filter *filter;
};

#define BPF_LD_W_ABS 0x20 /* BPF_LD | BPF_W | BPF_ABS */
#define BPF_JEQ_K 0x15	  /* BPF_JMP | BPF_JEQ | BPF_K */
#define BPF_JGE_K 0x35	  /* BPF_JMP | BPF_JGE | BPF_K */
#define BPF_JSET_K 0x45	  /* BPF_JMP | BPF_JSET | BPF_K */
#define BPF_RET_K 0x06	  /* BPF_RET | BPF_K */

#define SECCOMP_MODE_FILTER 2
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_RET_ALLOW 0x7fff0000U

/* struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG_LO(i) (16 + 8 * (i)) /* little-endian: the low word */

#if defined(__x86_64__)
#define SB_AUDIT_ARCH 0xC000003EU
#define SB_X32_BIT 0x40000000U
#elif defined(__aarch64__)
#define SB_AUDIT_ARCH 0xC00000B7U
#else
#error "chroot mode's seccomp filter knows x86_64 and aarch64 only"
#endif

#define NS_FLAGS 0x7E020080U /* CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET,TIME} */
#define SB_TIOCSTI 0x5412U

static const long denied[] = {
	SYS_acct, SYS_add_key, SYS_bpf, SYS_clock_adjtime, SYS_clock_settime,
	SYS_delete_module, SYS_finit_module, SYS_init_module, SYS_kexec_load,
	SYS_keyctl, SYS_mount, SYS_move_pages, SYS_name_to_handle_at,
	SYS_open_by_handle_at, SYS_perf_event_open,
	SYS_pivot_root, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_ptrace, SYS_quotactl, SYS_reboot, SYS_request_key, SYS_setns,
	SYS_settimeofday, SYS_swapoff, SYS_swapon, SYS_syslog, SYS_umount2,
	SYS_unshare, SYS_userfaultfd, SYS_vhangup, SYS_lookup_dcookie,
	SYS_mbind, SYS_set_mempolicy, SYS_get_mempolicy, SYS_kcmp,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_iopl
	SYS_iopl, SYS_ioperm,
#endif
#ifdef SYS_uselib
	SYS_uselib, SYS_ustat, SYS_sysfs, SYS__sysctl,
#endif
#ifdef SYS_create_module
	SYS_create_module, SYS_get_kernel_syms, SYS_query_module,
	SYS_nfsservctl,
#endif
#ifdef SYS_open_tree
	SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig,
	SYS_fsmount, SYS_fspick,
#endif
#ifdef SYS_mount_setattr
	SYS_mount_setattr,
#endif
#ifdef SYS_quotactl_fd
	SYS_quotactl_fd,
#endif
};

#define NDENIED (sizeof denied / sizeof *denied)

int
seccomp_install(void)
{
	struct sb_sock_filter f[2 * NDENIED + 32];
	size_t n = 0;

#define INS(c, t, e, kk) (f[n++] = (struct sb_sock_filter){ (c), (t), (e), (kk) })
	INS(BPF_LD_W_ABS, 0, 0, OFF_ARCH);
	INS(BPF_JEQ_K, 1, 0, SB_AUDIT_ARCH);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
	INS(BPF_LD_W_ABS, 0, 0, OFF_NR);
#ifdef SB_X32_BIT
	INS(BPF_JGE_K, 0, 1, SB_X32_BIT);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM);
#endif
	for (size_t i = 0; i < NDENIED; i++) {
		INS(BPF_JEQ_K, 0, 1, (uint32_t)denied[i]);
		INS(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM);
	}
	INS(BPF_JEQ_K, 0, 1, SYS_clone3);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
	/* clone(flags, ...): the flags are the first argument */
	INS(BPF_JEQ_K, 0, 3, SYS_clone);
	INS(BPF_LD_W_ABS, 0, 0, OFF_ARG_LO(0));
	INS(BPF_JSET_K, 0, 1, NS_FLAGS);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM);
	/* A holds the flags if we came from the clone test: reload nr */
	INS(BPF_LD_W_ABS, 0, 0, OFF_NR);
	INS(BPF_JEQ_K, 0, 3, SYS_ioctl);
	INS(BPF_LD_W_ABS, 0, 0, OFF_ARG_LO(1));
	INS(BPF_JEQ_K, 0, 1, SB_TIOCSTI);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM);
	INS(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW);
#undef INS

	struct sb_sock_fprog prog = { (unsigned short)n, f };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
