/*
 * The trace byte stream: split it into records (common/wire.h), skip
 * garbage, and reassemble fragmented messages.  Pure logic over byte
 * buffers, so it can be unit-tested and fuzzed without a FIFO.
 */
#ifndef SB_COLLECTOR_STREAM_H
#define SB_COLLECTOR_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Largest reassembled message; bigger ones are dropped. */
#define STREAM_MSG_MAX (64u << 20)
/* Most messages being reassembled at once; the oldest goes first. */
#define STREAM_PENDING_MAX 1024

/*
 * Called once per complete message.  hdr is the header of its first
 * record (frag tells nothing useful any more); body[0..len) is the
 * message body, valid only during the call and not aligned.
 */
typedef void stream_msg_fn(void *ctx, const struct sb_hdr *hdr, const unsigned char *body,
    size_t len);

struct stream_stats {
	uint64_t records;  /* valid records seen */
	uint64_t messages; /* messages delivered */
	uint64_t garbage;  /* bytes skipped while resynchronising */
	uint64_t dropped;  /* messages lost: orphan/oversize/evicted fragments */
};

struct stream;

/* A new parser delivering to fn(ctx, ...); NULL with errno on failure. */
struct stream *stream_new(stream_msg_fn *fn, void *ctx);
void stream_free(struct stream *s);

/* Consume n bytes; a record may end in a later call.  Returns 0, or -1
 * with errno (ENOMEM) if memory ran out (the data is then lost). */
int stream_feed(struct stream *s, const void *data, size_t n);

/* End of the stream: drop an incomplete tail and unfinished fragments,
 * counting them. */
void stream_finish(struct stream *s);

const struct stream_stats *stream_stats(const struct stream *s);

/* Does h describe a record this parser accepts (magic, version, len)? */
int stream_hdr_valid(const struct sb_hdr *h);

#endif
