/*
 * Handing a process over to the collector's seccomp backend (sbtrace
 * -b seccomp, and -b auto where ptrace is not permitted) just before it
 * execs a static binary, which LD_PRELOAD cannot enter: install a
 * filter that returns SECCOMP_RET_USER_NOTIF at the path syscalls, send
 * its listener to sbtrace over a unix socket, and wait (boundedly) for
 * the answer.  The kernel then holds every path call of the new program
 * and of its descendants until sbtrace has seen it.  Runs in the exec
 * path, perhaps in a vfork child: stack and raw syscalls only, no
 * global written after the constructor.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sb.h"
#include "unotify_filter.h"

/* How long to wait for the collector to take the listener: it answers
 * at its next turn of the poll loop, so only a stopped or dying
 * collector takes long. */
#define ACK_WAIT_MS 10000

/* "SBTRACE_UNOTIFY=address", captured when we are loaded; env.c puts it
 * back into scrubbed environments.  Room for a sun_path. */
SB_HIDDEN char sb_env_unotify[sizeof(SB_ENV_UNOTIFY) + sizeof(((struct sockaddr_un *)0)->sun_path)];

__attribute__((constructor)) static void
capture(void)
{
	(void)sb_capture_env(sb_env_unotify, sizeof(sb_env_unotify), SB_ENV_UNOTIFY, 1);
}

/* The collector's address: a path, or "@name" in the abstract
 * namespace.  Its length for connect(), 0 when it does not fit. */
static socklen_t
address(struct sockaddr_un *sa)
{
	const char *v = sb_env_unotify + sizeof(SB_ENV_UNOTIFY);
	size_t n = sb_strlen(v);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sa->sun_path))
		return 0;
	memcpy(sa->sun_path, v, n);
	if (v[0] == '@')
		sa->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (v[0] != '@'));
}

/*
 * Under the trace's filter already (inherited from a static ancestor,
 * whose listener sbtrace serves)?  Then sbtrace sees the exec and the
 * new image as they are, and a second filter would only cost.
 */
static int
under_trace_filter(void)
{
	if (syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		return 0;
	return syscall(SYS_faccessat, -1, SB_UNOTIFY_PROBE, F_OK) == -1 &&
	    errno == SB_UNOTIFY_PROBE_ERR;
}

/* Send the listener with our hello; 0 or -1. */
static int
send_listener(int s, int fd)
{
	struct sb_unotify_hello h = { .magic = SB_UNOTIFY_MAGIC,
		.pid = (uint32_t)syscall(SYS_getpid),
		.tid = (uint32_t)sb_gettid(),
		.image = sb.image };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr m = { .msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
		.msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	long n;

	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = syscall(SYS_sendmsg, s, &m, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (long)sizeof(h) ? 0 : -1;
}

/* Wait for the collector's byte want (SB_UNOTIFY_READY, then
 * SB_UNOTIFY_ACK): 0 when it came. */
static int
wait_byte(int s, char want)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	struct timespec ts = { ACK_WAIT_MS / 1000, 0 };
	char c = 0;
	long n;

	do
		n = syscall(SYS_ppoll, &p, 1, &ts, NULL, sizeof(uint64_t));
	while (n == -1 && errno == EINTR);
	if (n != 1 || !(p.revents & POLLIN))
		return -1;
	do
		n = syscall(SYS_recvfrom, s, &c, 1, 0, NULL, NULL);
	while (n == -1 && errno == EINTR);
	return n == 1 && c == want ? 0 : -1;
}

SB_HIDDEN void sb_unotify_handover(void);

void
sb_unotify_handover(void)
{
	int saved = errno, s = -1, fd;
	struct sockaddr_un sa;
	socklen_t sl;

	if (sb_env_unotify[0] == '\0' || !sb.reporting || under_trace_filter() ||
	    (sl = address(&sa)) == 0)
		goto out;
	if ((s = (int)syscall(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		goto out;
	/* connected, and told the collector has room for the listener,
	 * before the filter exists: a collector that is gone, or that turns
	 * us away, leaves the program untraced, as it would be without us */
	if (syscall(SYS_connect, s, &sa, sl) == -1 || wait_byte(s, SB_UNOTIFY_READY) == -1 ||
	    (fd = sb_unotify_install()) < 0)
		goto out;
	/*
	 * From here on the filter holds our path calls until a listener
	 * answers them, and the kernel fails them with ENOSYS once no
	 * listener is left: the collector must have it before we close
	 * ours.  In flight in the socket it is the collector's already;
	 * only a collector that dies now, before it has read it, leaves
	 * the program with failing calls (sbtrace(1) CAVEATS).
	 */
	if (send_listener(s, fd) == 0)
		(void)wait_byte(s, SB_UNOTIFY_ACK);
	sb_sys_close(fd);
out:
	if (s >= 0)
		sb_sys_close(s);
	errno = saved;
}
