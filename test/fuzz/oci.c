/*
 * Fuzz target: bundler/oci.c, an image's documents (index.json, nested
 * indexes, manifests, configs, a docker archive's manifest.json) read
 * and checked through oci_open, as an oci-archive or a docker-archive
 * made from the input.  The fuzzer cannot compute SHA-256, so the
 * documents name each other by placeholders this target fills in.
 *
 * Input: a first line "oci[:TAG]" or "docker[:REF]", then documents
 * separated by lines "--".  Document 0 is index.json (oci) or
 * manifest.json (docker); documents 1 to 9 are blobs, stored as
 * blobs/sha256/HEX (and, in a docker archive, as HEX.json too).  In
 * document i, "<dN>" becomes "sha256:HEX" of document N, "<hN>" its
 * HEX and "<sN>" its size, for N > i (so they are filled from the last
 * document up).
 *
 * What an image that opens must be: digests and sizes that are those of
 * the documents read, a config that is exactly the blob its digest
 * names, documents that are JSON read alike by SQLite and Go
 * (jsonref.h), a manifest.json that is a JSON array, layers named by
 * well-formed digests, each read back no further than its descriptor
 * says.
 */
#include <errno.h>
#include <sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonref.h"
#include "oci.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "oci fuzz: " __VA_ARGS__);                                         \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

#define NDOCS 10
#define SEP "\n--\n"

struct doc {
	const char *raw; /* in the input */
	size_t rawlen;
	char *text; /* placeholders filled */
	size_t len;
	char hex[65];
};

struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		if ((b->p = realloc(b->p, cap)) == NULL)
			abort();
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* A ustar member: a regular file of n bytes. */
static void
tar_file(struct buf *b, const char *name, const void *p, size_t n)
{
	char h[512] = { 0 };
	unsigned sum = 0;

	memcpy(h, name, strnlen(name, 99));
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011zo", n);
	snprintf(h + 136, 12, "%011o", 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < sizeof h; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	put(b, h, sizeof h);
	put(b, p, n);
	static const char zero[512];
	put(b, zero, (512 - n % 512) % 512);
}

static void
sha_hex(const void *p, size_t n, char hex[65])
{
	SHA2_CTX c;

	SHA256Init(&c);
	SHA256Update(&c, p, n);
	SHA256End(&c, hex);
}

/* Document i's text with the placeholders of documents after it. */
static void
fill(struct doc *d, int i, int n)
{
	struct buf b = { 0 };
	const char *s = d[i].raw, *end = s + d[i].rawlen;

	while (s < end) {
		int k = end - s >= 4 && s[0] == '<' && s[3] == '>' && s[2] >= '1' && s[2] <= '9'
		    ? s[2] - '0'
		    : 0;
		if (k > i && k < n && (s[1] == 'd' || s[1] == 'h' || s[1] == 's')) {
			char v[80];
			if (s[1] == 'd')
				snprintf(v, sizeof v, "sha256:%s", d[k].hex);
			else if (s[1] == 'h')
				snprintf(v, sizeof v, "%s", d[k].hex);
			else
				snprintf(v, sizeof v, "%zu", d[k].len);
			put(&b, v, strlen(v));
			s += 4;
		} else {
			put(&b, s++, 1);
		}
	}
	put(&b, "", 1);
	d[i].text = b.p;
	d[i].len = b.len - 1;
	sha_hex(d[i].text, d[i].len, d[i].hex);
}

static const struct doc *
by_hex(const struct doc *d, int n, const char *hex)
{
	for (int i = 1; i < n; i++)
		if (strcmp(d[i].hex, hex) == 0)
			return &d[i];
	return NULL;
}

static int
is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* A document the image was made of: JSON of the kind wanted, read
 * alike by SQLite and Go. */
static void
check_json(const char *what, const char *text, size_t len, enum jr_type want)
{
	struct jr *v;
	int r = jr_parse(text, len, &v);

	if (r < 0)
		return;
	if (r == 0 || v->type != want || jr_sqlite_dup(v) || jr_go_conflict(v, 0))
		FAIL("%s accepted: %s: %.*s", what,
		    r == 0		  ? "not JSON"
			: v->type != want ? "not of its kind"
					  : "SQLite and Go would read it differently",
		    (int)(len < 300 ? len : 300), text);
	jr_free(v);
}

static void
check_image(struct oci_image *im, const struct doc *d, int n, int docker)
{
	char err[1024];
	const struct doc *c;

	if (strncmp(im->digest, "sha256:", 7) != 0 || !is_hex64(im->digest + 7) ||
	    strncmp(im->config_digest, "sha256:", 7) != 0 || !is_hex64(im->config_digest + 7))
		FAIL("digests %s, %s", im->digest, im->config_digest);
	/* the config is exactly a blob of the archive, the one named */
	if ((c = by_hex(d, n, im->config_digest + 7)) == NULL || c->len != strlen(im->config) ||
	    memcmp(c->text, im->config, c->len) != 0)
		FAIL("the config is not the blob %s", im->config_digest);
	check_json("the config", im->config, strlen(im->config), JR_OBJ);
	if (docker) {
		check_json("manifest.json", d[0].text, d[0].len, JR_ARR);
	} else {
		const struct doc *m = by_hex(d, n, im->digest + 7);
		if (m == NULL)
			FAIL("the manifest %s is no blob of the archive", im->digest);
		check_json("index.json", d[0].text, d[0].len, JR_OBJ);
		check_json("the manifest", m->text, m->len, JR_OBJ);
	}
	for (size_t i = 0; i < im->nlayers; i++) {
		struct oci_layer *l = &im->layers[i];
		if (l->name == NULL || !is_hex64(l->diff_id) ||
		    (!docker && (l->digest == NULL || l->size == UINT64_MAX)) ||
		    (l->digest != NULL && !is_hex64(l->digest)))
			FAIL("layer %zu: name %s, digest %s", i, l->name ? l->name : "-",
			    l->digest ? l->digest : "-");
		if (i >= 4)
			continue;
		struct blob b;
		if (oci_layer_open(im, i, &b, err, sizeof err) < 0)
			continue;
		int rc = oci_layer_verify(im, i, &b, err, sizeof err);
		blob_close(&b);
		/* what verifies is a blob of the archive, of its size */
		const struct doc *x = l->digest ? by_hex(d, n, l->digest) : NULL;
		if (rc == 0 && l->digest != NULL &&
		    (x == NULL || (l->size != UINT64_MAX && x->len != l->size)))
			FAIL("layer %zu verified: %s, %llu bytes", i, l->digest,
			    (unsigned long long)l->size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc d[NDOCS];
	struct buf tar = { 0 };
	char path[PATH_MAX + 16], ref[PATH_MAX + 600], err[2048];
	const char *s = (const char *)data, *end = s + size;
	const char *nl = memchr(s, '\n', size);
	int n = 0;

	if (nl == NULL || nl - s > 256)
		return 0;
	/* the header: transport and tag */
	int docker = nl - s >= 6 && memcmp(s, "docker", 6) == 0;
	const char *tag = s + (docker ? 6 : 3);
	if (!docker && !(nl - s >= 3 && memcmp(s, "oci", 3) == 0))
		return 0;
	if (tag < nl && *tag != ':')
		return 0;
	if (memchr(s, '\0', (size_t)(nl - s)) != NULL)
		return 0;
	for (s = nl + 1; n < NDOCS; n++) {
		const char *sep = memmem(s, (size_t)(end - s), SEP, strlen(SEP));
		d[n].raw = s;
		d[n].rawlen = sep ? (size_t)(sep - s) : (size_t)(end - s);
		if (sep == NULL) {
			n++;
			break;
		}
		s = sep + strlen(SEP);
	}
	for (int i = n - 1; i >= 0; i--)
		fill(d, i, n);

	if (docker)
		tar_file(&tar, "manifest.json", d[0].text, d[0].len);
	else {
		static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
		tar_file(&tar, "oci-layout", layout, strlen(layout));
		tar_file(&tar, "index.json", d[0].text, d[0].len);
	}
	for (int i = 1; i < n; i++) {
		char name[128];
		/* a blob twice is stored once: the same name twice is refused */
		if (by_hex(d, i, d[i].hex) != NULL)
			continue;
		snprintf(name, sizeof name, "blobs/sha256/%s", d[i].hex);
		tar_file(&tar, name, d[i].text, d[i].len);
		if (docker) {
			snprintf(name, sizeof name, "%s.json", d[i].hex);
			tar_file(&tar, name, d[i].text, d[i].len);
		}
	}
	static const char zero[1024];
	put(&tar, zero, sizeof zero);
	snprintf(path, sizeof path, "%s/image.tar", scratch("oci"));
	scratch_write(path, tar.p, tar.len);
	free(tar.p);

	snprintf(ref, sizeof ref, "%s:%s%.*s", docker ? "docker-archive" : "oci-archive", path,
	    (int)(nl - tag), tag);
	struct oci_image im;
	if (oci_open(&im, ref, err, sizeof err) == 0) {
		check_image(&im, d, n, docker);
		oci_close(&im);
	} else if (err[0] == '\0') {
		FAIL("refused without a word");
	}
	for (int i = 0; i < n; i++)
		free(d[i].text);
	return 0;
}
