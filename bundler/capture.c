#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "capture.h"
#include "create.h"

extern char **environ;

static void
capture_init(struct capture *c)
{
	memset(c, 0, sizeof *c);
	SHA256Init(&c->ctx);
}

static int
capture_feed(struct capture *c, const unsigned char *p, size_t n)
{
	SHA256Update(&c->ctx, p, n);
	c->size += n;
	if (c->len < CAPTURE_MAX) {
		size_t k = n < CAPTURE_MAX - c->len ? n : CAPTURE_MAX - c->len;
		if (c->buf == NULL && (c->buf = malloc(CAPTURE_MAX)) == NULL)
			return -1;
		memcpy(c->buf + c->len, p, k);
		c->len += k;
	}
	return 0;
}

void
capture_finish(struct capture *c)
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	if (c->sha[0] != '\0')
		return;
	SHA256Final(md, &c->ctx);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(c->sha + 2 * i, 3, "%02x", md[i]);
}

void
outcome_free(struct outcome *o)
{
	free(o->out.buf);
	free(o->err.buf);
	memset(o, 0, sizeof *o);
}

/* Read what fd has into c (and echo): 0 at end of file (or a read
 * error), 1 when more may come, 2 when a non-blocking fd has nothing
 * now, -1 on ENOMEM. */
static int
pump(int fd, struct capture *c, int echo)
{
	unsigned char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 2 : 0;
		if (n == 0)
			return 0;
		if (capture_feed(c, buf, (size_t)n) < 0)
			return -1;
		if (echo >= 0)
			/* the echo is a courtesy: a closed stderr is no error */
			(void)sb_write_all(echo, buf, (size_t)n);
		if ((size_t)n < sizeof buf)
			return 1;
	}
}

static void
child(char *const argv[], char *const envp[], int out, int err)
{
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* a program waiting for input (a REPL) must not hang the build */
	if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execve(argv[0], argv, envp ? envp : environ);
	dprintf(2, "sidebundle: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Wait for pid; its status as a shell gives it. */
static int
reap(pid_t pid, int *status)
{
	int st;

	for (;;) {
		if (waitpid(pid, &st, 0) >= 0)
			break;
		if (errno != EINTR) {
			warn("waitpid");
			return -1;
		}
		if (sb_interrupted)
			kill(pid, SIGTERM);
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int
capture_run(char *const argv[], char *const envp[], int echo, struct outcome *o)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, rc = -1;

	memset(o, 0, sizeof *o);
	capture_init(&o->out);
	capture_init(&o->err);
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		warn("pipe");
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		warn("fork");
		goto out;
	}
	if (pid == 0)
		child(argv, envp, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	/* the pidfd tells when the command is gone even while something it
	 * started still holds the pipes open; without one (Linux < 5.3), a
	 * poll timeout lets us look */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd fds[3] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	int open_fds = 2, gone = 0;
	while (open_fds > 0 && !gone) {
		int n = poll(fds, pidfd >= 0 ? 3 : 2, pidfd >= 0 ? -1 : 200);
		if (n < 0 && errno == EINTR) {
			if (sb_interrupted)
				kill(pid, SIGTERM);
			continue;
		}
		if (n < 0) {
			warn("poll");
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = pump(fds[i].fd, i == 0 ? &o->out : &o->err, echo);
			if (r < 0) {
				warn(NULL);
				kill(pid, SIGTERM);
			}
			if (r <= 0) {
				fds[i].fd = -1;
				open_fds--;
			}
		}
		siginfo_t si = { 0 };
		if (pidfd >= 0 ? (fds[2].revents & POLLIN) != 0
			       : waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			    si.si_pid == pid)
			gone = 1;
	}
	/* the command is gone: take what is left without waiting */
	for (int i = 0; i < 2; i++) {
		if (fds[i].fd < 0)
			continue;
		if (fcntl(fds[i].fd, F_SETFL, O_NONBLOCK) == 0)
			while (pump(fds[i].fd, i == 0 ? &o->out : &o->err, echo) == 1)
				;
	}
	if (pidfd >= 0)
		close(pidfd);
	rc = reap(pid, &o->status);
	capture_finish(&o->out);
	capture_finish(&o->err);
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	if (rc < 0)
		outcome_free(o);
	return rc;
}
