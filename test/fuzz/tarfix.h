/*
 * For the fuzz targets fed tar streams (layer.c, imgsrc.c): the header
 * checksums made right again after the fuzzer's mutations, so that a
 * changed name, type, mode or link reaches the code under test instead
 * of libarchive's checksum test.  The stream is walked header by header
 * as a reader skips it (512-byte blocks, a header's size field saying
 * how many data blocks follow); a pax header that gives another size
 * leaves the walk out of step, and then later headers stay as they are.
 */
#ifndef SB_FUZZ_TARFIX_H
#define SB_FUZZ_TARFIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A header's numeric field: octal, or base-256 when its first byte has
 * the high bit (as GNU tar writes large values). */
static inline uint64_t
tarfix_num(const unsigned char *f, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		for (i = 1; i < n && v < (UINT64_C(1) << 48); i++)
			v = v << 8 | f[i];
		return v;
	}
	while (i < n && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7' && v < (UINT64_C(1) << 48); i++)
		v = v << 3 | (uint64_t)(f[i] - '0');
	return v;
}

/* Set the checksum of every header of the uncompressed tar stream at
 * p (gzip and zstd are left as they are). */
static inline void
tarfix(unsigned char *p, size_t len)
{
	if ((len >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	    (len >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd))
		return;
	for (size_t pos = 0; pos + 512 <= len;) {
		unsigned char *h = p + pos;
		unsigned sum = 0;
		size_t i;
		for (i = 0; i < 512 && h[i] == 0; i++)
			;
		if (i == 512) {
			pos += 512; /* the end, or padding */
			continue;
		}
		memset(h + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += h[i];
		char c[8];
		snprintf(c, sizeof c, "%06o", sum & 0777777);
		memcpy(h + 148, c, 7);
		uint64_t size = tarfix_num(h + 124, 12);
		if (size > len)
			return;
		pos += 512 + (size_t)(size + 511) / 512 * 512;
	}
}

#endif
