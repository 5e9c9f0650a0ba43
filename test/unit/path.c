/*
 * Unit tests of common/path.c: path_normalize.
 * Prints one line per failed case and a summary; exits 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h" /* common/ */

static int failures, cases;

/* Check that normalising (base, raw) gives exactly want (wantlen bytes). */
static void
check_n(int line, const char *base, size_t baselen, const char *raw,
    size_t rawlen, const char *want, size_t wantlen)
{
	size_t outlen = (size_t)-1;
	char *out = path_normalize(base, baselen, raw, rawlen, &outlen);

	cases++;
	if (out == NULL) {
		printf("FAIL line %d: path_normalize returned NULL\n", line);
		failures++;
		return;
	}
	if (outlen != wantlen || memcmp(out, want, wantlen) != 0 ||
	    out[outlen] != '\0') {
		printf("FAIL line %d: base \"%.*s\" raw \"%.*s\"\n", line,
		    (int)(baselen > 200 ? 200 : baselen), base,
		    (int)(rawlen > 200 ? 200 : rawlen), raw);
		printf("  expected (%zu): \"%.*s\"\n", wantlen,
		    (int)(wantlen > 200 ? 200 : wantlen), want);
		printf("  got      (%zu): \"%.*s\"\n", outlen,
		    (int)(outlen > 200 ? 200 : outlen), out);
		failures++;
	}
	free(out);
}

#define CHECK(base, raw, want)                                                 \
	check_n(__LINE__, base, strlen(base), raw, strlen(raw), want,          \
	    strlen(want))

static void
test_absolute(void)
{
	CHECK("", "/", "/");
	CHECK("", "/etc/passwd", "/etc/passwd");
	CHECK("/ignored", "/etc/passwd", "/etc/passwd");
	CHECK("", "//", "/");
	CHECK("", "///etc//passwd", "/etc/passwd");
	CHECK("", "/etc/./passwd", "/etc/passwd");
	CHECK("", "/./", "/");
	CHECK("", "/etc/", "/etc");
	CHECK("", "/etc///", "/etc");
	CHECK("", "/usr/lib/../bin/sh", "/usr/bin/sh");
	CHECK("", "/usr/lib/x/../../bin", "/usr/bin");
	CHECK("", "/..", "/");
	CHECK("", "/../..", "/");
	CHECK("", "/../etc", "/etc");
	CHECK("", "/a/b/../../..", "/");
	CHECK("", "/a/b/../../../c", "/c");
	CHECK("", "/a/..b", "/a/..b");
	CHECK("", "/a/b..", "/a/b..");
	CHECK("", "/a/.b", "/a/.b");
	CHECK("", "/a/...", "/a/...");
	CHECK("", "/a/./.././b", "/b");
}

static void
test_relative(void)
{
	CHECK("/home/u", "f", "/home/u/f");
	CHECK("/home/u", "./f", "/home/u/f");
	CHECK("/home/u", "../f", "/home/f");
	CHECK("/home/u", "../../../../f", "/f");
	CHECK("/home/u", "a/b/", "/home/u/a/b");
	CHECK("/home/u", ".", "/home/u");
	CHECK("/home/u", "..", "/home");
	CHECK("/home/u", "", "/home/u");
	CHECK("/", "f", "/f");
	CHECK("/", "..", "/");
	CHECK("/", ".", "/");
	CHECK("/home/u/", "f", "/home/u/f");
	CHECK("/home//u/./", "f", "/home/u/f");
	/* a base that itself holds ".." is normalised too */
	CHECK("/home/u/../v", "f", "/home/v/f");
	CHECK("/home/u/../..", "f", "/f");
	CHECK("/a/b/c", "../../x/./y//z/..", "/a/x/y");
}

static void
test_no_base(void)
{
	/* a relative path with no base stays relative, normalised */
	CHECK("", "f", "f");
	CHECK("", "./f", "f");
	CHECK("", "a//b/./c/", "a/b/c");
	CHECK("", "a/../b", "b");
	CHECK("", ".", ".");
	CHECK("", "a/..", ".");
	CHECK("", "..", "..");
	CHECK("", "../x", "../x");
	CHECK("", "../../x", "../../x");
	CHECK("", "a/../../x", "../x");
}

static void
test_bytes(void)
{
	CHECK("", "/tmp/nl\nname", "/tmp/nl\nname");
	CHECK("/tmp", "nl\n", "/tmp/nl\n");
	CHECK("", "/tmp/ff\xffname", "/tmp/ff\xffname");
	CHECK("/d\xff/\n", "x\xfe", "/d\xff/\n/x\xfe");
	CHECK("", "/\n/../\xff", "/\xff");
	/* explicit lengths: bytes after the length are not read */
	check_n(__LINE__, "/base", 3, "xyz/junk", 3, "/ba/xyz", 7);
	check_n(__LINE__, "", 0, "/etc/passwd", 4, "/etc", 4);
}

static void
test_long(void)
{
	size_t n = 8000;
	char *raw = malloc(n + 16), *base = malloc(n + 1);

	if (raw == NULL || base == NULL) {
		printf("FAIL: malloc\n");
		failures++;
		return;
	}
	/* 8000 bytes: "/" then 3999 components "x/" style, kept as is */
	for (size_t i = 0; i < n; i += 2) {
		raw[i] = '/';
		raw[i + 1] = (char)('a' + (i / 2) % 26);
	}
	check_n(__LINE__, "", 0, raw, n, raw, n);

	/* 8000 bytes of slashes */
	memset(raw, '/', n);
	check_n(__LINE__, "", 0, raw, n, "/", 1);

	/* one 7999-byte name */
	raw[0] = '/';
	memset(raw + 1, 'n', n - 1);
	check_n(__LINE__, "", 0, raw, n, raw, n);

	/* 8000-byte base and 8000-byte relative raw: 16001 bytes out */
	memset(base, 'b', n);
	base[0] = '/';
	memset(raw, 'r', n);
	char *joined = malloc(2 * n + 2);
	if (joined != NULL) {
		memcpy(joined, base, n);
		joined[n] = '/';
		memcpy(joined + n + 1, raw, n);
		check_n(__LINE__, base, n, raw, n, joined, 2 * n + 1);
		free(joined);
	}

	/* 4000 "./" pairs then a name */
	for (size_t i = 0; i < n; i += 2) {
		raw[i] = '.';
		raw[i + 1] = '/';
	}
	check_n(__LINE__, "/b", 2, raw, n, "/b", 2);

	/* "a/" * 1600 then "../" * 1600 (7999 bytes): back to the base */
	size_t o = 0;
	for (int i = 0; i < 1600; i++) {
		raw[o++] = 'a';
		raw[o++] = '/';
	}
	for (int i = 0; i < 1599; i++) {
		memcpy(raw + o, "../", 3);
		o += 3;
	}
	memcpy(raw + o, "..", 2);
	o += 2;
	check_n(__LINE__, "/base", 5, raw, o, "/base", 5);
	/* one more ".." than names: stops at the base's parent */
	memcpy(raw + o, "/..", 3);
	check_n(__LINE__, "/base/x", 7, raw, o + 3, "/base", 5);

	free(raw);
	free(base);
}

int
main(void)
{
	test_absolute();
	test_relative();
	test_no_base();
	test_bytes();
	test_long();
	printf("path: %d cases, %d failed\n", cases, failures);
	return failures ? 1 : 0;
}
