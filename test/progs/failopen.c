/*
 * failopen: calls that fail, each checked to fail exactly as untraced:
 * open of a missing file (ENOENT), open below a regular file (ENOTDIR),
 * fopen of a missing file, stat of a missing file.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

int
main(void)
{
	struct stat st;

	errno = 0;
	if (open("/nonexistent/sbtest/missing", O_RDONLY) != -1 || errno != ENOENT)
		errx(1, "open: errno %d, not ENOENT", errno);
	errno = 0;
	if (open("/etc/passwd/sbtest", O_RDONLY) != -1 || errno != ENOTDIR)
		errx(1, "open: errno %d, not ENOTDIR", errno);
	errno = 0;
	if (fopen("/nonexistent/sbtest/fopen", "r") != NULL || errno != ENOENT)
		errx(1, "fopen: errno %d, not ENOENT", errno);
	errno = 0;
	if (stat("/nonexistent/sbtest/stat", &st) != -1 || errno != ENOENT)
		errx(1, "stat: errno %d, not ENOENT", errno);
	return 0;
}
