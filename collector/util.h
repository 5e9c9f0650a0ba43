/*
 * Small helpers shared by the collector's modules: a growable byte
 * buffer, a (pointer, length) string view, hashing and clocks.
 */
#ifndef SB_COLLECTOR_UTIL_H
#define SB_COLLECTOR_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A view of bytes that are not NUL-terminated and may contain anything. */
struct str {
	const char *p;
	size_t n;
};

/* A growable byte buffer; always NUL-terminated once anything is in it. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

/* Make room for n more bytes (plus a NUL); -1 with errno on failure. */
int buf_reserve(struct buf *b, size_t n);
/* Append n bytes; -1 with errno on failure. */
int buf_add(struct buf *b, const void *p, size_t n);
/* buf_add as the put of common/textesc.h's escapers (ctx a struct buf). */
int buf_put(void *ctx, const void *p, size_t n);
/* Forget the contents but keep the memory. */
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

/* A copy of p[0..n) with a NUL after it; NULL with errno on failure. */
char *mem_dup(const void *p, size_t n);

/* 64-bit hash of bytes, seeded so keys can be hashed in pieces. */
uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
/* Mix an integer into a hash. */
uint64_t hash_u64(uint64_t h, uint64_t v);

/* pread on the fd *ctx, EINTR retried: the sb_pread_fn of binfmt.h. */
long fd_pread(void *ctx, void *buf, size_t n, uint64_t off);

/* CLOCK_REALTIME and CLOCK_MONOTONIC in nanoseconds. */
int64_t now_realtime_ns(void);
int64_t now_mono_ns(void);

#endif
