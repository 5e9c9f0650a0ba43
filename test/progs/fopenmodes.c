/*
 * fopenmodes MODE PATH [MODE PATH]...: fopen(3) each PATH with its MODE
 * ("r", "r+", "w+", "a+", ...) and close it, reading and writing
 * nothing, so that what the trace says about each file comes from the
 * open alone.  Exits 1 at the first fopen that fails.
 */
#include <err.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	FILE *f;

	if (argc < 3 || argc % 2 != 1)
		errx(2, "usage: fopenmodes MODE PATH [MODE PATH]...");
	for (int i = 1; i + 1 < argc; i += 2) {
		if ((f = fopen(argv[i + 1], argv[i])) == NULL)
			err(1, "fopen %s %s", argv[i], argv[i + 1]);
		if (fclose(f) == EOF)
			err(1, "fclose %s", argv[i + 1]);
	}
	return 0;
}
