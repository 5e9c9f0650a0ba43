#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "util.h"

/* A message whose fragments are still arriving. */
struct frag {
	struct sb_hdr hdr; /* of the FIRST record: the key and what we deliver */
	struct buf body;
	uint64_t seq; /* arrival order, to evict the oldest */
};

/* Twice a record: a carried tail (< SB_REC_MAX) plus enough new bytes
 * that at least one byte of the carry is always consumed. */
#define CARRY_CAP (2 * SB_REC_MAX)

struct stream {
	stream_msg_fn *fn;
	void *ctx;
	unsigned char carry[CARRY_CAP];
	size_t carry_len;
	struct frag *frags;
	size_t nfrags;
	uint64_t seq;
	struct stream_stats st;
};

/* The low byte of the little-endian magic: where a header can start. */
#define MAGIC_BYTE0 (SB_WIRE_MAGIC & 0xff)

struct stream *
stream_new(stream_msg_fn *fn, void *ctx)
{
	struct stream *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->frags = calloc(STREAM_PENDING_MAX, sizeof(*s->frags));
	if (s->frags == NULL) {
		free(s);
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	return s;
}

/* Forget pending message i (delivered or lost). */
static void
frag_remove(struct stream *s, size_t i)
{
	s->st.pending_bytes -= s->frags[i].body.cap;
	buf_free(&s->frags[i].body);
	s->frags[i] = s->frags[--s->nfrags];
	memset(&s->frags[s->nfrags], 0, sizeof(s->frags[0]));
}

/* Pending message i will never be delivered. */
static void
frag_lose(struct stream *s, size_t i, int evicted)
{
	s->st.dropped++;
	s->st.evicted += evicted != 0;
	s->st.dropped_bytes += s->frags[i].body.len;
	frag_remove(s, i);
}

void
stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	while (s->nfrags > 0)
		frag_remove(s, 0);
	free(s->frags);
	free(s);
}

int
stream_hdr_valid(const struct sb_hdr *h)
{
	return h->magic == SB_WIRE_MAGIC && h->version == SB_WIRE_VERSION && h->len >= sizeof(*h) &&
	    h->len <= SB_REC_MAX && (h->frag & ~SB_FRAG_WHOLE) == 0;
}

int
stream_sum_ok(const struct sb_hdr *h, const unsigned char *body)
{
	struct sb_hdr c = *h;

	c.sum = 0;
	return sb_wire_sum(&c, body, h->len - (unsigned)sizeof(c)) == h->sum;
}

static int
frag_same(const struct sb_hdr *a, const struct sb_hdr *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->image == b->image && a->ts_ns == b->ts_ns;
}

static struct frag *
frag_find(struct stream *s, const struct sb_hdr *h)
{
	size_t i;

	for (i = 0; i < s->nfrags; i++)
		if (frag_same(&s->frags[i].hdr, h))
			return &s->frags[i];
	return NULL;
}

/* The oldest pending message other than keep; nfrags if none. */
static size_t
frag_oldest(const struct stream *s, const struct frag *keep)
{
	size_t i, old = s->nfrags;

	for (i = 0; i < s->nfrags; i++)
		if (&s->frags[i] != keep &&
		    (old == s->nfrags || s->frags[i].seq < s->frags[old].seq))
			old = i;
	return old;
}

/* Room for one more pending message, evicting the oldest if full. */
static struct frag *
frag_slot(struct stream *s)
{
	if (s->nfrags == STREAM_PENDING_MAX)
		frag_lose(s, frag_oldest(s, NULL), 1);
	return &s->frags[s->nfrags++];
}

/* f grew: keep the memory of all pending messages within the cap by
 * dropping the oldest others.  Returns f, which may have moved. */
static struct frag *
frag_cap(struct stream *s, struct frag *f)
{
	struct sb_hdr key = f->hdr;
	size_t i;

	if (s->st.pending_bytes > s->st.pending_peak)
		s->st.pending_peak = s->st.pending_bytes;
	if (s->st.pending_bytes <= STREAM_PENDING_BYTES)
		return f;
	while (s->st.pending_bytes > STREAM_PENDING_BYTES && (i = frag_oldest(s, f)) < s->nfrags) {
		frag_lose(s, i, 1);
		/* the last entry moved into slot i: it may have been f */
		f = frag_find(s, &key);
	}
	return f;
}

/* One fragment of a larger message: start, extend or finish it. */
static int
frag_record(struct stream *s, const struct sb_hdr *h, const unsigned char *b, size_t n)
{
	struct frag *f = frag_find(s, h);
	size_t cap;

	if (h->frag & SB_FRAG_FIRST) {
		if (f != NULL) /* a FIRST again: the old one never ended */
			frag_lose(s, (size_t)(f - s->frags), 0);
		if (h->off != 0) {
			s->st.orphans++;
			return 0;
		}
		f = frag_slot(s);
		f->hdr = *h;
		f->seq = s->seq++;
		s->st.started++;
	} else if (f == NULL) {
		s->st.orphans++; /* its FIRST was lost or evicted */
		return 0;
	} else if (h->off != f->body.len) {
		/* a fragment between went missing: the body would be wrong */
		frag_lose(s, (size_t)(f - s->frags), 0);
		s->st.orphans++;
		return 0;
	}
	if (f->body.len + n > STREAM_MSG_MAX) {
		frag_lose(s, (size_t)(f - s->frags), 0);
		return 0;
	}
	cap = f->body.cap;
	if (buf_add(&f->body, b, n) == -1) {
		frag_lose(s, (size_t)(f - s->frags), 0);
		return -1;
	}
	s->st.pending_bytes += f->body.cap - cap;
	f = frag_cap(s, f);
	if (h->frag & SB_FRAG_LAST) {
		s->st.messages++;
		s->fn(s->ctx, &f->hdr, (const unsigned char *)f->body.p, f->body.len);
		frag_remove(s, (size_t)(f - s->frags));
	}
	return 0;
}

/*
 * The candidate at p[*off] is no record: skip to the next byte that may
 * start one, counting the bytes, and the candidate when its header
 * looked right (bad).
 */
static void
skip(struct stream *s, const unsigned char *p, size_t n, size_t *off, int bad)
{
	const unsigned char *q = NULL;
	size_t next = n;

	if (n - *off > 1 && (q = memchr(p + *off + 1, MAGIC_BYTE0, n - *off - 1)) != NULL)
		next = (size_t)(q - p);
	s->st.garbage += next - *off;
	s->st.bad += bad != 0;
	*off = next;
}

/* Could the left bytes at p start a record?  Only the fields they
 * hold are checked: a header cut short counts as one. */
static int
hdr_plausible(const unsigned char *p, size_t left, struct sb_hdr *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h, p, left < sizeof(*h) ? left : sizeof(*h));
	if (left >= sizeof(*h))
		return stream_hdr_valid(h);
	return p[0] == MAGIC_BYTE0 && (left < 2 || h->magic == SB_WIRE_MAGIC) &&
	    (left < 4 || (h->len >= sizeof(*h) && h->len <= SB_REC_MAX)) &&
	    (left < 5 || h->version == SB_WIRE_VERSION) &&
	    (left < 7 || (h->frag & ~SB_FRAG_WHOLE) == 0);
}

/*
 * Deliver every record in p[0..n); return the bytes consumed.  What is
 * left is a header, or the start of one, whose record is longer than
 * the bytes there: it waits for more data, unless final says there is
 * none, when it is skipped like any other garbage.
 */
static size_t
parse(struct stream *s, const unsigned char *p, size_t n, int final, int *nomem)
{
	size_t off = 0, left;
	struct sb_hdr h;

	while ((left = n - off) > 0) {
		if (!hdr_plausible(p + off, left, &h)) {
			skip(s, p, n, &off, 0);
			continue;
		}
		if (left < sizeof(h) || h.len > left) {
			if (!final)
				break;
			skip(s, p, n, &off, 1); /* cut short */
			continue;
		}
		if (!stream_sum_ok(&h, p + off + sizeof(h))) {
			/* maybe a header whose len lies: the records of
			 * other writers it spans are found by the scan */
			skip(s, p, n, &off, 1);
			continue;
		}
		s->st.records++;
		s->st.bytes += h.len;
		if (h.frag == SB_FRAG_WHOLE && h.off == 0) {
			s->st.messages++;
			s->fn(s->ctx, &h, p + off + sizeof(h), h.len - sizeof(h));
		} else if (h.frag == SB_FRAG_WHOLE) {
			s->st.orphans++;
		} else if (frag_record(s, &h, p + off + sizeof(h), h.len - sizeof(h)) == -1) {
			*nomem = 1;
		}
		off += h.len;
	}
	return off;
}

/* Feed n bytes through the carry; final as parse(). */
static int
feed(struct stream *s, const unsigned char *p, size_t n, int final)
{
	int nomem = 0;
	size_t used;

	if (s->carry_len > 0) {
		size_t old = s->carry_len;
		size_t take = n < CARRY_CAP - old ? n : CARRY_CAP - old;

		memcpy(s->carry + old, p, take);
		used = parse(s, s->carry, old + take, final && take == n, &nomem);
		if (used < old) {
			/* only when all new data fitted: keep waiting */
			memmove(s->carry, s->carry + used, old + take - used);
			s->carry_len = old + take - used;
			goto out;
		}
		s->carry_len = 0;
		p += used - old;
		n -= used - old;
	}
	if (n > 0) {
		used = parse(s, p, n, final, &nomem);
		memcpy(s->carry, p + used, n - used);
		s->carry_len = n - used;
	}
out:
	if (nomem) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
stream_feed(struct stream *s, const void *data, size_t n)
{
	return feed(s, data, n, 0);
}

int
stream_idle(struct stream *s)
{
	static const unsigned char none[1];

	return s->carry_len > 0 ? feed(s, none, 0, 1) : 0;
}

void
stream_finish(struct stream *s)
{
	(void)stream_idle(s);
	while (s->nfrags > 0)
		frag_lose(s, 0, 0);
}

const struct stream_stats *
stream_stats(const struct stream *s)
{
	return &s->st;
}
