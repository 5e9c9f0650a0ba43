/*
 * Installing the seccomp backend's filter (SECCOMP_RET_USER_NOTIF at the
 * path syscalls, common/syscalls.h) on the calling thread: by the
 * preload library just before a static exec (preload/unotify.c), and by
 * sbtrace in the child that becomes a static command
 * (collector/unotify.c).  Raw syscalls and the stack only: a vfork
 * child may call it.
 */
#ifndef SB_UNOTIFY_FILTER_H
#define SB_UNOTIFY_FILTER_H

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"

/* Is CAP_SYS_ADMIN effective, so that a filter needs no no_new_privs? */
static inline int
sb_unotify_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) == -1)
		return 0;
	return (d[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

/*
 * The filter on this thread; returns its listener fd (O_CLOEXEC), or -1
 * with errno.  Without CAP_SYS_ADMIN the kernel wants no_new_privs
 * first: set-ID programs started under the filter then run without
 * their privilege, as under ptrace (sbtrace(1) says so).  The wait for
 * an answer is killable only once sbtrace has received the call (Linux
 * 5.19; before, a signal may restart a call sbtrace holds, which does
 * no harm).
 */
static inline int
sb_unotify_install(void)
{
	struct sb_sock_filter f[SC_UNOTIFY_FILTER_LEN];
	struct sb_sock_fprog prog = { .len = SC_UNOTIFY_FILTER_LEN, .filter = f };
	unsigned flags =
	    SB_SECCOMP_FILTER_FLAG_NEW_LISTENER | SB_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	int nnp = 0;
	long fd;

	sc_unotify_filter(f);
	if (!sb_unotify_cap_sys_admin()) {
		if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			return -1;
		nnp = 1;
	}
	for (;;) {
		fd = syscall(SYS_seccomp, SB_SECCOMP_SET_MODE_FILTER, flags, &prog);
		if (fd >= 0)
			return (int)fd;
		if (errno == EINVAL && (flags & SB_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV))
			flags &= ~SB_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		else if (errno == EACCES && !nnp &&
		    syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
			nnp = 1; /* CAP_SYS_ADMIN of another user namespace */
		else
			return -1;
	}
}

#endif
