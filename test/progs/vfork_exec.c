/*
 * SBTEST_MARKER=MARKER vfork_exec [close]: vfork, then execve /bin/echo
 * (or $SBTEST_PROG) with argv "echo MARKER" in the child; with "close"
 * the child first runs close_range(3, ~0U) the way Python's subprocess
 * does.  Exits with the child's status.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
main(int argc, char **argv)
{
	char *m = getenv("SBTEST_MARKER");
	if (m == NULL)
		errx(2, "usage: SBTEST_MARKER=MARKER vfork_exec [close]");
	char *args[] = {"echo", m, NULL};
	const char *prog = getenv("SBTEST_PROG") != NULL ? getenv("SBTEST_PROG") : "/bin/echo";
	int do_close = argc > 1 && strcmp(argv[1], "close") == 0;
	int st;

	pid_t pid = vfork();
	if (pid < 0)
		err(1, "vfork");
	if (pid == 0) {
		if (do_close)
			close_range(3, ~0U, 0);
		execve(prog, args, environ);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		err(1, "waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
