/*
 * SBTEST_MARKER=MARKER execs VARIANT: run /bin/echo MARKER through one
 * exec variant.  The marker comes from the environment so that only the
 * echo process has it in its argv.
 * VARIANT: execve execv execvp execvpe execl execlp execle fexecve execveat
 * posix_spawn posix_spawnp system popen.  The exec-family variants replace
 * this process; the others wait and exit with the child's status.
 * execle passes an empty environment, as env -i does.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int
child_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *v = argv[1], *m = getenv("SBTEST_MARKER");
	if (argc != 2 || m == NULL)
		errx(2, "usage: SBTEST_MARKER=MARKER execs VARIANT");
	char *args[] = {"echo", (char *)m, NULL};
	char *empty_env[] = {NULL};
	char cmd[4096];
	pid_t pid;
	int st, e;

	if (strcmp(v, "execve") == 0)
		execve("/bin/echo", args, environ);
	else if (strcmp(v, "execv") == 0)
		execv("/bin/echo", args);
	else if (strcmp(v, "execvp") == 0)
		execvp("echo", args);
	else if (strcmp(v, "execvpe") == 0)
		execvpe("echo", args, environ);
	else if (strcmp(v, "execl") == 0)
		execl("/bin/echo", "echo", m, (char *)NULL);
	else if (strcmp(v, "execlp") == 0)
		execlp("echo", "echo", m, (char *)NULL);
	else if (strcmp(v, "execle") == 0)
		execle("/bin/echo", "echo", m, (char *)NULL, empty_env);
	else if (strcmp(v, "fexecve") == 0) {
		int fd = open("/bin/echo", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err(1, "open /bin/echo");
		fexecve(fd, args, environ);
	} else if (strcmp(v, "execveat") == 0) {
		/* relative to a directory fd, so the path must be resolved */
		int dfd = open("/bin", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			err(1, "open /bin");
		execveat(dfd, "echo", args, environ, 0);
	} else if (strcmp(v, "posix_spawn") == 0 ||
	    strcmp(v, "posix_spawnp") == 0) {
		if (v[11] == 'p')
			e = posix_spawnp(&pid, "echo", NULL, NULL, args, environ);
		else
			e = posix_spawn(&pid, "/bin/echo", NULL, NULL, args, environ);
		if (e != 0) {
			errno = e;
			err(1, "%s", v);
		}
		if (waitpid(pid, &st, 0) < 0)
			err(1, "waitpid");
		return child_status(st);
	} else if (strcmp(v, "system") == 0) {
		snprintf(cmd, sizeof(cmd), "/bin/echo %s", m);
		st = system(cmd);
		if (st < 0)
			err(1, "system");
		return child_status(st);
	} else if (strcmp(v, "popen") == 0) {
		snprintf(cmd, sizeof(cmd), "/bin/echo %s", m);
		FILE *f = popen(cmd, "r");
		if (f == NULL)
			err(1, "popen");
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		st = pclose(f);
		if (strncmp(buf, m, strlen(m)) != 0)
			errx(1, "popen read %s", buf);
		fputs(buf, stdout);
		return child_status(st);
	} else
		errx(2, "unknown variant %s", v);
	err(127, "%s", v);
}
