/*
 * writes DIR: one of each write-side call under DIR:
 * mkdir d; open(f, O_CREAT); creat(g); rename f -> d/f; link d/f -> h;
 * symlink target -> s; truncate h; unlink h; renameat2 g -> g2; remove g2;
 * unlinkat(s); rmdir after emptying d.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc != 2)
		errx(2, "usage: writes DIR");
	if (chdir(argv[1]) < 0)
		err(1, "chdir");
	if (mkdir("d", 0755) < 0)
		err(1, "mkdir");
	int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		err(1, "open f");
	close(fd);
	if ((fd = creat("g", 0644)) < 0)
		err(1, "creat");
	close(fd);
	if (rename("f", "d/f") < 0)
		err(1, "rename");
	if (link("d/f", "h") < 0)
		err(1, "link");
	if (symlink("target", "s") < 0)
		err(1, "symlink");
	if (truncate("h", 0) < 0)
		err(1, "truncate");
	if (unlink("h") < 0)
		err(1, "unlink");
	if (renameat2(AT_FDCWD, "g", AT_FDCWD, "g2", RENAME_NOREPLACE) < 0)
		err(1, "renameat2");
	if (remove("g2") < 0)
		err(1, "remove");
	if (unlinkat(AT_FDCWD, "s", 0) < 0)
		err(1, "unlinkat");
	if (unlink("d/f") < 0)
		err(1, "unlink d/f");
	if (rmdir("d") < 0)
		err(1, "rmdir");
	return 0;
}
