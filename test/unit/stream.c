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

/* Write a record with the given fields, its body at offset off of its
 * message, into out; returns its length. */
static size_t
rec_off(unsigned char *out, uint32_t pid, uint64_t ts, uint8_t type, uint8_t frag,
    uint32_t off, const void *body, size_t n)
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
		.off = off,
	};
	memcpy(out + sizeof(h), body, n);
	h.sum = sb_wire_sum(&h, out + sizeof(h), (unsigned)n);
	memcpy(out, &h, sizeof(h));
	return sizeof(h) + n;
}

static size_t
rec(unsigned char *out, uint32_t pid, uint64_t ts, uint8_t type, uint8_t frag,
    const void *body, size_t n)
{
	return rec_off(out, pid, ts, type, frag, 0, body, n);
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
	CHECK(stream_stats(s)->garbage == n - 3 && stream_stats(s)->bad == 1,
	    "finish counted %llu bytes, %llu bad",
	    (unsigned long long)stream_stats(s)->garbage,
	    (unsigned long long)stream_stats(s)->bad);
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
		n += rec_off(out + n, pid, ts, SB_MSG_START, frag, (uint32_t)off,
		    m + off, len);
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
	n += rec_off(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, 2, "cd", 2);
	n += rec_off(two + n, 1, 2, SB_MSG_START, SB_FRAG_LAST, 2, "zz", 2);
	s = new_stream();
	stream_feed(s, two, n);
	CHECK(ngot == 2 && got[0].len == 4 && memcmp(got[0].body, "abcd", 4) == 0 &&
		got[1].len == 4 && memcmp(got[1].body, "xyzz", 4) == 0,
	    "two messages of one thread by ts_ns: %zu", ngot);
	stream_free(s);

	/* orphans: a middle and a last without their first */
	n = 0;
	n += rec_off(two + n, 1, 1, SB_MSG_START, 0, 3, "mid", 3);
	n += rec_off(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, 6, "end", 3);
	s = new_stream();
	stream_feed(s, two, n);
	CHECK(ngot == 0, "orphan fragments delivered");
	CHECK(stream_stats(s)->orphans == 2 && stream_stats(s)->dropped == 0,
	    "orphans %llu, dropped %llu, not 2 and 0",
	    (unsigned long long)stream_stats(s)->orphans,
	    (unsigned long long)stream_stats(s)->dropped);
	stream_free(s);

	/* a FIRST again before the LAST: the first attempt is dropped */
	n = 0;
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "old", 3);
	n += rec(two + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, "new", 3);
	n += rec_off(two + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, 3, "!", 1);
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
		n = rec_off(two, pid, 1, SB_MSG_START, SB_FRAG_LAST, 1, "q", 1);
		stream_feed(s, two, n);
	}
	CHECK(ngot == STREAM_PENDING_MAX, "%zu of the pending messages delivered",
	    ngot);
	CHECK(stream_stats(s)->dropped == 10 && stream_stats(s)->evicted == 10 &&
		stream_stats(s)->orphans == 10,
	    "dropped %llu evicted %llu orphans %llu, not 10 each (10 evicted, "
	    "their lasts orphaned)", (unsigned long long)stream_stats(s)->dropped,
	    (unsigned long long)stream_stats(s)->evicted,
	    (unsigned long long)stream_stats(s)->orphans);
	stream_free(s);
}

/*
 * The attack of issue 10: another writer sends bare 32-byte headers
 * whose len says 4096.  Every valid record around them arrives, and the
 * counts say exactly what was skipped, however the reads fall.
 */
static void
test_forged(void)
{
	enum { NREC = 600, FAKE = 32 };
	static unsigned char buf[NREC * (FAKE + 200)];
	unsigned char body[160];
	size_t n = 0, nfake = 0, ends[NREC * 2], nends = 0;
	struct sb_hdr fake = {.magic = SB_WIRE_MAGIC, .len = SB_REC_MAX,
	    .version = SB_WIRE_VERSION, .type = SB_MSG_ACCESS, .frag = SB_FRAG_WHOLE};

	for (int i = 0; i < NREC; i++) {
		fill(body, sizeof(body), (unsigned)i);
		if (i % 3 == 0) {
			memcpy(buf + n, &fake, FAKE);
			n += FAKE;
			nfake++;
			ends[nends++] = n;
		}
		n += rec(buf + n, 7, (uint64_t)i, SB_MSG_ACCESS, SB_FRAG_WHOLE, body,
		    40 + (size_t)i % 120);
		ends[nends++] = n;
	}
	for (size_t step = 1; step <= 65536; step *= 4) {
		struct stream *s = new_stream();
		for (size_t i = 0; i < n; i += step)
			stream_feed(s, buf + i, n - i < step ? n - i : step);
		stream_finish(s);
		const struct stream_stats *st = stream_stats(s);
		CHECK(ngot == NREC && st->garbage == nfake * FAKE && st->bad == nfake,
		    "step %zu: %zu of %d records, %llu garbage (want %zu), %llu bad (want %zu)",
		    step, ngot, NREC, (unsigned long long)st->garbage, nfake * FAKE,
		    (unsigned long long)st->bad, nfake);
		int order = 1;
		for (size_t i = 0; i < ngot; i++)
			order &= got[i].hdr.ts_ns == i;
		CHECK(order, "step %zu: records out of order or altered", step);
		stream_free(s);
	}
	/* each write read on its own, the FIFO empty after it: an idle
	 * after every write delivers each record at once */
	struct stream *s = new_stream();
	size_t prev = 0, late = 0;
	for (size_t i = 0; i < nends; i++) {
		size_t before = ngot;
		stream_feed(s, buf + prev, ends[i] - prev);
		stream_idle(s);
		/* a real record is delivered by the end of its own write */
		if (i + 1 < nends && ngot == before && ends[i] - prev != FAKE)
			late++;
		prev = ends[i];
	}
	CHECK(late == 0 && ngot == NREC && stream_stats(s)->bad == nfake,
	    "idle: %zu late, %zu delivered, %llu bad", late, ngot,
	    (unsigned long long)stream_stats(s)->bad);
	stream_free(s);
}

/* A record whose body was changed, or whose header was, is skipped;
 * the record after it is not. */
static void
test_checksum(void)
{
	unsigned char buf[2 * SB_REC_MAX], body[300];
	size_t n, first;
	int bad = 0;

	fill(body, sizeof(body), 3);
	first = rec(buf, 1, 1, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, sizeof(body));
	n = first + rec(buf + first, 2, 2, SB_MSG_ACCESS, SB_FRAG_WHOLE, body, 10);
	for (size_t i = 0; i < first; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char copy[sizeof(buf)];
			memcpy(copy, buf, n);
			copy[i] ^= (unsigned char)(1u << bit);
			struct stream *s = new_stream();
			stream_feed(s, copy, n);
			stream_finish(s);
			if (ngot != 1 || got[0].hdr.pid != 2 ||
			    stream_stats(s)->garbage != first) {
				if (bad++ < 5)
					printf("FAIL: bit %d of byte %zu: %zu messages, "
					       "%llu garbage\n", bit, i, ngot,
					    (unsigned long long)stream_stats(s)->garbage);
			}
			stream_free(s);
		}
	}
	checks++;
	failures += bad > 0;
}

/* A fragment lost between two others: the message is not delivered
 * with a hole in it. */
static void
test_missing_fragment(void)
{
	unsigned char buf[4 * SB_REC_MAX];
	size_t n = 0;

	n += rec_off(buf + n, 1, 1, SB_MSG_START, SB_FRAG_FIRST, 0, "aaaa", 4);
	/* "bbbb" at 4 never arrives */
	n += rec_off(buf + n, 1, 1, SB_MSG_START, SB_FRAG_LAST, 8, "cccc", 4);
	n += rec_off(buf + n, 2, 1, SB_MSG_START, SB_FRAG_FIRST, 0, "xx", 2);
	n += rec_off(buf + n, 2, 1, SB_MSG_START, 0, 2, "yy", 2);
	n += rec_off(buf + n, 2, 1, SB_MSG_START, SB_FRAG_LAST, 4, "zz", 2);
	struct stream *s = new_stream();
	stream_feed(s, buf, n);
	stream_finish(s);
	CHECK(ngot == 1 && got[0].hdr.pid == 2 && got[0].len == 6 &&
		memcmp(got[0].body, "xxyyzz", 6) == 0,
	    "%zu messages", ngot);
	CHECK(stream_stats(s)->dropped == 1 && stream_stats(s)->orphans == 1 &&
		stream_stats(s)->started == 2,
	    "dropped %llu orphans %llu started %llu",
	    (unsigned long long)stream_stats(s)->dropped,
	    (unsigned long long)stream_stats(s)->orphans,
	    (unsigned long long)stream_stats(s)->started);
	stream_free(s);
}

/*
 * 1024 keys that never finish, each grown far beyond its share: the
 * memory held stays within STREAM_PENDING_BYTES (plus one growth step),
 * and a message of another writer begun in the middle of it arrives.
 */
static void
test_pending_cap(void)
{
	enum { KEYS = 1024, ROUNDS = 40, CHUNK = SB_REC_MAX - sizeof(struct sb_hdr) };
	static unsigned char rbuf[SB_REC_MAX], body[CHUNK], legit[3 * CHUNK];
	struct stream *s = new_stream();
	size_t n;

	fill(body, sizeof(body), 9);
	fill(legit, sizeof(legit), 10);
	for (uint32_t k = 0; k < KEYS; k++) {
		n = rec_off(rbuf, 1000 + k, 5, SB_MSG_START, SB_FRAG_FIRST, 0, body, CHUNK);
		stream_feed(s, rbuf, n);
	}
	for (uint32_t r = 1; r <= ROUNDS; r++) {
		if (r == ROUNDS / 2) {
			n = rec_off(rbuf, 1, 6, SB_MSG_START, SB_FRAG_FIRST, 0, legit, CHUNK);
			stream_feed(s, rbuf, n);
		}
		for (uint32_t k = 0; k < KEYS; k++) {
			n = rec_off(rbuf, 1000 + k, 5, SB_MSG_START, 0, r * CHUNK, body, CHUNK);
			stream_feed(s, rbuf, n);
		}
		if (r == ROUNDS / 2) {
			n = rec_off(rbuf, 1, 6, SB_MSG_START, 0, CHUNK, legit + CHUNK, CHUNK);
			stream_feed(s, rbuf, n);
		}
		if (r == ROUNDS / 2 + 1) {
			n = rec_off(rbuf, 1, 6, SB_MSG_START, SB_FRAG_LAST, 2 * CHUNK,
			    legit + 2 * CHUNK, CHUNK);
			stream_feed(s, rbuf, n);
		}
	}
	const struct stream_stats *st = stream_stats(s);
	CHECK(st->pending_peak <= STREAM_PENDING_BYTES + 2 * (size_t)ROUNDS * CHUNK,
	    "peak %llu bytes pending", (unsigned long long)st->pending_peak);
	CHECK(st->evicted > 0, "nothing evicted");
	CHECK(ngot == 1 && got[0].hdr.pid == 1 && got[0].len == sizeof(legit) &&
		memcmp(got[0].body, legit, sizeof(legit)) == 0,
	    "the other writer's message: %zu delivered", ngot);
	stream_finish(s);
	CHECK(st->dropped == KEYS && st->started == KEYS + 1 && st->pending_bytes == 0,
	    "dropped %llu started %llu pending %llu", (unsigned long long)st->dropped,
	    (unsigned long long)st->started, (unsigned long long)st->pending_bytes);
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
	/* plant headers with random frag bits and lengths, every other
	 * one with the right checksum for the random body after it */
	for (size_t off = 0; off + 128 < N; off += 997) {
		struct sb_hdr h = {
			.magic = SB_WIRE_MAGIC,
			.version = SB_WIRE_VERSION,
			.len = (uint16_t)(sizeof(h) + buf[off] % 64),
			.frag = buf[off + 1] & 3,
			.pid = buf[off + 2] % 4,
			.type = SB_MSG_ACCESS,
		};
		if (buf[off + 3] & 1)
			h.sum = sb_wire_sum(&h, buf + off + sizeof(h),
			    h.len - (unsigned)sizeof(h));
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
	CHECK(st->garbage + st->bytes == N, "garbage %llu and records %llu "
	    "do not add up to the input", (unsigned long long)st->garbage,
	    (unsigned long long)st->bytes);
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
	test_forged();
	test_checksum();
	test_missing_fragment();
	test_pending_cap();
	test_hostile();
	got_reset();
	printf("stream: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
