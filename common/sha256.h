/*
 * SHA-256 (FIPS 180-4), libc only: the static launcher checks each file
 * it extracts from a single-file bundle with it (common/pack.h), and the
 * bundler computes the same digests for the file it writes.  The bundler
 * elsewhere uses libmd, which the launcher cannot link.
 */
#ifndef SB_SHA256_H
#define SB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SB_SHA256_LEN 32

struct sb_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sb_sha256_init(struct sb_sha256 *c);
void sb_sha256_update(struct sb_sha256 *c, const void *data, size_t n);
void sb_sha256_final(struct sb_sha256 *c, unsigned char out[SB_SHA256_LEN]);

/* out gets 64 lower-case hexadecimal digits and a NUL. */
void sb_sha256_hex(const unsigned char md[SB_SHA256_LEN], char out[2 * SB_SHA256_LEN + 1]);

#endif
