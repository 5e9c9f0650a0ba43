/*
 * dup2fds FILE: dup2 /dev/null onto every fd from 3 to the soft
 * RLIMIT_NOFILE - 1 (each must return the fd asked for and then refer to
 * /dev/null), close them all again, then open FILE.
 */
#include <err.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rlimit rl;
	struct stat null_st, st;

	if (argc != 2)
		errx(2, "usage: dup2fds FILE");
	int nul = open("/dev/null", O_RDONLY);
	if (nul < 0 || fstat(nul, &null_st) < 0)
		err(1, "/dev/null");
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		err(1, "getrlimit");
	int top = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
	for (int fd = 3; fd < top; fd++) {
		if (fd == nul)
			continue;
		int r = dup2(nul, fd);
		if (r != fd)
			err(1, "dup2(%d, %d) returned %d", nul, fd, r);
		if (fstat(fd, &st) < 0 || st.st_ino != null_st.st_ino ||
		    st.st_dev != null_st.st_dev)
			errx(1, "fd %d is not /dev/null after dup2", fd);
	}
	/* and dup3 onto the top one */
	if (dup3(nul, top - 1, O_CLOEXEC) != top - 1)
		err(1, "dup3");
	for (int fd = 3; fd < top; fd++)
		close(fd);
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		err(1, "open %s", argv[1]);
	if (fd != 3)
		errx(1, "open returned fd %d, not 3", fd);
	return 0;
}
