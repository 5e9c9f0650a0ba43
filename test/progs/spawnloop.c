/*
 * spawnloop N PROG [ARG...]: start PROG N times, one at a time
 * (posix_spawn, then waitpid), and print the median, 10th and 90th
 * percentile of the microseconds each start took until its exit.  For
 * bench/image: what a process image costs under each way of tracing.
 */
#include <err.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double
now_us(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
		err(1, "clock_gettime");
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	if (argc < 3)
		errx(2, "usage: spawnloop N PROG [ARG...]");
	long n = atol(argv[1]);
	if (n < 1)
		errx(2, "N must be a positive number");
	double *v = calloc((size_t)n, sizeof(*v));
	if (v == NULL)
		err(1, NULL);
	for (long i = 0; i < n; i++) {
		double t0 = now_us();
		pid_t pid;
		int status, e = posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ);
		if (e != 0) {
			errno = e;
			err(1, "%s", argv[2]);
		}
		if (waitpid(pid, &status, 0) == -1)
			err(1, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			errx(1, "%s failed (status %d)", argv[2], status);
		v[i] = now_us() - t0;
	}
	qsort(v, (size_t)n, sizeof(*v), by_value);
	printf("%.1f %.1f %.1f\n", v[n / 2], v[n / 10], v[n * 9 / 10]);
	free(v);
	return 0;
}
