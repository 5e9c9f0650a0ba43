/*
 * Fuzz target: the one manifest.lock reader, fed any bytes (a bundle is
 * a plain directory anyone may have edited), both ways it is used: the
 * whole file (verify) and the header only, read in chunks from a file
 * (the launcher).  Whatever parses whole must survive a round trip
 * through the writer, and its header must read the same both ways.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_strv(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* The header fields of a and b agree. */
static int
same_header(const struct manifest *a, const struct manifest *b)
{
	if (strcmp(a->name, b->name) != 0 || strcmp(a->run_mode, b->run_mode) != 0 ||
	    !same_strv(a->env, a->nenv, b->env, b->nenv) ||
	    !same_strv(a->libdirs, a->nlibdirs, b->libdirs, b->nlibdirs) ||
	    a->nentries != b->nentries || a->nbins != b->nbins)
		return 0;
	for (size_t i = 0; i < a->nbins; i++) {
		const struct mf_bin *x = &a->bins[i], *y = &b->bins[i];
		if (strcmp(x->name, y->name) != 0 || x->mode != y->mode || x->size != y->size ||
		    strcmp(x->sha, y->sha) != 0)
			return 0;
	}
	for (size_t i = 0; i < a->nentries; i++) {
		const struct mf_entry *x = &a->entries[i], *y = &b->entries[i];
		if (strcmp(x->name, y->name) != 0 || strcmp(x->path, y->path) != 0 ||
		    strcmp(x->kind, y->kind) != 0 || strcmp(x->interp, y->interp) != 0 ||
		    !same_strv(x->args, x->nargs, y->args, y->nargs))
			return 0;
	}
	return 1;
}

static int
memfd_of(const void *p, size_t n)
{
	int fd = memfd_create("manifest", MFD_CLOEXEC);

	if (fd < 0 || (n > 0 && write(fd, p, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m, m2, h;
	char err[512];
	int fd = memfd_of(data, size);
	int hrc = manifest_read_fd(&h, fd, MF_HEADER, err, sizeof err);

	close(fd);
	if (manifest_parse(&m, (const char *)data, size, MF_ALL, err, sizeof err) < 0) {
		manifest_free(&h);
		return 0;
	}
	/* a file verify accepts, the launcher accepts too, and alike */
	if (hrc < 0 || !same_header(&m, &h)) {
		fprintf(stderr, "header read disagrees: %s\n", hrc < 0 ? err : "fields differ");
		abort();
	}
	manifest_free(&h);
	fd = memfd_create("manifest", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (manifest_write(&m, fd) < 0)
		abort();
	off_t len = lseek(fd, 0, SEEK_CUR);
	char *buf = malloc((size_t)len + 1);
	if (buf == NULL || pread(fd, buf, (size_t)len, 0) != len)
		abort();
	if (manifest_parse(&m2, buf, (size_t)len, MF_ALL, err, sizeof err) < 0) {
		fprintf(stderr, "round trip failed: %s\n", err);
		abort();
	}
	manifest_free(&m2);
	manifest_free(&m);
	free(buf);
	close(fd);
	return 0;
}
