/*
 * Fuzz target: the reassembly of the trace stream (collector/stream.c)
 * under interleavings an adversary chooses.  The input is a script for
 * four writers: each op emits the next record of one writer's current
 * message (intact, with a byte flipped, or cut short), garbage bytes, a
 * forged header whose len lies, or a point where the reader finds the
 * FIFO empty.  The stream it makes is then fed in reads of a size the
 * input picks, with stream_idle() at those points.
 *
 * Invariants: every message whose records were all sent intact is
 * delivered exactly once, with its type and body; no other message is
 * delivered; every intact record is accepted and every other byte
 * counted as garbage; every fragmented message begun is delivered or
 * counted as dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NW 4
#define NMSG 256
#define STREAM_CAP (1u << 20)
#define CHUNK_MAX (SB_REC_MAX - sizeof(struct sb_hdr))

#define REQUIRE(c)                                                                                 \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "stream fuzz: %s:%d: %s\n", __FILE__, __LINE__, #c);       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct msg {
	uint32_t pid;
	uint64_t ts;
	uint8_t type;
	unsigned char *body;
	size_t len, sent, chunk;
	int bad;       /* a record of it was corrupted or cut short */
	int delivered; /* times */
};

struct state {
	const uint8_t *in;
	size_t n, pos;
	unsigned char *buf;
	size_t len;
	struct msg msgs[NMSG];
	size_t nmsgs;
	int cur[NW]; /* the message each writer sends now, or -1 */
	size_t *starts; /* offsets of intact records */
	size_t nstarts;
	size_t *idles; /* offsets where the FIFO is read empty */
	size_t nidles;
	uint64_t intact_bytes, intact_records, intact_firsts;
	size_t delivered;
};

static struct state S;

static int
more(void)
{
	return S.pos < S.n;
}

static unsigned
byte(void)
{
	return S.pos < S.n ? S.in[S.pos++] : 0;
}

static unsigned
u16(void)
{
	unsigned hi = byte();

	return hi << 8 | byte();
}

static void
emit(const void *p, size_t n)
{
	memcpy(S.buf + S.len, p, n);
	S.len += n;
}

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Writer w's message, started when it has none. */
static struct msg *
current(unsigned w)
{
	struct msg *m;
	uint64_t x;

	if (S.cur[w] >= 0)
		return &S.msgs[S.cur[w]];
	if (S.nmsgs == NMSG)
		return NULL;
	m = &S.msgs[S.nmsgs];
	memset(m, 0, sizeof(*m));
	m->pid = 1000 + w;
	m->ts = S.nmsgs + 1;
	m->type = (uint8_t)(byte() % 6 + 1);
	m->len = u16() % 12000;
	m->chunk = u16() % CHUNK_MAX + 1;
	x = 0x9e3779b97f4a7c15ull ^ (byte() << 8) ^ S.nmsgs;
	if ((m->body = malloc(m->len + 1)) == NULL)
		abort();
	for (size_t i = 0; i < m->len; i++)
		m->body[i] = (unsigned char)rnd(&x);
	S.cur[w] = (int)S.nmsgs++;
	return m;
}

/* The next record of writer w: intact (how 0), a byte flipped (1) or
 * cut short (2). */
static void
record(unsigned w, int how)
{
	unsigned char rec[SB_REC_MAX];
	struct msg *m = current(w);
	struct sb_hdr h = {.magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION};
	size_t k, len;

	if (m == NULL)
		return;
	k = m->len - m->sent < m->chunk ? m->len - m->sent : m->chunk;
	h.type = m->type;
	h.frag = (uint8_t)((m->sent == 0 ? SB_FRAG_FIRST : 0) |
	    (m->sent + k == m->len ? SB_FRAG_LAST : 0));
	h.pid = h.tid = m->pid;
	h.image = 0xabc0 + w;
	h.ts_ns = m->ts;
	h.off = (uint32_t)m->sent;
	h.len = (uint16_t)(sizeof(h) + k);
	h.sum = sb_wire_sum(&h, m->body + m->sent, (unsigned)k);
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), m->body + m->sent, k);
	len = h.len;
	if (how == 1) {
		unsigned at = u16() % len, x = byte() | 1;
		rec[at] ^= (unsigned char)x;
	} else if (how == 2) {
		len = u16() % len;
	}
	if (how == 0) {
		S.starts[S.nstarts++] = S.len;
		S.intact_bytes += len;
		S.intact_records++;
		S.intact_firsts += h.frag == SB_FRAG_FIRST;
	} else {
		m->bad = 1;
	}
	emit(rec, len);
	m->sent += k;
	if (h.frag & SB_FRAG_LAST)
		S.cur[w] = -1;
}

static void
garbage(void)
{
	unsigned n = byte();

	while (n-- > 0 && more())
		S.buf[S.len++] = (unsigned char)byte();
}

/* A header whose len claims more than what follows it. */
static void
forged(void)
{
	struct sb_hdr h = {.magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION};
	unsigned size;

	h.len = (uint16_t)(u16() % (SB_REC_MAX - sizeof(h) + 1) + sizeof(h));
	h.frag = (uint8_t)(byte() & SB_FRAG_WHOLE);
	h.type = (uint8_t)(byte() % 7);
	h.pid = h.tid = 1000 + byte() % NW;
	h.sum = (uint32_t)u16();
	size = byte() % (sizeof(h) + 1);
	emit(&h, size);
}

/* Is at inside an intact record?  Their starts are in increasing
 * order. */
static int
in_record(size_t at)
{
	size_t lo = 0, hi = S.nstarts;
	struct sb_hdr h;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (S.starts[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	memcpy(&h, S.buf + S.starts[lo - 1], sizeof(h));
	return at < S.starts[lo - 1] + h.len;
}

/*
 * A stretch that is not an intact record may still hold bytes that make
 * a valid record with what follows (the fuzzer can learn checksums from
 * the comparisons): that is a record the adversary forged, which no
 * reader could refuse.  Break every such one, so that what the stream
 * holds is exactly what the script meant.
 */
static void
unforge(void)
{
	for (size_t at = 0; at + sizeof(struct sb_hdr) <= S.len; at++) {
		struct sb_hdr h;

		/* inside an intact record only chance could make one */
		if (S.buf[at] != (SB_WIRE_MAGIC & 0xff) || in_record(at))
			continue;
		memcpy(&h, S.buf + at, sizeof(h));
		if (stream_hdr_valid(&h) && h.len <= S.len - at &&
		    stream_sum_ok(&h, S.buf + at + sizeof(h)))
			S.buf[at] ^= 1;
	}
}

static void
on_msg(void *ctx, const struct sb_hdr *h, const unsigned char *body, size_t len)
{
	struct msg *m;

	(void)ctx;
	REQUIRE(h->ts_ns >= 1 && h->ts_ns <= S.nmsgs);
	m = &S.msgs[h->ts_ns - 1];
	REQUIRE(h->pid == m->pid && h->tid == m->pid && h->type == m->type);
	REQUIRE(!m->bad && m->sent == m->len && m->delivered == 0);
	REQUIRE(len == m->len && (len == 0 || memcmp(body, m->body, len) == 0));
	m->delivered++;
	S.delivered++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream *s;
	size_t read_size, fed = 0, idle = 0;

	memset(&S, 0, sizeof(S));
	S.in = data;
	S.n = size;
	for (int w = 0; w < NW; w++)
		S.cur[w] = -1;
	S.buf = malloc(STREAM_CAP);
	S.starts = malloc(STREAM_CAP / sizeof(struct sb_hdr) * sizeof(size_t));
	S.idles = malloc(STREAM_CAP * sizeof(size_t) / 64);
	if (S.buf == NULL || S.starts == NULL || S.idles == NULL)
		abort();
	read_size = u16() % 9000 + 1;
	while (more() && S.len + 2 * SB_REC_MAX + 256 < STREAM_CAP &&
	    S.nidles < STREAM_CAP / 64 / 2) {
		unsigned op = byte(), w = (op >> 3) % NW;

		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			record(w, 0);
			break;
		case 3:
			record(w, 1);
			break;
		case 4:
			record(w, 2);
			break;
		case 5:
			garbage();
			break;
		case 6:
			forged();
			break;
		case 7:
			S.idles[S.nidles++] = S.len;
			break;
		}
	}
	unforge();

	if ((s = stream_new(on_msg, NULL)) == NULL)
		abort();
	while (fed < S.len) {
		size_t stop = idle < S.nidles ? S.idles[idle] : S.len;
		size_t k = stop - fed < read_size ? stop - fed : read_size;

		REQUIRE(stream_feed(s, S.buf + fed, k) == 0);
		fed += k;
		if (idle < S.nidles && fed == S.idles[idle]) {
			REQUIRE(stream_idle(s) == 0);
			while (idle < S.nidles && S.idles[idle] == fed)
				idle++;
		}
	}
	stream_finish(s);

	const struct stream_stats *st = stream_stats(s);
	for (size_t i = 0; i < S.nmsgs; i++) {
		struct msg *m = &S.msgs[i];

		REQUIRE(m->delivered == (!m->bad && m->sent == m->len));
		free(m->body);
	}
	REQUIRE(st->messages == S.delivered);
	REQUIRE(st->records == S.intact_records && st->bytes == S.intact_bytes);
	REQUIRE(st->bytes + st->garbage == S.len);
	REQUIRE(st->started == S.intact_firsts);
	REQUIRE(st->pending_bytes == 0);
	size_t multi = 0;
	for (size_t i = 0; i < S.nmsgs; i++)
		multi += S.msgs[i].delivered && S.msgs[i].len > S.msgs[i].chunk;
	REQUIRE(st->started == multi + st->dropped);
	stream_free(s);
	free(S.buf);
	free(S.starts);
	free(S.idles);
	return 0;
}
