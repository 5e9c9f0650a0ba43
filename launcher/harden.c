/*
 * chroot mode's seccomp filter, in the spirit of Docker's default
 * profile: the calls that reconfigure the kernel, the mounts or the
 * namespaces, or that reach into other processes, fail with EPERM;
 * clone with a namespace flag fails with EPERM; clone3 fails with ENOSYS
 * (its flags live in memory a filter cannot read, and libc falls back to
 * clone); TIOCSTI (typing into the terminal) fails.  A call from another
 * ABI (i386 or x32 on x86_64) is refused as a whole, since its numbers
 * mean other calls.  The BPF and seccomp definitions are common/seccomp.h
 * (musl has no kernel headers).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "launcher.h"
#include "seccomp.h"

#define NS_FLAGS 0x7E020080U /* CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET,TIME} */
#define SB_TIOCSTI 0x5412U

static const long denied[] = {
	SYS_acct,
	SYS_add_key,
	SYS_bpf,
	SYS_clock_adjtime,
	SYS_clock_settime,
	SYS_delete_module,
	SYS_finit_module,
	SYS_init_module,
	SYS_kexec_load,
	SYS_keyctl,
	SYS_mount,
	SYS_move_pages,
	SYS_name_to_handle_at,
	SYS_open_by_handle_at,
	SYS_perf_event_open,
	SYS_pivot_root,
	SYS_process_vm_readv,
	SYS_process_vm_writev,
	SYS_ptrace,
	SYS_quotactl,
	SYS_reboot,
	SYS_request_key,
	SYS_setns,
	SYS_settimeofday,
	SYS_swapoff,
	SYS_swapon,
	SYS_syslog,
	SYS_umount2,
	SYS_unshare,
	SYS_userfaultfd,
	SYS_vhangup,
	SYS_lookup_dcookie,
	SYS_mbind,
	SYS_set_mempolicy,
	SYS_get_mempolicy,
	SYS_kcmp,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_iopl
	SYS_iopl,
	SYS_ioperm,
#endif
#ifdef SYS_uselib
	SYS_uselib,
	SYS_ustat,
	SYS_sysfs,
	SYS__sysctl,
#endif
#ifdef SYS_create_module
	SYS_create_module,
	SYS_get_kernel_syms,
	SYS_query_module,
	SYS_nfsservctl,
#endif
#ifdef SYS_open_tree
	SYS_open_tree,
	SYS_move_mount,
	SYS_fsopen,
	SYS_fsconfig,
	SYS_fsmount,
	SYS_fspick,
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

#define INS(c, t, e, kk) (f[n++] = SB_BPF((c), (t), (e), (kk)))
	INS(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_ARCH);
	INS(SB_BPF_JEQ_K, 1, 0, SB_AUDIT_ARCH);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_KILL_PROCESS);
	INS(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_NR);
#ifdef SB_X32_BIT
	INS(SB_BPF_JGE_K, 0, 1, SB_X32_BIT);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ERRNO | EPERM);
#endif
	for (size_t i = 0; i < NDENIED; i++) {
		INS(SB_BPF_JEQ_K, 0, 1, (uint32_t)denied[i]);
		INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ERRNO | EPERM);
	}
	INS(SB_BPF_JEQ_K, 0, 1, SYS_clone3);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ERRNO | ENOSYS);
	/* clone(flags, ...): the flags are the first argument */
	INS(SB_BPF_JEQ_K, 0, 3, SYS_clone);
	INS(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_ARG_LO(0));
	INS(SB_BPF_JSET_K, 0, 1, NS_FLAGS);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ERRNO | EPERM);
	/* A holds the flags if we came from the clone test: reload nr */
	INS(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_NR);
	INS(SB_BPF_JEQ_K, 0, 3, SYS_ioctl);
	INS(SB_BPF_LD_W_ABS, 0, 0, SB_SECCOMP_OFF_ARG_LO(1));
	INS(SB_BPF_JEQ_K, 0, 1, SB_TIOCSTI);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ERRNO | EPERM);
	INS(SB_BPF_RET_K, 0, 0, SB_SECCOMP_RET_ALLOW);
#undef INS

	struct sb_sock_fprog prog = { (unsigned short)n, f };
	return prctl(PR_SET_SECCOMP, SB_SECCOMP_MODE_FILTER, &prog, 0, 0);
}
