/*
 * spawnerr: posix_spawnp and posix_spawn of programs that do not exist,
 * with errno set to 0 before each; print what each returned and errno
 * after it, as Bear's test suite does.  The output must be the same
 * traced and untraced.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>

extern char **environ;

int
main(void)
{
	char *argv[] = { "sbtrace-no-such-program", NULL };
	pid_t pid;
	int r;

	errno = 0;
	r = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	printf("posix_spawnp: %d, errno: %d\n", r, errno);
	errno = 0;
	r = posix_spawn(&pid, "/nonexistent/sbtrace-no-such-program", NULL, NULL, argv, environ);
	printf("posix_spawn: %d, errno: %d\n", r, errno);
	errno = 0;
	r = posix_spawn(&pid, "/etc/hostname", NULL, NULL, argv, environ);
	printf("posix_spawn of a file that is no program: %d, errno: %d\n", r, errno);
	return 0;
}
