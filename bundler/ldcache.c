/*
 * ld.so.cache parser.  Layout (glibc sysdeps/generic/dl-cache.h):
 *   [old block: "ld.so-1.7.0", nlibs, nlibs * {flags, key, value}]
 *   new header (48 bytes): "glibc-ld.so.cache" "1.1" nlibs len_strings
 *       flags(endianness) pad[3] extension_offset unused[3]
 *   nlibs * 24-byte entries {flags, key, value, osversion, hwcap}
 *   strings; extension directory
 * In the new format every string offset, and the extension offset, is
 * relative to the start of the new header.  Fields are read with memcpy:
 * nothing in a file we did not write is assumed aligned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "ldcache.h"

#define OLD_MAGIC "ld.so-1.7.0"
#define NEW_MAGIC "glibc-ld.so.cache"
#define NEW_VERSION "1.1"
#define NEW_HDR 48
#define NEW_ENTRY 24
#define OLD_ENTRY 12
#define EXT_MAGIC 0xeaa42174U
#define EXT_TAG_HWCAPS 1
#define HWCAP_EXTENSION (1ULL << 62)
#define MAX_HWCAPS_NAMES 1024

static uint32_t
rd32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t
rd64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* NUL-terminated string at base+off inside [base, base+len), or NULL. */
static const char *
str_at(const char *base, size_t len, uint64_t off)
{
	if (off >= len)
		return NULL;
	if (memchr(base + off, '\0', len - off) == NULL)
		return NULL;
	return base + off;
}

/* Read the glibc-hwcaps names of the extension directory. */
static int
parse_extensions(const char *base, size_t len, uint32_t extoff, const char ***names, size_t *nnames)
{
	*names = NULL;
	*nnames = 0;
	if (extoff == 0)
		return 0;
	if (extoff % 4 != 0 || extoff > len || len - extoff < 8)
		return -1;
	if (rd32(base + extoff) != EXT_MAGIC)
		return -1;
	uint32_t count = rd32(base + extoff + 4);
	if (count > (len - extoff - 8) / 16)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		const char *s = base + extoff + 8 + (size_t)i * 16;
		uint32_t tag = rd32(s), off = rd32(s + 8), size = rd32(s + 12);

		if (tag != EXT_TAG_HWCAPS)
			continue;
		if (off > len || size > len - off || size % 4 != 0 || size / 4 > MAX_HWCAPS_NAMES)
			return -1;
		const char **v = calloc(size / 4 + 1, sizeof(*v));
		if (v == NULL)
			return -1;
		for (uint32_t j = 0; j < size / 4; j++) {
			v[j] = str_at(base, len, rd32(base + off + j * 4));
			if (v[j] == NULL) {
				free(v);
				return -1;
			}
		}
		*names = v;
		*nnames = size / 4;
		return 0;
	}
	return 0;
}

int
ldcache_parse(const void *data, size_t len, const char *name, struct ldcache *c, char *err,
    size_t errlen)
{
	const char *base;
	size_t blen, start = 0;
	const char **hw = NULL;
	size_t nhw = 0;

	memset(c, 0, sizeof(*c));
	if (len > LDCACHE_MAX_SIZE) {
		errbuf_set(err, errlen, name, "larger than %lu bytes", LDCACHE_MAX_SIZE);
		return -1;
	}
	if ((c->buf = malloc(len + 1)) == NULL) {
		errbuf_set(err, errlen, name, "%s", strerror(errno));
		return -1;
	}
	if (len > 0)
		memcpy(c->buf, data, len);
	c->buf[len] = '\0';
	c->len = len;

	if (len >= 16 && memcmp(c->buf, OLD_MAGIC, sizeof(OLD_MAGIC) - 1) == 0) {
		uint64_t oldn = rd32(c->buf + 12);
		uint64_t end = 16 + oldn * OLD_ENTRY;

		/* The new header follows, aligned for its uint64 field. */
		end = (end + 7) & ~(uint64_t)7;
		if (end > len) {
			errbuf_set(err, errlen, name, "old-format block runs past the end");
			goto bad;
		}
		start = (size_t)end;
	}
	base = c->buf + start;
	blen = len - start;
	if (blen < NEW_HDR || memcmp(base, NEW_MAGIC, sizeof(NEW_MAGIC) - 1) != 0 ||
	    memcmp(base + sizeof(NEW_MAGIC) - 1, NEW_VERSION, sizeof(NEW_VERSION) - 1) != 0) {
		errbuf_set(err, errlen, name, "not a %s%s file", NEW_MAGIC, NEW_VERSION);
		goto bad;
	}
	uint32_t nlibs = rd32(base + 20);
	unsigned char endian = (unsigned char)base[28] & 3;
	uint32_t extoff = rd32(base + 32);
	/* 0: unset (old ldconfig), 2: little, 3: big. */
	unsigned char want = (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) ? 2 : 3;
	if (endian != 0 && endian != want) {
		errbuf_set(err, errlen, name, "written for the other byte order");
		goto bad;
	}
	if (nlibs > (blen - NEW_HDR) / NEW_ENTRY) {
		errbuf_set(err, errlen, name, "%u entries do not fit in %zu bytes", nlibs, blen);
		goto bad;
	}
	if (parse_extensions(base, blen, extoff, &hw, &nhw) == -1) {
		errbuf_set(err, errlen, name, "corrupt extension directory");
		goto bad;
	}
	if ((c->v = calloc(nlibs > 0 ? nlibs : 1, sizeof(*c->v))) == NULL) {
		errbuf_set(err, errlen, name, "%s", strerror(errno));
		goto bad;
	}
	for (uint32_t i = 0; i < nlibs; i++) {
		const char *p = base + NEW_HDR + (size_t)i * NEW_ENTRY;
		struct ldcache_entry *e = &c->v[c->n];
		uint64_t hwcap = rd64(p + 16);

		e->flags = rd32(p);
		e->name = str_at(base, blen, rd32(p + 4));
		e->path = str_at(base, blen, rd32(p + 8));
		if (e->name == NULL || e->path == NULL) {
			errbuf_set(err, errlen, name, "entry %u: string offset out of bounds", i);
			goto bad;
		}
		if ((hwcap >> 32) == (HWCAP_EXTENSION >> 32)) {
			uint32_t idx = (uint32_t)hwcap;

			if (idx >= nhw) {
				errbuf_set(err, errlen, name,
				    "entry %u: glibc-hwcaps index %u out of "
				    "range",
				    i, idx);
				goto bad;
			}
			e->hwcaps = hw[idx];
		} else if (hwcap != 0) {
			e->legacy_hwcap = 1;
		}
		c->n++;
	}
	free(hw);
	return 0;
bad:
	free(hw);
	ldcache_free(c);
	return -1;
}

int
ldcache_load(const char *path, struct ldcache *c, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		errbuf_set(err, errlen, path, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		errbuf_set(err, errlen, path, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, path, "not a regular file");
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > LDCACHE_MAX_SIZE) {
		errbuf_set(err, errlen, path, "larger than %lu bytes", LDCACHE_MAX_SIZE);
		close(fd);
		return -1;
	}
	size_t cap = (size_t)st.st_size;
	if ((buf = malloc(cap > 0 ? cap : 1)) == NULL) {
		errbuf_set(err, errlen, path, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	/* Never read past the size we sized the buffer for, even if the
	 * file grows under us. */
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			errbuf_set(err, errlen, path, "%s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	rc = ldcache_parse(buf, got, path, c, err, errlen);
	free(buf);
	return rc;
}

void
ldcache_free(struct ldcache *c)
{
	free(c->buf);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

uint32_t
ldcache_arch_flags(unsigned char elfclass, unsigned int machine, unsigned int e_flags_abi)
{
	(void)e_flags_abi;
	/* glibc sysdeps/generic/ldconfig.h FLAG_* values. */
	switch (machine) {
	case 62: /* EM_X86_64 */
		return elfclass == 2 ? 0x0303 : 0x0803;
	case 3: /* EM_386 */
		return 0x0003;
	case 183: /* EM_AARCH64 */
		return elfclass == 2 ? 0x0a03 : 0;
	case 22: /* EM_S390 */
		return elfclass == 2 ? 0x0403 : 0x0003;
	case 21: /* EM_PPC64 */
		return 0x0503;
	default:
		return 0;
	}
}
