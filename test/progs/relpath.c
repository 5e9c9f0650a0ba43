/*
 * relpath DIR: chdir(DIR), then open relative names, with openat on a
 * directory fd, and after fchdir.  Expects DIR/sub/{a,b,c,d} to exist.
 *   open("sub/a")                       -> DIR/sub/a
 *   openat(dfd of "sub", "b")           -> DIR/sub/b
 *   openat(dfd, "../sub/./c")           -> DIR/sub/c
 *   fchdir(dfd); open("d")              -> DIR/sub/d
 *   chdir(".."); stat("sub//a/")        -> DIR/sub/a (ENOTDIR)
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct stat st;
	int fd, dfd;

	if (argc != 2)
		errx(2, "usage: relpath DIR");
	if (chdir(argv[1]) < 0)
		err(1, "chdir %s", argv[1]);
	if ((fd = open("sub/a", O_RDONLY)) < 0)
		err(1, "sub/a");
	close(fd);
	if ((dfd = open("sub", O_RDONLY | O_DIRECTORY)) < 0)
		err(1, "sub");
	if ((fd = openat(dfd, "b", O_RDONLY)) < 0)
		err(1, "b");
	close(fd);
	if ((fd = openat(dfd, "../sub/./c", O_RDONLY)) < 0)
		err(1, "../sub/./c");
	close(fd);
	if (fchdir(dfd) < 0)
		err(1, "fchdir");
	if ((fd = open("d", O_RDONLY)) < 0)
		err(1, "d");
	close(fd);
	if (chdir("..") < 0)
		err(1, "chdir ..");
	if (stat("sub//a/", &st) == 0 || errno != ENOTDIR)
		errx(1, "stat sub//a/ did not fail with ENOTDIR");
	return 0;
}
