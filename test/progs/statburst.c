/*
 * statburst DIR NPROC TOTAL DISTINCT: start NPROC worker processes
 * (fork + exec of this program) that together make exactly TOTAL stat
 * calls under DIR: worker w makes DISTINCT calls on distinct missing paths
 * DIR/w<w>-<i> and the rest of its share on DIR/same.  Exits 0 when all
 * workers did.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
worker(const char *dir, int w, long calls, long distinct)
{
	char path[4096], same[4096];
	struct stat st;

	snprintf(same, sizeof(same), "%s/same", dir);
	for (long i = 0; i < calls; i++) {
		if (i < distinct) {
			snprintf(path, sizeof(path), "%s/w%d-%ld", dir, w, i);
			stat(path, &st);
		} else {
			stat(same, &st);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "worker") == 0)
		return worker(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]));
	if (argc != 5)
		errx(2, "usage: statburst DIR NPROC TOTAL DISTINCT");
	int nproc = atoi(argv[2]);
	long total = atol(argv[3]), distinct = atol(argv[4]);
	pid_t pids[64];
	if (nproc < 1 || nproc > 64)
		errx(2, "NPROC must be 1..64");
	for (int w = 0; w < nproc; w++) {
		long share = total / nproc + (w < total % nproc ? 1 : 0);
		char ws[16], cs[32], ds[32];
		snprintf(ws, sizeof(ws), "%d", w);
		snprintf(cs, sizeof(cs), "%ld", share);
		snprintf(ds, sizeof(ds), "%ld", distinct < share ? distinct : share);
		pids[w] = fork();
		if (pids[w] < 0)
			err(1, "fork");
		if (pids[w] == 0) {
			execl("/proc/self/exe", "statburst", "worker", argv[1], ws,
			    cs, ds, (char *)NULL);
			_exit(127);
		}
	}
	int bad = 0, st;
	for (int w = 0; w < nproc; w++)
		if (waitpid(pids[w], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			bad = 1;
	return bad;
}
