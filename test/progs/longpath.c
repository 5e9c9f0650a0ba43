/*
 * longpath DIR: under DIR build a chain of directories so that the file
 * at the end has an absolute path of exactly 4000 bytes; create it and
 * open it again by that absolute path.  Also create and open DIR/"nl\nname"
 * and DIR/"ff\xffname".  Writes the long path to DIR/longpath.txt.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TARGET 4000

static void
touch_and_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		err(1, "create %.60s...", path);
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		err(1, "open %.60s...", path);
	close(fd);
}

int
main(int argc, char **argv)
{
	char path[TARGET + 1];
	size_t len;

	if (argc != 2)
		errx(2, "usage: longpath DIR");
	len = strlen(argv[1]);
	if (len + 300 > TARGET || argv[1][0] != '/')
		errx(2, "DIR must be absolute and short");
	memcpy(path, argv[1], len + 1);
	/* directories of 200 bytes while at least 200 + 1 + 50 remain */
	while (TARGET - len > 1 + 200 + 1 + 50) {
		path[len++] = '/';
		memset(path + len, 'd', 200);
		len += 200;
		path[len] = '\0';
		if (mkdir(path, 0755) < 0)
			err(1, "mkdir at length %zu", len);
	}
	/* the file name fills the rest */
	path[len++] = '/';
	memset(path + len, 'f', TARGET - len);
	len = TARGET;
	path[len] = '\0';
	touch_and_open(path);

	char other[4096];
	snprintf(other, sizeof(other), "%s/longpath.txt", argv[1]);
	FILE *f = fopen(other, "w");
	if (f == NULL || fwrite(path, 1, len, f) != len || fclose(f) != 0)
		err(1, "%s", other);

	snprintf(other, sizeof(other), "%s/nl\nname", argv[1]);
	touch_and_open(other);
	snprintf(other, sizeof(other), "%s/ff\xffname", argv[1]);
	touch_and_open(other);
	return 0;
}
