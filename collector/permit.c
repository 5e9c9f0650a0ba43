/*
 * What lets sbtrace trace: see permit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "permit.h"
#include "tracee.h"
#include "util.h"

int
permit_yama_scope(void)
{
	char buf[16];
	ssize_t n;
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -2;
	buf[n] = '\0';
	return atoi(buf);
}

int
permit_seccomp_mode(void)
{
	struct buf b = { 0 };
	char *s;
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);

	if (mode >= 0)
		return mode;
	if (tracee_read_file("/proc/self/status", &b) == 0 &&
	    (s = strstr(b.p, "\nSeccomp:")) != NULL)
		mode = atoi(s + 9);
	buf_free(&b);
	return mode;
}

int
permit_cap_ptrace(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) == -1)
		return 0;
	return (d[CAP_SYS_PTRACE / 32].effective >> (CAP_SYS_PTRACE % 32)) & 1;
}
