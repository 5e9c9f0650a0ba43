/*
 * The trace byte stream: split it into records (common/wire.h), check
 * each one's checksum, skip garbage, and reassemble fragmented messages.
 * Pure logic over byte buffers, so it can be unit-tested and fuzzed
 * without a FIFO.
 */
#ifndef SB_COLLECTOR_STREAM_H
#define SB_COLLECTOR_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/*
 * Largest reassembled message; bigger ones are dropped.  The kernel
 * passes at most 6 MiB of arguments and environment to an exec
 * (fs/exec.c: 3/4 of _STK_LIM), so no START or exec record of a real
 * program comes near it.
 */
#define STREAM_MSG_MAX (8u << 20)
/* Most messages being reassembled at once, and the most memory their
 * fragments may hold together; beyond either, the oldest goes first. */
#define STREAM_PENDING_MAX 1024
#define STREAM_PENDING_BYTES (64u << 20)

/*
 * Called once per complete message.  hdr is the header of its first
 * record (frag tells nothing useful any more); body[0..len) is the
 * message body, valid only during the call and not aligned.
 */
typedef void stream_msg_fn(void *ctx, const struct sb_hdr *hdr, const unsigned char *body,
    size_t len);

struct stream_stats {
	uint64_t records;	/* valid records: header, length and checksum right */
	uint64_t bytes;		/* the bytes of those records */
	uint64_t messages;	/* messages delivered */
	uint64_t garbage;	/* bytes skipped: part of no valid record */
	uint64_t bad;		/* headers among them that looked right, but whose
			    * record failed its checksum or was cut short */
	uint64_t started;	/* fragmented messages begun */
	uint64_t dropped;	/* of those, lost: evicted, too big, a fragment
			    * missing, or never finished */
	uint64_t evicted;	/* of the lost, those dropped to stay within
			    * STREAM_PENDING_MAX and STREAM_PENDING_BYTES */
	uint64_t dropped_bytes; /* what the lost ones held */
	uint64_t orphans;	/* later fragments of no message begun */
	uint64_t pending_bytes; /* memory of unfinished messages now */
	uint64_t pending_peak;	/* and at most */
};

struct stream;

/* A new parser delivering to fn(ctx, ...); NULL with errno on failure. */
struct stream *stream_new(stream_msg_fn *fn, void *ctx);
void stream_free(struct stream *s);

/* Consume n bytes; a record may end in a later call.  Returns 0, or -1
 * with errno (ENOMEM) if memory ran out (the data is then lost). */
int stream_feed(struct stream *s, const void *data, size_t n);

/*
 * The source has no more bytes for now: the FIFO was read empty.  A
 * writer sends each record in one write(2) of at most PIPE_BUF bytes,
 * which the kernel never splits, so a record still incomplete now never
 * was one: skip it and deliver what follows it.  Returns as
 * stream_feed().
 */
int stream_idle(struct stream *s);

/* End of the stream: stream_idle(), then drop unfinished messages,
 * counting them. */
void stream_finish(struct stream *s);

const struct stream_stats *stream_stats(const struct stream *s);

/* Could h start a record (magic, version, len, frag bits)?  The
 * checksum decides whether it does. */
int stream_hdr_valid(const struct sb_hdr *h);

/* Is the checksum of the record h heads (body after it) right? */
int stream_sum_ok(const struct sb_hdr *h, const unsigned char *body);

#endif
