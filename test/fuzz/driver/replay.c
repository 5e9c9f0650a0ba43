/*
 * Replays a fuzz target's corpus without libFuzzer, so `make check` runs
 * every fuzz target on its seeds (and on any crash reproducer saved
 * there) under ASan and UBSan.  Usage: TARGET [FILE|DIR]...; with no
 * argument, test/fuzz/corpus/<TARGET name>/ under $SB_SRC (or .).
 */
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1 || fstat(fd, &st) == -1) {
		warn("%s", path);
		return 1;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		err(1, "malloc");
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0) {
			warn("read %s", path);
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return 0;
}

static int
replay(const char *path, int *count)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		warn("%s", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	DIR *d = opendir(path);
	if (d == NULL) {
		warn("%s", path);
		return 1;
	}
	int bad = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		bad |= replay(sub, count);
	}
	closedir(d);
	return bad;
}

int
main(int argc, char **argv)
{
	char dir[PATH_MAX];
	int bad = 0, count = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			bad |= replay(argv[i], &count);
	} else {
		const char *src = getenv("SB_SRC");
		const char *name = strrchr(argv[0], '/');
		snprintf(dir, sizeof(dir), "%s/test/fuzz/corpus/%s",
		    src != NULL ? src : ".", name != NULL ? name + 1 : argv[0]);
		bad |= replay(dir, &count);
	}
	printf("%s: %d inputs replayed\n", argv[0], count);
	return bad || count == 0;
}
