/*
 * dirfd_reuse DIR: fstatat relative to a directory fd whose number is
 * then reused, the ways a program reuses one: closed and opened again on
 * another directory, dup2'd over, and held by two threads at once.  The
 * library keeps the paths of directory fds; each call must still be
 * recorded under the directory the fd names at that moment.
 */
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *top;

static int
open_dir(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", top, name);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", path);
	return fd;
}

static void
stat_in(int fd, const char *name)
{
	struct stat st;

	if (fstatat(fd, name, &st, 0) == -1)
		err(1, "fstatat %s", name);
}

static void *
walker(void *arg)
{
	const char *name = arg;

	for (int i = 0; i < 200; i++) {
		int fd = open_dir(name);
		stat_in(fd, "f");
		close(fd);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t[2];

	if (argc != 2)
		errx(2, "usage: dirfd_reuse DIR");
	top = argv[1];

	int a = open_dir("a");
	stat_in(a, "in-a");
	close(a);
	int b = open_dir("b");
	if (b != a)
		errx(1, "fd %d not reused (got %d)", a, b);
	stat_in(b, "in-b");

	int c = open_dir("c");
	if (dup2(c, b) == -1)
		err(1, "dup2");
	stat_in(b, "in-c");
	close(c);
	close(b);

	if (pthread_create(&t[0], NULL, walker, "d") != 0 ||
	    pthread_create(&t[1], NULL, walker, "e") != 0)
		errx(1, "pthread_create");
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return 0;
}
