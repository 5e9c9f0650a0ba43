/*
 * Fuzz target: the single-file bundle's archive (common/pack.c), fed
 * any bytes as the uncompressed record stream, extracted into a fresh
 * directory inside another, handed out a few bytes at a time.  Whatever
 * happens, nothing may appear beside that directory (no record escapes
 * it), and it must be removable.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct memsrc {
	struct sb_pack_src src;
	const unsigned char *p;
	size_t n, off, step;
};

static long
memnext(struct sb_pack_src *s, const unsigned char **p, size_t max, char *err, size_t errlen)
{
	struct memsrc *m = (struct memsrc *)s;
	size_t k = m->n - m->off;

	m->step = m->step % 61 + 1;
	if (k > m->step)
		k = m->step;
	if (k > max)
		k = max;
	*p = m->p + m->off;
	m->off += k;
	return (long)k;
}

/* The names in dirfd, as one string. */
static void
names(int dirfd, char *out, size_t len)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	out[0] = '\0';
	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			strlcat(out, e->d_name, len), strlcat(out, " ", len);
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char box[] = "/tmp/sbfuzz-pack.XXXXXX", err[1024], seen[4096];
	struct memsrc m = { .src.next = memnext, .p = data, .n = size };
	struct sb_pack_result res;

	if (mkdtemp(box) == NULL)
		abort();
	int boxfd = open(box, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (boxfd < 0 || mkdirat(boxfd, "x", 0700) < 0)
		abort();
	int fd = openat(boxfd, "x", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	sb_pack_unpack(&m.src, fd, &res, err, sizeof err);
	close(fd);
	names(boxfd, seen, sizeof seen);
	if (strcmp(seen, "x ") != 0) {
		fprintf(stderr, "made beside the extraction: %s\n", seen);
		abort();
	}
	if (sb_pack_rmtree(boxfd, "x") < 0) {
		perror("rmtree");
		abort();
	}
	close(boxfd);
	if (rmdir(box) < 0)
		abort();
	return 0;
}
