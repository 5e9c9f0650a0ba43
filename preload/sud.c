/*
 * Seeing what the C library reads for the program.  Inside setlocale,
 * getpwnam, getaddrinfo, localtime and the like, glibc opens locale
 * data, /etc/passwd, /etc/hosts or zoneinfo through its own internal
 * syscalls, which no wrapper sees.  For the length of such a call (and
 * only then: code outside pays nothing) the thread turns on Syscall
 * User Dispatch (Linux 5.11, no privilege): every syscall then raises
 * SIGSYS, our handler performs it, records the path ones with their
 * real results (SB_M_LIBC) and returns the result in RAX.
 *
 * The rules, each from a failure seen in a test:
 * - Async signals are blocked for the call: a program handler with
 *   SIGSYS in its sa_mask would otherwise be killed by the next trap.
 *   A call that waits on the network or a timer stops being traced
 *   there and gets the program's mask back, so ^C still works.
 * - The SIGSYS action is process-wide: installed by the first thread
 *   in, restored by the last one out, under a spin lock.
 * - Our handler runs with SA_NODEFER and every other signal blocked: a
 *   seccomp RET_TRAP of the program's raised by a syscall we perform
 *   arrives nested and is handed to the program's handler.
 * - vfork and thread creation run natively (tracing stops for the rest
 *   of the call): a child sharing our stack must not return through our
 *   signal frame.  An exec gets the program's mask first.
 * - The program's own signal handlers return through libc's
 *   __restore_rt, whose rt_sigreturn traps too: it is re-issued from
 *   the one range the kernel lets through, which holds only our
 *   restorer and a bare syscall instruction.
 * - A process under a seccomp filter, or one that uses dispatch itself
 *   (Wine), is never traced this way: a filter may kill on prctl, and
 *   there is one dispatch setting per thread.
 * Where the kernel has no dispatch the bundler's rules stand in.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "real.h"
#include "sb.h"
#include "sysdecode.h"

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2 /* si_code of a dispatch SIGSYS */
#endif

#if defined(__x86_64__)

/* The kernel's struct sigaction on x86_64 (rt_sigaction with size 8). */
struct k_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};
#define K_SA_SIGINFO 0x00000004UL
#define K_SA_RESTORER 0x04000000UL
#define K_SA_NODEFER 0x40000000UL
#define BIT(sig) (1ULL << ((sig)-1))
/* Left deliverable during a traced call: SIGSYS (ours), and what a
 * fault raises synchronously (blocking those kills the process). */
#define KEEP                                                                                       \
	(BIT(SIGSYS) | BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGFPE) | BIT(SIGTRAP) |     \
	    BIT(SIGABRT))

/*
 * The range dispatch lets through: our handler's restorer and a bare
 * syscall instruction for re-issuing a program handler's rt_sigreturn.
 * Nothing else: every other syscall of the thread traps.
 */
__asm__(".pushsection .text.sb_sud,\"ax\",@progbits\n"
	"sb_sud_start:\n"
	"sb_sud_restorer:\n"
	"	mov $15, %eax\n" /* rt_sigreturn */
	"	syscall\n"
	"	ud2\n"
	"sb_sud_syscall:\n"
	"	syscall\n"
	"	ud2\n"
	"sb_sud_end:\n"
	".popsection\n");
extern char sb_sud_start[], sb_sud_restorer[], sb_sud_syscall[], sb_sud_end[];
__asm__(".hidden sb_sud_start\n.hidden sb_sud_restorer\n.hidden sb_sud_syscall\n"
	".hidden sb_sud_end\n");

struct sud_thread {
	volatile unsigned char selector; /* read by the kernel at each syscall */
	unsigned char suspended;	 /* this call runs natively from here */
	int depth;			 /* a traced call is under way */
	uint64_t mask;			 /* the program's signal mask */
};
static __thread struct sud_thread sud __attribute__((tls_model("initial-exec")));

/* -1: never (no kernel support, a seccomp filter, the program's own
 * dispatch); 0: not known yet; 1: usable. */
static int sud_state;
static int sud_users, sud_lock;
static struct k_sigaction sud_prog; /* the program's SIGSYS action */

static long
raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static void
lock(void)
{
	while (__atomic_exchange_n(&sud_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void
unlock(void)
{
	__atomic_store_n(&sud_lock, 0, __ATOMIC_RELEASE);
}

/* A SIGSYS that is not ours (a seccomp RET_TRAP, a kill -SYS): what the
 * program asked for. */
static void
chain(int sig, siginfo_t *si, void *ctx)
{
	struct k_sigaction p = sud_prog;

	if (p.handler == SIG_IGN)
		return;
	if (p.handler == SIG_DFL) {
		struct k_sigaction dfl = { SIG_DFL, 0, NULL, 0 };
		raw6(SYS_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0);
		raw6(SYS_tgkill, raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
		    raw6(SYS_gettid, 0, 0, 0, 0, 0, 0), SIGSYS, 0, 0, 0);
		return;
	}
	if (p.flags & K_SA_SIGINFO)
		((void (*)(int, siginfo_t *, void *))p.handler)(sig, si, ctx);
	else
		((void (*)(int))p.handler)(sig);
}

static int
self_peek(void *ctx, uint64_t addr, void *out, size_t n)
{
	memcpy(out, (const void *)(uintptr_t)addr, n);
	return 0;
}

/* Record the path syscall nr(a) that returned r. */
static void
record(long nr, const uint64_t a[6], long r)
{
	struct sc_call c;
	int err = r < 0 && r > -4096 ? (int)-r : 0;

	/* decoded after the call: what it faulted on is not read here */
	if (err == EFAULT || sc_decode((uint64_t)nr, a, self_peek, NULL, &c) != 1 ||
	    c.op == SB_OP_EXEC || c.path[0].is_fd)
		return;
	const char *p0 = (const char *)(uintptr_t)c.path[0].addr;
	if (c.empty_is_fd && p0[0] == '\0')
		return; /* an fstat */
	if (c.npaths == 2)
		sb_access2(c.op, c.mode | SB_M_LIBC, err, (int)c.path[0].dirfd, p0,
		    (int)c.path[1].dirfd, (const char *)(uintptr_t)c.path[1].addr);
	else
		sb_access(c.op, c.mode | SB_M_LIBC, err, (int)c.path[0].dirfd, p0);
}

/* Syscalls that may wait for long (the network, a timer): tracing stops
 * before them, so that signals reach the program again. */
static int
waits(long nr)
{
	switch (nr) {
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_recvmmsg:
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_wait4:
	case SYS_waitid:
		return 1;
	default:
		return 0;
	}
}

/* Let the trapped syscall run natively, and everything after it in this
 * call: step back onto the syscall instruction with dispatch allowing. */
static void
go_native(greg_t *g, ucontext_t *uc, int program_mask)
{
	sud.suspended = 1;
	g[REG_RIP] -= 2;
	if (program_mask)
		memcpy(&uc->uc_sigmask, &sud.mask, sizeof(sud.mask));
}

static void
handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;

	if (si->si_code != SYS_USER_DISPATCH) {
		chain(sig, si, ctx);
		return;
	}
	/* our own syscalls (the record's write) must not trap */
	sud.selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	int saved = errno;
	long nr = g[REG_RAX], r;
	uint64_t a[6] = { (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
		(uint64_t)g[REG_R10], (uint64_t)g[REG_R8], (uint64_t)g[REG_R9] };

	if (nr == SYS_rt_sigreturn) {
		/* a program handler returning through libc's restorer */
		g[REG_RIP] = (greg_t)(uintptr_t)sb_sud_syscall;
	} else if (nr == SYS_vfork || nr == SYS_clone3 ||
	    (nr == SYS_clone && ((a[0] & CLONE_VM) || a[1] != 0))) {
		go_native(g, uc, 0);
	} else if (waits(nr)) {
		go_native(g, uc, 1);
	} else if (nr == SYS_execve || nr == SYS_execveat) {
		uint64_t cur;
		raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&sud.mask, (long)&cur, 8, 0, 0);
		g[REG_RAX] = raw6(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
		    (long)a[5]);
		raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&cur, 0, 8, 0, 0);
	} else {
		r = raw6(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
		    (long)a[5]);
		g[REG_RAX] = r;
		record(nr, a, r);
	}
	errno = saved;
	if (!sud.suspended)
		sud.selector = SYSCALL_DISPATCH_FILTER_BLOCK;
}

/* Is this process under a seccomp filter (Seccomp: 2)?  Then a prctl
 * it did not expect could be fatal: never try. */
static int
seccomp_filtered(void)
{
	char buf[4096];
	int fd = sb_sys_open("/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
	ssize_t n = fd >= 0 ? sb_sys_read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		sb_sys_close(fd);
	if (n <= 0)
		return 1; /* cannot tell: assume the worst */
	buf[n] = '\0';
	const char *s = strstr(buf, "\nSeccomp:");
	if (s == NULL)
		return 0; /* a kernel without seccomp */
	s += 9;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s != '0';
}

int
sb_trap_possible(void)
{
	return sb.reporting && sud.depth == 0 && __atomic_load_n(&sud_state, __ATOMIC_RELAXED) >= 0;
}

int
sb_trap_begin(void)
{
	int saved = errno, state = __atomic_load_n(&sud_state, __ATOMIC_RELAXED);

	if (state < 0 || sud.depth > 0 || !sb.reporting)
		return 0;
	if (state == 0) {
		state = seccomp_filtered() ? -1 : 1;
		__atomic_store_n(&sud_state, state, __ATOMIC_RELAXED);
		if (state < 0)
			goto off;
	}
	uint64_t block = ~KEEP;
	raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&block, (long)&sud.mask, 8, 0, 0);
	lock();
	if (sud_users++ == 0) {
		struct k_sigaction ours = { (void *)handler,
			K_SA_SIGINFO | K_SA_RESTORER | K_SA_NODEFER, sb_sud_restorer,
			~BIT(SIGSYS) };
		raw6(SYS_rt_sigaction, SIGSYS, (long)&ours, (long)&sud_prog, 8, 0, 0);
	}
	unlock();
	sud.selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	sud.suspended = 0;
	if (raw6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (long)sb_sud_start,
		(long)(sb_sud_end - sb_sud_start), (long)&sud.selector, 0) != 0) {
		/* no dispatch in this kernel, or not allowed: rules instead */
		__atomic_store_n(&sud_state, -1, __ATOMIC_RELAXED);
		sud.depth = 1;
		sb_trap_end();
		goto off;
	}
	sud.depth = 1;
	sud.selector = SYSCALL_DISPATCH_FILTER_BLOCK;
	errno = saved;
	return 1;
off:
	errno = saved;
	return 0;
}

void
sb_trap_end(void)
{
	int saved = errno;

	sud.selector = SYSCALL_DISPATCH_FILTER_ALLOW;
	raw6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0, 0);
	sud.depth = 0;
	lock();
	if (--sud_users == 0)
		raw6(SYS_rt_sigaction, SIGSYS, (long)&sud_prog, 0, 8, 0, 0);
	unlock();
	raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&sud.mask, 0, 8, 0, 0);
	errno = saved;
}

void
sb_trap_forbid(void)
{
	__atomic_store_n(&sud_state, -1, __ATOMIC_RELAXED);
}

#else /* no dispatch for this machine: the rules stand in */

int
sb_trap_possible(void)
{
	return 0;
}

int
sb_trap_begin(void)
{
	return 0;
}

void
sb_trap_end(void)
{
}

void
sb_trap_forbid(void)
{
}

#endif

/*
 * A program that installs a seccomp filter (no_new_privs comes first
 * for an unprivileged one) or uses dispatch itself: from then on its
 * calls run untrapped, since the filter may kill on our prctl and the
 * dispatch setting is the program's.
 */
SB_EXPORT int
prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_SECCOMP || option == PR_SET_NO_NEW_PRIVS ||
	    option == PR_SET_SYSCALL_USER_DISPATCH)
		sb_trap_forbid();
	return NEXT(prctl)(option, a[0], a[1], a[2], a[3]);
}
