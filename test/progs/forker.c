/*
 * forker FILE: fork without exec; the child opens FILE and exits 5; the
 * parent waits and exits 0 if the child exited 5.
 */
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int st;

	if (argc != 2)
		errx(2, "usage: forker FILE");
	pid_t pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		int fd = open(argv[1], O_RDONLY);
		if (fd < 0)
			err(1, "open %s", argv[1]);
		exit(5);
	}
	if (waitpid(pid, &st, 0) < 0)
		err(1, "waitpid");
	return WIFEXITED(st) && WEXITSTATUS(st) == 5 ? 0 : 1;
}
