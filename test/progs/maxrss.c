/*
 * maxrss FILE CMD [ARG...]: run CMD, write its peak resident set size in
 * KiB (wait4's ru_maxrss: CMD's own, or that of a descendant it waited
 * for if larger) to FILE, and exit with CMD's status.
 */
#include <err.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3)
		errx(2, "usage: maxrss FILE CMD [ARG...]");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		err(127, "%s", argv[2]);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		err(1, "wait4");
	if ((f = fopen(argv[1], "w")) == NULL || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 ||
	    fclose(f) == EOF)
		err(1, "%s", argv[1]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
