/* Small helpers built on raw syscalls: safe after vfork and in signal
 * handlers, and never routed through our own wrappers. */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sb.h"

size_t
sb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

int
sb_streq_prefix(const char *s, const char *prefix)
{
	while (*prefix != '\0')
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

uint64_t
sb_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
sb_sys_open(const char *path, int flags, int mode)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int
sb_sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

ssize_t
sb_sys_readlink(const char *path, char *buf, size_t n)
{
	return syscall(SYS_readlinkat, AT_FDCWD, path, buf, n);
}

ssize_t
sb_sys_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = syscall(SYS_read, fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

pid_t
sb_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Decimal digits of v written backwards ending just before end; returns
 * the first digit. */
char *
sb_fmt_uint(char *end, unsigned long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}
