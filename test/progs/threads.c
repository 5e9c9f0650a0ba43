/*
 * threads DIR N: 8 threads, each creating and opening N distinct files
 * DIR/t<thread>-<i>.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NTHREADS 8

static const char *dir;
static int per_thread;

static void *
worker(void *arg)
{
	int t = (int)(long)arg;
	char path[4096];

	for (int i = 0; i < per_thread; i++) {
		snprintf(path, sizeof(path), "%s/t%d-%d", dir, t, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			err(1, "open %s", path);
		close(fd);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t th[NTHREADS];

	if (argc != 3)
		errx(2, "usage: threads DIR N");
	dir = argv[1];
	per_thread = atoi(argv[2]);
	for (long i = 0; i < NTHREADS; i++)
		if ((errno = pthread_create(&th[i], NULL, worker, (void *)i)))
			err(1, "pthread_create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	return 0;
}
