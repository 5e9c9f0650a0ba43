/*
 * fortify FILE: open FILE with flags the compiler cannot see, built with
 * _FORTIFY_SOURCE=2 so the call goes to __open_2 (and openat to
 * __openat_2): wrappers that only cover open() miss these.
 */
#undef _FORTIFY_SOURCE
#define _FORTIFY_SOURCE 2
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc != 3)
		errx(2, "usage: fortify FILE FLAGS");
	int flags = atoi(argv[2]);
	int fd = open(argv[1], flags);
	if (fd < 0)
		err(1, "open");
	close(fd);
	fd = openat(AT_FDCWD, argv[1], flags);
	if (fd < 0)
		err(1, "openat");
	close(fd);
	return 0;
}
