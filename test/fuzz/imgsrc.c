/*
 * Fuzz target: bundler/imgsrc.c, the member index of an oci-archive or
 * docker-archive (a tar, perhaps gzip or zstd), fed any bytes (the
 * header checksums made right first: tarfix.h).  The
 * index must hold clean, unique names; a name it says is there must be
 * what reading it returns; what is read (through links between members
 * too) must be the data of the member it leads to, as libarchive reads
 * it straight from the input, never more than the limit asked; and the
 * digest returned is of exactly those bytes.  Then the archive is
 * opened as an image both ways, for whatever oci.c makes of it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgsrc.h"
#include "oci.h"
#include "path.h"
#include "scratch.h"
#include "tarfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "imgsrc fuzz: " __VA_ARGS__);                                      \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

/* Read no member past this. */
#define LIMIT 65536
/* Members looked at, at most. */
#define LOOK 32

/* A member as libarchive reads it from the input, first of its name. */
struct plain {
	char *name;
	char *data;
	size_t len;
	int whole; /* read to its end without error */
};

static char *
cleaned(const char *name)
{
	size_t n;
	char *p = path_normalize("/", 1, name, strlen(name), &n);

	if (p == NULL)
		abort();
	memmove(p, p + 1, n);
	return p;
}

/* The members of the input read straight, the first of each name. */
static size_t
read_plain(const uint8_t *data, size_t size, struct plain *out, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0;
	int rc;

	if (a == NULL || archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK)
		abort();
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		archive_read_free(a);
		return 0;
	}
	while (n < max &&
	    ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN)) {
		const char *name = archive_entry_pathname(e);
		if (name == NULL)
			continue;
		char *c = cleaned(name);
		int seen = c[0] == '\0';
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(out[i].name, c) == 0;
		if (seen) {
			free(c);
			continue;
		}
		struct plain *p = &out[n++];
		p->name = c;
		if ((p->data = malloc(LIMIT + 1)) == NULL)
			abort();
		p->len = 0;
		la_ssize_t r = 0;
		while (p->len <= LIMIT &&
		    (r = archive_read_data(a, p->data + p->len, LIMIT + 1 - p->len)) > 0)
			p->len += (size_t)r;
		p->whole = p->len <= LIMIT && r == 0;
	}
	archive_read_free(a);
	return n;
}

static const struct src_member *
find(const struct imgsrc *s, const char *name)
{
	for (size_t i = 0; i < s->nm; i++)
		if (strcmp(s->m[i].name, name) == 0)
			return &s->m[i];
	return NULL;
}

static int
clean_name(const char *n)
{
	size_t l = strlen(n);

	if (l == 0 || n[0] == '/' || n[l - 1] == '/' || strstr(n, "//") != NULL)
		return 0;
	for (const char *c = n; c != NULL; c = strchr(c, '/')) {
		c += *c == '/';
		size_t k = strcspn(c, "/");
		if ((k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
	}
	return 1;
}

static void
check_index(struct imgsrc *s, const uint8_t *data, size_t size)
{
	struct plain pl[LOOK * 2];
	size_t npl = read_plain(data, size, pl, LOOK * 2);
	char hex[65], mine[65], err[1024];

	for (size_t i = 0; i < s->nm; i++) {
		const struct src_member *m = &s->m[i];
		if (!clean_name(m->name) || m->count < 1 || find(s, m->name) != m ||
		    (m->link != NULL && m->link[0] != '\0' && !clean_name(m->link)))
			FAIL("member %zu: \"%s\" -> \"%s\", count %d", i, m->name,
			    m->link ? m->link : "", m->count);
	}
	for (size_t i = 0; i < s->nm && i < LOOK; i++) {
		const struct src_member *m = &s->m[i], *f = m;
		char *buf;
		size_t len;
		int has = imgsrc_has(s, m->name);
		int rc = imgsrc_slurp(s, m->name, LIMIT, &buf, &len, hex, err, sizeof err);
		if (rc < 0)
			continue;
		if (!has)
			FAIL("%s: read, and not there", m->name);
		/* where its links lead, as the index says */
		for (int hops = 0; f != NULL && f->link != NULL && hops < 16; hops++)
			f = find(s, f->link);
		if (f == NULL || f->link != NULL || !f->regular || f->count != 1)
			FAIL("%s: read, and leads to no single file", m->name);
		SHA256Data((const uint8_t *)buf, len, mine);
		if (len > LIMIT || buf[len] != '\0' || strcmp(hex, mine) != 0)
			FAIL("%s: %zu bytes, digest %s of %s", m->name, len, hex, mine);
		for (size_t k = 0; k < npl; k++) {
			if (strcmp(pl[k].name, f->name) != 0)
				continue;
			if (pl[k].whole && (pl[k].len != len || memcmp(pl[k].data, buf, len) != 0))
				FAIL("%s: %zu bytes read, %s has %zu", m->name, len, f->name,
				    pl[k].len);
		}
		free(buf);
	}
	for (size_t k = 0; k < npl; k++) {
		free(pl[k].name);
		free(pl[k].data);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX + 16], ref[PATH_MAX + 64], err[2048];
	struct imgsrc s;
	struct oci_image im;

	unsigned char *tar = malloc(size + 1);

	if (tar == NULL)
		abort();
	memcpy(tar, data, size);
	tarfix(tar, size);
	snprintf(path, sizeof path, "%s/image.tar", scratch("imgsrc"));
	scratch_write(path, tar, size);
	if (imgsrc_open_archive(&s, path, err, sizeof err) < 0) {
		free(tar);
		return 0;
	}
	check_index(&s, tar, size);
	imgsrc_close(&s);
	free(tar);
	snprintf(ref, sizeof ref, "oci-archive:%s", path);
	if (oci_open(&im, ref, err, sizeof err) == 0)
		oci_close(&im);
	snprintf(ref, sizeof ref, "docker-archive:%s", path);
	if (oci_open(&im, ref, err, sizeof err) == 0)
		oci_close(&im);
	return 0;
}
