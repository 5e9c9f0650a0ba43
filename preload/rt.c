/*
 * The run-time of libsbtrace-audit.so, the lean LD_AUDIT module: the few
 * libc functions that audit.c, report.c, util.c and init.c call, built
 * on raw x86_64 system calls.  ld.so gives an audit module a link-map
 * namespace of its own, and a libc there costs every traced process its
 * loading, relocation and page faults, which were half of the tracing
 * overhead of a short process; this module needs no library at all.
 *
 * Every name here is hidden, so the references from the shared sources
 * bind to these definitions at link time.  Only compiled with
 * SB_FREESTANDING, into libsbtrace-audit.so, never into libsbtrace.so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sb.h"

#ifndef SB_FREESTANDING
#error "preload/rt.c belongs to libsbtrace-audit.so only"
#endif

/*
 * errno as a plain int: ld.so runs every audit callback under its load
 * lock, so two threads are never in this module at once.  glibc's
 * <errno.h> reads errno through __errno_location(), so the shared
 * sources need no change.
 */
static int rt_errno;

SB_HIDDEN int *
__errno_location(void)
{
	return &rt_errno;
}

static long
rt_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

/* syscall(2): the kernel's -4095..-1 become -1 and errno. */
SB_HIDDEN long
syscall(long n, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	long r = rt_syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]);
	if ((unsigned long)r > -4096UL) {
		rt_errno = (int)-r;
		return -1;
	}
	return r;
}

/* No vDSO lookup: one system call per record is cheap next to the
 * write(2) that sends it. */
SB_HIDDEN int
clock_gettime(clockid_t clock, struct timespec *ts)
{
	return (int)syscall(SYS_clock_gettime, clock, ts);
}

SB_HIDDEN int
getrlimit(__rlimit_resource_t resource, struct rlimit *rl)
{
	return (int)syscall(SYS_prlimit64, 0, resource, NULL, rl);
}

/* The compiler may emit calls to these four for struct copies and
 * initialisers, so they must exist even where the sources never name
 * them (and the build keeps it from turning their loops into calls to
 * themselves: -fno-tree-loop-distribute-patterns). */
SB_HIDDEN void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
		*d++ = *s++;
	return dst;
}

SB_HIDDEN void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s)
		while (n-- > 0)
			*d++ = *s++;
	else
		while (n-- > 0)
			d[n] = s[n];
	return dst;
}

SB_HIDDEN void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

SB_HIDDEN int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/*
 * The environment and the auxiliary vector, from the arguments glibc's
 * ld.so passes to every initialiser (audit modules included: they are
 * opened, and their constructors run, before la_version is called).
 * The kernel puts the auxiliary vector right after the environment's
 * NULL; ld.so only moves entries of the environment in secure
 * (set-id) mode, where it loads no audit module of ours.  Reading them
 * here costs no system call and works without /proc.
 */
static char **rt_envp;
static const unsigned long *rt_auxv;

__attribute__((constructor)) static void
rt_constructor(int argc, char **argv, char **envp)
{
	char **e = envp;

	if (e == NULL)
		return;
	rt_envp = envp;
	while (*e != NULL)
		e++;
	rt_auxv = (const unsigned long *)(e + 1);
}

SB_HIDDEN char *
getenv(const char *name)
{
	size_t n = sb_strlen(name);

	for (char **e = rt_envp; e != NULL && *e != NULL; e++)
		if (sb_streq_prefix(*e, name) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

SB_HIDDEN unsigned long
getauxval(unsigned long type)
{
	for (const unsigned long *a = rt_auxv; a != NULL && a[0] != 0; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}
