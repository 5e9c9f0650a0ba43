/*
 * closefds METHOD FILE [exec]: close every fd, including 0-2, with
 * METHOD (close_range, closefrom or loop), then open FILE, which must get
 * fd 0 as it would untraced.  With "exec", then exec /bin/cat FILE
 * (output to /dev/null).
 */
#include <err.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 3)
		errx(2, "usage: closefds close_range|closefrom|loop FILE [exec]");
	const char *how = argv[1], *file = argv[2];
	int fd;

	if (strcmp(how, "close_range") == 0) {
		if (close_range(0, ~0U, 0) < 0)
			return 10;
	} else if (strcmp(how, "closefrom") == 0) {
		closefrom(0);
	} else if (strcmp(how, "loop") == 0) {
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return 11;
		for (rlim_t i = 0; i < rl.rlim_cur; i++)
			close((int)i);
	} else
		errx(2, "unknown method %s", how);

	/* stderr is gone: report by exit status only */
	fd = open(file, O_RDONLY);
	if (fd < 0)
		return 12;
	if (fd != 0)
		return 13;
	if (argc > 3 && strcmp(argv[3], "exec") == 0) {
		/* stdout and stderr to /dev/null so cat can write */
		if (open("/dev/null", O_WRONLY) != 1 || dup(1) != 2)
			return 15;
		execl("/bin/cat", "cat", file, (char *)NULL);
		return 14;
	}
	return 0;
}
