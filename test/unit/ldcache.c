/*
 * Unit tests of bundler/ldcache.c: the host's cache, a synthetic cache
 * with a glibc-hwcaps extension, and every kind of broken offset.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ldcache.h"

#include "check.h"

static unsigned char img[1024];
static size_t imglen;

static void
put32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}

static void
put64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

/* Two entries for libfoo.so.1: baseline and x86-64-v3. */
static void
build(void)
{
	size_t base = 48 + 2 * 24, s = base;

	memset(img, 0, sizeof(img));
	memcpy(img, "glibc-ld.so.cache1.1", 20);
	put32(20, 2);
	img[28] = 2; /* little endian */
#define STR(x)                                  \
	(memcpy(img + s, x, sizeof(x)), s += sizeof(x), s - sizeof(x))
	size_t k = STR("libfoo.so.1");
	size_t v1 = STR("/usr/lib/libfoo.so.1");
	size_t v2 = STR("/usr/lib/glibc-hwcaps/x86-64-v3/libfoo.so.1");
	size_t h = STR("x86-64-v3");
	s = (s + 3) & ~(size_t)3;
	put32(24, (uint32_t)(s - base));
	put32(32, (uint32_t)s); /* extension offset */
	put32(s, 0xeaa42174U);
	put32(s + 4, 1);
	put32(s + 8, 1);	      /* tag: glibc-hwcaps */
	put32(s + 16, (uint32_t)(s + 24)); /* offset */
	put32(s + 20, 4);	      /* size */
	put32(s + 24, (uint32_t)h);
	imglen = s + 28;
	put32(48, 0x0303);
	put32(52, (uint32_t)k);
	put32(56, (uint32_t)v1);
	put32(72, 0x0303);
	put32(76, (uint32_t)k);
	put32(80, (uint32_t)v2);
	put64(88, (1ULL << 62) | 0);
}

static int
parse(void)
{
	struct ldcache c;
	char err[256];
	int rc = ldcache_parse(img, imglen, "img", &c, err, sizeof(err));

	if (rc == 0)
		ldcache_free(&c);
	else
		CHECK(strncmp(err, "img: ", 5) == 0, "error names the file: %s",
		    err);
	return rc;
}

int
main(void)
{
	struct ldcache c;
	char err[256];

	if (access("/etc/ld.so.cache", R_OK) == 0) {
		int rc = ldcache_load("/etc/ld.so.cache", &c, err, sizeof(err));
		CHECK(rc == 0, "host cache: %s", err);
		int libc = 0;
		for (size_t i = 0; rc == 0 && i < c.n; i++)
			if (strcmp(c.v[i].name, "libc.so.6") == 0)
				libc = 1;
		CHECK(rc != 0 || libc, "host cache has libc.so.6");
		if (rc == 0)
			ldcache_free(&c);
	}
	CHECK(ldcache_load("/nonexistent", &c, err, sizeof(err)) == -1 &&
		strstr(err, "/nonexistent") != NULL,
	    "missing file");
	CHECK(ldcache_load("/", &c, err, sizeof(err)) == -1, "directory");

	build();
	CHECK(ldcache_parse(img, imglen, "img", &c, err, sizeof(err)) == 0,
	    "synthetic: %s", err);
	CHECK(c.n == 2, "2 entries");
	if (c.n == 2) {
		CHECK(strcmp(c.v[0].name, "libfoo.so.1") == 0, "name");
		CHECK(strcmp(c.v[0].path, "/usr/lib/libfoo.so.1") == 0, "path");
		CHECK(c.v[0].hwcaps == NULL, "baseline");
		CHECK(c.v[1].hwcaps != NULL &&
			strcmp(c.v[1].hwcaps, "x86-64-v3") == 0,
		    "hwcaps name");
		CHECK(c.v[0].flags == 0x0303, "flags");
	}
	ldcache_free(&c);

	/* Every truncation fails cleanly. */
	size_t full = imglen;
	for (imglen = 0; imglen < full; imglen++)
		if (imglen < 48 + 2 * 24 || imglen < full)
			(void)parse();
	imglen = full;

	build();
	put32(20, 0x7fffffff);
	CHECK(parse() == -1, "huge nlibs");
	build();
	put32(52, 5000);
	CHECK(parse() == -1, "key out of bounds");
	build();
	img[imglen - 1] = 'x'; /* hwcaps string array still fine */
	build();
	put32(32, 3);
	CHECK(parse() == -1, "unaligned extension");
	build();
	put32(32, 0x7ffffff0);
	CHECK(parse() == -1, "extension out of bounds");
	build();
	put64(88, (1ULL << 62) | 7);
	CHECK(parse() == -1, "hwcaps index out of range");
	build();
	img[28] = 3;
	CHECK(parse() == -1, "big-endian cache refused");
	build();
	memcpy(img, "glibc-ld.so.cache1.0", 20);
	CHECK(parse() == -1, "unknown version");
	/* String not NUL-terminated inside the file. */
	build();
	put32(80, (uint32_t)(imglen - 2));
	memset(img + imglen - 2, 'z', 2);
	CHECK(parse() == -1, "unterminated string");

	CHECK(ldcache_arch_flags(2, 62, 0) == 0x0303, "x86-64 flags");
	CHECK(ldcache_arch_flags(1, 3, 0) == 0x0003, "i386 flags");

	printf("ldcache: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
