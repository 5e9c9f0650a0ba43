/*
 * daemon DIR: double-fork and detach.  The daemon writes its pid to
 * DIR/pid, stats DIR/early, sleeps 3 s, creates DIR/after (by then an
 * sbtrace run with a short --linger has exited, so this is done untraced
 * and must neither block nor kill it), sleeps until 30 s and exits.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char path[4096];
	struct stat st;

	if (argc != 2)
		errx(2, "usage: daemon DIR");
	pid_t pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid > 0)
		return 0;
	setsid();
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid > 0)
		_exit(0);
	int nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
	snprintf(path, sizeof(path), "%s/pid.tmp", argv[1]);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		_exit(1);
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	char final[4096];
	snprintf(final, sizeof(final), "%s/pid", argv[1]);
	rename(path, final);
	snprintf(path, sizeof(path), "%s/early", argv[1]);
	stat(path, &st);
	sleep(3);
	/* lots of events with nobody reading: must not block */
	for (int i = 0; i < 100000; i++)
		stat(path, &st);
	snprintf(path, sizeof(path), "%s/after", argv[1]);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	sleep(27);
	return 0;
}
