/*
 * Handing a process over to the collector's ptrace backend (sbtrace -b
 * auto) just before it execs a static binary, which LD_PRELOAD cannot
 * enter: allow the collector to trace us, wait (boundedly) until it has
 * attached, then stop at the path syscalls only by installing the same
 * seccomp filter as sbtrace -b ptrace, if we may.  Runs in the exec
 * path, perhaps in a vfork child: stack and raw syscalls only, no
 * global written after the constructor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscalls.h"
#include "sb.h"

/* 2000 waits of 1 ms: a busy collector answers in a few. */
#define WAIT_STEPS 2000
#define WAIT_NS 1000000L

/* "SBTRACE_PTRACER=pid", captured when we are loaded; env.c puts it
 * back into scrubbed environments. */
SB_HIDDEN char sb_env_ptracer[64];

__attribute__((constructor)) static void
capture(void)
{
	(void)sb_capture_env(sb_env_ptracer, sizeof(sb_env_ptracer), SB_ENV_PTRACER, 1);
}

static long
parse_pid(const char *s)
{
	long v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return *s == '\0' ? v : 0;
}

/* TracerPid of this task (0: none), -1 if it cannot be read. */
static long
tracer_pid(void)
{
	char buf[2048];
	int fd = sb_sys_open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC, 0);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = sb_sys_read(fd, buf, sizeof(buf) - 1);
	sb_sys_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nTracerPid:");
	if (p == NULL)
		return -1;
	p += 11;
	while (*p == ' ' || *p == '\t')
		p++;
	long v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

SB_HIDDEN void sb_handover(void);

void
sb_handover(void)
{
	int saved = errno;
	long collector =
	    sb_env_ptracer[0] != '\0' ? parse_pid(sb_env_ptracer + sizeof(SB_ENV_PTRACER)) : 0;

	/* already traced (by the collector, from a static ancestor, or
	 * by a debugger): nothing to hand over */
	if (collector <= 0 || !sb.reporting || tracer_pid() != 0)
		goto out;
	/* Yama scope 1 lets only ancestors trace us: the collector is one
	 * unless we were reparented.  EINVAL without Yama: fine. */
	syscall(SYS_prctl, PR_SET_PTRACER, collector, 0, 0, 0);
	for (int i = 0; i < WAIT_STEPS; i++) {
		struct timespec ts = { 0, WAIT_NS };
		if (tracer_pid() == collector) {
			struct sb_sock_filter f[SC_FILTER_LEN];
			struct sb_sock_fprog prog = { .len = SC_FILTER_LEN, .filter = f };
			sc_filter(f);
			/* Works without no_new_privs only with
			 * CAP_SYS_ADMIN; setting no_new_privs ourselves
			 * would change what the program may exec.  Without
			 * the filter the collector stops at every syscall. */
			syscall(SYS_seccomp, SB_SECCOMP_SET_MODE_FILTER, 0, &prog);
			goto out;
		}
		if (i % 100 == 99 && !sb_collector_alive())
			goto out;
		syscall(SYS_nanosleep, &ts, NULL);
	}
out:
	errno = saved;
}
