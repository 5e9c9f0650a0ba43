/*
 * Fuzz target: the manifest.lock reader, fed any bytes (a bundle is a
 * plain directory anyone may have edited).  Whatever parses must also
 * survive a round trip through the writer and parse again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m, m2;
	char err[512];

	if (manifest_parse(&m, (const char *)data, size, err, sizeof err) < 0)
		return 0;
	int fd = memfd_create("manifest", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (manifest_write(&m, fd) < 0)
		abort();
	off_t len = lseek(fd, 0, SEEK_CUR);
	char *buf = malloc((size_t)len + 1);
	if (buf == NULL || pread(fd, buf, (size_t)len, 0) != len)
		abort();
	if (manifest_parse(&m2, buf, (size_t)len, err, sizeof err) < 0) {
		fprintf(stderr, "round trip failed: %s\n", err);
		abort();
	}
	manifest_free(&m2);
	manifest_free(&m);
	free(buf);
	close(fd);
	return 0;
}
