/*
 * looper DIR [threads|fork]: a process to attach to (t_attach*.sh).
 * Until DIR/stop exists it opens DIR/probe (missing: ENOENT) every
 * 10 ms; with "threads" a second thread opens DIR/thread-probe the
 * same way; with "fork", once DIR/fork exists, each round forks a
 * child that opens DIR/child-probe and execs /bin/true, and is waited
 * for.  It writes its pid to DIR/pid (by a rename, so a reader never
 * sees it half written) once it runs, and, when it sees DIR/stop,
 * opens DIR/after, writes DIR/done and exits 3.  It exits 4 if DIR
 * goes away: a test that failed half way leaves nothing running.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void
path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int
exists(const char *name)
{
	char p[4096];
	struct stat st;

	path(p, sizeof(p), name);
	return stat(p, &st) == 0;
}

/* open and close DIR/name; that it is missing is the point */
static void
probe(const char *name)
{
	char p[4096];
	int fd;

	path(p, sizeof(p), name);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0)
		close(fd);
}

static void
nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
put(const char *name, const char *text)
{
	char p[4096], tmp[4096 + 8];
	FILE *f;

	path(p, sizeof(p), name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if ((f = fopen(tmp, "w")) == NULL || fputs(text, f) == EOF || fclose(f) == EOF ||
	    rename(tmp, p) == -1) {
		perror(p);
		exit(1);
	}
}

static void *
thread_main(void *arg)
{
	(void)arg;
	for (;;) {
		probe("thread-probe");
		nap();
	}
	return NULL;
}

static void
fork_round(void)
{
	pid_t pid = fork();
	int status;

	if (pid == -1) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		probe("child-probe");
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[2] : "";
	char pid[32];
	pthread_t th;
	int forked = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: looper DIR [threads|fork]\n");
		return 2;
	}
	dir = argv[1];
	if (strcmp(mode, "threads") == 0 && pthread_create(&th, NULL, thread_main, NULL) != 0) {
		perror("pthread_create");
		return 1;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	put("pid", pid);
	while (!exists("stop")) {
		if (!exists("."))
			return 4;
		probe("probe");
		if (strcmp(mode, "fork") == 0 && !forked && exists("fork")) {
			fork_round();
			forked = 1;
		}
		nap();
	}
	probe("after");
	put("done", "done\n");
	return 3;
}
