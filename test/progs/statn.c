/*
 * statn PATH N [lstat]: call stat (or lstat) on PATH N times.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
main(int argc, char **argv)
{
	struct stat st;

	if (argc < 3)
		errx(2, "usage: statn PATH N [lstat]");
	long n = atol(argv[2]);
	int l = argc > 3 && strcmp(argv[3], "lstat") == 0;
	for (long i = 0; i < n; i++)
		(void)(l ? lstat(argv[1], &st) : stat(argv[1], &st));
	return 0;
}
