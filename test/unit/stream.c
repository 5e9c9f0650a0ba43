/*
 * Unit tests of collector/stream.c: record splitting at every boundary,
 * garbage resynchronisation, fragment reassembly, and hostile input.
 * Prints a line per failed check and a summary; exits 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#include "check.h"

/* What the callback saw. */
struct got {
	struct sb_hdr hdr;
	unsigned char *body;
	size_t len;
};
static struct got got[4096];
static size_t ngot;

static void
on_msg(void *ctx, const struct sb_hdr *hdr, const unsigned char *body,
    size_t len)
{
	(void)ctx;
	if (ngot == sizeof(got) / sizeof(got[0]))
		return;
	got[ngot].hdr = *hdr;
	got[ngot].body = malloc(len ? len : 1);
	if (got[ngot].body == NULL)
		abort();
	memcpy(got[ngot].body, body, len);
	got[ngot].len = len;
	ngot++;
}

static void
got_reset(void)
{
	for (size_t i = 0; i < ngot; i++)
		free(got[i].body);
	ngot = 0;
}

/* Write a record with the given fields into out; returns its length. */
static size_t
rec(unsigned char *out, uint32_t pid, uint64_t ts, uint8_t type, uint8_t frag,
    const void *body, size_t n)
{
	struct sb_hdr h = {
		.magic = SB_WIRE_MAGIC,
		.len = (uint16_t)(sizeof(h) + n),
		.version = SB_WIRE_VERSION,
		.type = type,
		.frag = frag,
		.pid = pid,
		.tid = pid,
		.image = 0x1122334455667788ull ^ pid,
		.ts_ns = ts,
	};
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), body, n);
	return sizeof(h) + n;
}

/* A body of n bytes derived from seed. */
static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static struct stream *
new_stream(void)
{
	struct stream *s = stream_new(on_msg, NULL);
	if (s == NULL) {
		perror("stream_new");
		exit(1);
	}
	got_reset();
	return s;
}

/* Three whole records of different sizes, in one buffer. */
static size_t
three_records(unsigned char *buf)
{
	unsigned char body[SB_REC_MAX];
	size_t n = 0;

	fill(body, sizeof(body), 1);
	n += rec(buf + n, 10, 1, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, 17);
	n += rec(buf + n, 11, 2, SB_MSG_START, SB_FRAG_WHOLE, body, 0);
	n += rec(buf + n, 12, 3, SB_MSG_EXEC, SB_FRAG_WHOLE, body,
	    SB_REC_MAX - sizeof(struct sb_hdr));
	return n;
}

static void
check_three(int line)
{
	unsigned char body[SB_REC_MAX];

	fill(body, sizeof(body), 1);
	checks++;
	if (ngot != 3 || got[0].len != 17 || got[1].len != 0 ||
	    got[2].len != SB_REC_MAX - sizeof(struct sb_hdr) ||
	    got[0].hdr.pid != 10 || got[1].hdr.pid != 11 ||
	    got[2].hdr.pid != 12 || got[2].hdr.type != SB_MSG_EXEC ||
	    memcmp(got[0].body, body, 17) != 0 ||
	    memcmp(got[2].body, body, got[2].len) != 0) {
		failures++;
		printf("FAIL line %d: three records not delivered intact "
		       "(%zu messages)\n", line, ngot);
	}
}

static void
test_whole(void)
{
	unsigned char buf[3 * SB_REC_MAX];
	size_t n = three_records(buf);
	struct stream *s = new_stream();

	CHECK(stream_feed(s, buf, n) == 0, "feed");
	check_three(__LINE__);
	CHECK(stream_stats(s)->records == 3, "records %llu",
	    (unsigned long long)stream_stats(s)->records);
	CHECK(stream_stats(s)->garbage == 0, "garbage %llu",
	    (unsigned long long)stream_stats(s)->garbage);
	stream_finish(s);
	CHECK(stream_stats(s)->garbage == 0 && stream_stats(s)->dropped == 0,
	    "finish after clean input");
	stream_free(s);
}

/* Reads may end anywhere: split the stream at every offset. */
static void
test_splits(void)
{
	unsigned char buf[3 * SB_REC_MAX];
	size_t n = three_records(buf);
	int bad = 0;

	for (size_t cut = 0; cut <= n; cut++) {
		struct stream *s = new_stream();
		stream_feed(s, buf, cut);
		stream_feed(s, buf + cut, n - cut);
		if (ngot != 3 || stream_stats(s)->garbage != 0) {
			if (bad++ < 5)
				printf("FAIL: split at %zu: %zu messages, %llu "
				       "garbage\n", cut, ngot,
				    (unsigned long long)stream_stats(s)->garbage);
		}
		stream_free(s);
	}
	checks++;
	failures += bad > 0;

	/* one byte at a time */
	struct stream *s = new_stream();
	for (size_t i = 0; i < n; i++)
		stream_feed(s, buf + i, 1);
	check_three(__LINE__);
	stream_free(s);

	/* three cuts: in chunks of 1..97 bytes */
	for (size_t step = 1; step < 98; step += 8) {
		s = new_stream();
		for (size_t i = 0; i < n; i += step)
			stream_feed(s, buf + i, n - i < step ? n - i : step);
		check_three(__LINE__);
		stream_free(s);
	}
}

static void
test_garbage(void)
{
	unsigned char buf[4 * SB_REC_MAX + 2000], recs[3 * SB_REC_MAX];
	size_t rn = three_records(recs), n;
	struct stream *s;

	/* text without the magic, then records */
	memset(buf, 'x', 1000);
	memcpy(buf + 1000, recs, rn);
	s = new_stream();
	stream_feed(s, buf, 1000 + rn);
	check_three(__LINE__);
	CHECK(stream_stats(s)->garbage == 1000, "garbage %llu, not 1000",
	    (unsigned long long)stream_stats(s)->garbage);
	stream_free(s);

	/* garbage full of the magic's first byte and near-headers */
	n = 0;
	for (int i = 0; i < 300; i++)
		buf[n++] = SB_WIRE_MAGIC & 0xff;
	struct sb_hdr h = {.magic = SB_WIRE_MAGIC, .len = 32, .version = 99};
	memcpy(buf + n, &h, sizeof(h)); /* bad version */
	n += sizeof(h);
	h.version = SB_WIRE_VERSION;
	h.len = 3; /* shorter than a header */
	memcpy(buf + n, &h, sizeof(h));
	n += sizeof(h);
	h.len = SB_REC_MAX + 1; /* longer than a record */
	memcpy(buf + n, &h, sizeof(h));
	n += sizeof(h);
	h.len = sizeof(h);
	h.frag = 0x80; /* unknown frag bit */
	memcpy(buf + n, &h, sizeof(h));
	n += sizeof(h);
	size_t junk = n;
	memcpy(buf + n, recs, rn);
	n += rn;
	s = new_stream();
	stream_feed(s, buf, n);
	check_three(__LINE__);
	CHECK(stream_stats(s)->garbage == junk, "garbage %llu, not %zu",
	    (unsigned long long)stream_stats(s)->garbage, junk);
	stream_free(s);

	/* the same garbage fed a byte at a time */
	s = new_stream();
	for (size_t i = 0; i < n; i++)
		stream_feed(s, buf + i, 1);
	check_three(__LINE__);
	CHECK(stream_stats(s)->garbage == junk, "bytewise garbage %llu, not %zu",
	    (unsigned long long)stream_stats(s)->garbage, junk);
	stream_free(s);

	/* garbage between records */
	unsigned char body[8] = "abcdefgh";
	n = rec(buf, 1, 1, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, 8);
	memcpy(buf + n, "garbage!", 8);
	n += 8;
	n += rec(buf + n, 2, 2, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, 8);
	s = new_stream();
	stream_feed(s, buf, n);
	CHECK(ngot == 2 && got[1].hdr.pid == 2, "%zu messages", ngot);
	CHECK(stream_stats(s)->garbage == 8, "garbage %llu",
	    (unsigned long long)stream_stats(s)->garbage);
	stream_free(s);

	/* an incomplete record at the end is dropped by stream_finish */
	n = rec(buf, 1, 1, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, 8);
	s = new_stream();
	stream_feed(s, buf, n - 3);
	CHECK(ngot == 0, "a truncated record was delivered");
	stream_finish(s);
	CHECK(ngot == 0, "a truncated record was delivered at finish");
	CHECK(stream_stats(s)->garbage == n - 3, "finish counted %llu",
	    (unsigned long long)stream_stats(s)->garbage);
	stream_free(s);
}

/* Message m of pid split into records of at most chunk body bytes. */
static size_t
fragments(unsigned char *out, uint32_t pid, uint64_t ts,
    const unsigned char *m, size_t mlen, size_t chunk, size_t *offsets,
    size_t *nrec)
{
	size_t n = 0, k = 0;

	for (size_t off = 0; off < mlen; off += chunk) {
		size_t len = mlen - off < chunk ? mlen - off : chunk;
		uint8_t frag = (off == 0 ? SB_FRAG_FIRST : 0) |
		    (off + len == mlen ? SB_FRAG_LAST : 0);
		offsets[k++] = n;
		n += rec(out + n, pid, ts, SB_MSG_START, frag, m + off, len);
	}
	offsets[k] = n;
	*nrec = k;
	return n;
}

static void
test_fragments(void)
{
	enum { MLEN = 100000, CHUNK = SB_REC_MAX - sizeof(struct sb_hdr) };
	static unsigned char ma[MLEN], mb[MLEN], fa[2 * MLEN], fb[2 * MLEN],
	    mix[5 * MLEN];
	size_t oa[64], ob[64], na, nb, n = 0;
	struct stream *s;

	fill(ma, MLEN, 7);
	fill(mb, MLEN, 8);
	fragments(fa, 100, 5, ma, MLEN, CHUNK, oa, &na);
	fragments(fb, 200, 6, mb, 5000, 1000, ob, &nb);

	/* interleave: a's records, with b's records and whole ones between */
	unsigned char small[4] = "tiny";
	for (size_t i = 0; i < na || i < nb; i++) {
		if (i < na) {
			memcpy(mix + n, fa + oa[i], oa[i + 1] - oa[i]);
			n += oa[i + 1] - oa[i];
		}
		n += rec(mix + n, 300, 9, SB_MSG_ACCESS, SB_FRAG_WHOLE, small, 4);
		if (i < nb) {
			memcpy(mix + n, fb + ob[i], ob[i + 1] - ob[i]);
			n += ob[i + 1] - ob[i];
		}
	}
	for (size_t step = 1; step <= 8192; step *= 8) {
		s = new_stream();
		for (size_t i = 0; i < n; i += step)
			stream_feed(s, mix + i, n - i < step ? n - i : step);
		size_t whole = 0, a = 0, b = 0;
		for (size_t i = 0; i < ngot; i++) {
			if (got[i].hdr.pid == 300)
				whole++;
			else if (got[i].hdr.pid == 100 && got[i].len == MLEN &&
			    memcmp(got[i].body, ma, MLEN) == 0 &&
			    got[i].hdr.ts_ns == 5 && got[i].hdr.type == SB_MSG_START)
				a++;
			else if (got[i].hdr.pid == 200 && got[i].len == 5000 &&
			    memcmp(got[i].body, mb, 5000) == 0)
				b++;
		}
		CHECK(whole == (na > nb ? na : nb) && a == 1 && b == 1,
		    "step %zu: whole %zu, a %zu, b %zu", step, whole, a, b);
		CHECK(stream_stats(s)->dropped == 0 &&
			stream_stats(s)->garbage == 0,
		    "step %zu: dropped %llu garbage %llu", step,
		    (unsigned long long)stream_stats(s)->dropped,
		    (unsigned long long)stream_stats(s)->garbage);
		stream_free(s);
	}

	/* same pid and tid but another ts_ns: a different message */
	unsigned char two[3 * SB_REC_MAX];
	n = 0;
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "ab", 2);
	n += rec(two + n, 1, 2, SB_MSG_START, SB_FRAG_FIRST, "xy", 2);
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, "cd", 2);
	n += rec(two + n, 1, 2, SB_MSG_START, SB_FRAG_LAST, "zz", 2);
	s = new_stream();
	stream_feed(s, two, n);
	CHECK(ngot == 2 && got[0].len == 4 && memcmp(got[0].body, "abcd", 4) == 0 &&
		got[1].len == 4 && memcmp(got[1].body, "xyzz", 4) == 0,
	    "two messages of one thread by ts_ns: %zu", ngot);
	stream_free(s);

	/* orphans: a middle and a last without their first */
	n = 0;
	n += rec(two + n, 1, 1, SB_MSG_START, 0, "mid", 3);
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, "end", 3);
	s = new_stream();
	stream_feed(s, two, n);
	CHECK(ngot == 0, "orphan fragments delivered");
	CHECK(stream_stats(s)->dropped == 2, "dropped %llu, not 2",
	    (unsigned long long)stream_stats(s)->dropped);
	stream_free(s);

	/* a FIRST again before the LAST: the first attempt is dropped */
	n = 0;
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "old", 3);
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "new", 3);
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, "!", 1);
	s = new_stream();
	stream_feed(s, two, n);
	CHECK(ngot == 1 && got[0].len == 4 && memcmp(got[0].body, "new!", 4) == 0,
	    "restarted message");
	CHECK(stream_stats(s)->dropped == 1, "dropped %llu, not 1",
	    (unsigned long long)stream_stats(s)->dropped);
	stream_free(s);

	/* unfinished at the end: dropped by stream_finish */
	n = rec(two, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "open", 4);
	s = new_stream();
	stream_feed(s, two, n);
	stream_finish(s);
	CHECK(ngot == 0 && stream_stats(s)->dropped == 1,
	    "unfinished message at finish: %zu delivered, %llu dropped", ngot,
	    (unsigned long long)stream_stats(s)->dropped);
	stream_free(s);

	/* more pending messages than the table holds: oldest evicted, no crash */
	s = new_stream();
	for (uint32_t pid = 1; pid <= STREAM_PENDING_MAX + 10; pid++) {
		n = rec(two, pid, 1, SB_MSG_START, SB_FRAG_FIRST, "p", 1);
		stream_feed(s, two, n);
	}
	for (uint32_t pid = 1; pid <= STREAM_PENDING_MAX + 10; pid++) {
		n = rec(two, pid, 1, SB_MSG_START, SB_FRAG_LAST, "q", 1);
		stream_feed(s, two, n);
	}
	CHECK(ngot == STREAM_PENDING_MAX, "%zu of the pending messages delivered",
	    ngot);
	CHECK(stream_stats(s)->dropped == 20, "dropped %llu, not 20 (10 evicted, "
	    "10 orphaned lasts)", (unsigned long long)stream_stats(s)->dropped);
	stream_free(s);
}

/* Random bytes, random chunking, with valid records sprinkled in:
 * no crash, no out-of-bounds (the sanitizer build checks), bounded. */
static void
test_hostile(void)
{
	enum { N = 1 << 20 };
	unsigned char *buf = malloc(N);
	unsigned seed = 12345;
	struct stream *s = new_stream();

	if (buf == NULL)
		abort();
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (unsigned char)(seed >> 16);
	}
	/* plant headers with random frag bits and lengths */
	for (size_t off = 0; off + 64 < N; off += 997) {
		struct sb_hdr h = {
			.magic = SB_WIRE_MAGIC,
			.version = SB_WIRE_VERSION,
			.len = (uint16_t)(sizeof(h) + buf[off] % 64),
			.frag = buf[off + 1] & 3,
			.pid = buf[off + 2] % 4,
			.type = SB_MSG_ACCESS,
		};
		memcpy(buf + off, &h, sizeof(h));
	}
	for (size_t i = 0; i < N;) {
		seed = seed * 1103515245 + 12345;
		size_t step = 1 + (seed >> 16) % 9000;
		if (step > N - i)
			step = N - i;
		stream_feed(s, buf + i, step);
		i += step;
	}
	stream_finish(s);
	const struct stream_stats *st = stream_stats(s);
	CHECK(st->records > 0 && st->garbage > 0, "records %llu garbage %llu",
	    (unsigned long long)st->records, (unsigned long long)st->garbage);
	CHECK(st->garbage <= N, "garbage %llu exceeds the input",
	    (unsigned long long)st->garbage);
	stream_free(s);
	free(buf);
}

int
main(void)
{
	test_whole();
	test_splits();
	test_garbage();
	test_fragments();
	test_hostile();
	got_reset();
	printf("stream: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
