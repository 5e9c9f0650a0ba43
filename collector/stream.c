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

static void
frag_drop(struct stream *s, size_t i)
{
	buf_free(&s->frags[i].body);
	s->frags[i] = s->frags[--s->nfrags];
	memset(&s->frags[s->nfrags], 0, sizeof(s->frags[0]));
}

void
stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	while (s->nfrags > 0)
		frag_drop(s, 0);
	free(s->frags);
	free(s);
}

int
stream_hdr_valid(const struct sb_hdr *h)
{
	return h->magic == SB_WIRE_MAGIC && h->version == SB_WIRE_VERSION && h->len >= sizeof(*h) &&
	    h->len <= SB_REC_MAX && (h->frag & ~SB_FRAG_WHOLE) == 0;
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

/* Room for one more pending message, evicting the oldest if full. */
static struct frag *
frag_slot(struct stream *s)
{
	size_t i, old = 0;

	if (s->nfrags == STREAM_PENDING_MAX) {
		for (i = 1; i < s->nfrags; i++)
			if (s->frags[i].seq < s->frags[old].seq)
				old = i;
		frag_drop(s, old);
		s->st.dropped++;
	}
	return &s->frags[s->nfrags++];
}

/* One fragment of a larger message: start, extend or finish it. */
static int
frag_record(struct stream *s, const struct sb_hdr *h, const unsigned char *b, size_t n)
{
	struct frag *f = frag_find(s, h);

	if (h->frag & SB_FRAG_FIRST) {
		if (f != NULL) { /* a FIRST again: the old one never ended */
			frag_drop(s, (size_t)(f - s->frags));
			s->st.dropped++;
		}
		f = frag_slot(s);
		f->hdr = *h;
		f->seq = s->seq++;
	} else if (f == NULL) {
		s->st.dropped++; /* its FIRST was lost or evicted */
		return 0;
	}
	if (f->body.len + n > STREAM_MSG_MAX) {
		frag_drop(s, (size_t)(f - s->frags));
		s->st.dropped++;
		return 0;
	}
	if (buf_add(&f->body, b, n) == -1) {
		frag_drop(s, (size_t)(f - s->frags));
		s->st.dropped++;
		return -1;
	}
	if (h->frag & SB_FRAG_LAST) {
		s->st.messages++;
		s->fn(s->ctx, &f->hdr, (const unsigned char *)f->body.p, f->body.len);
		frag_drop(s, (size_t)(f - s->frags));
	}
	return 0;
}

/* Skip bytes until something that may be a header; returns how many. */
static size_t
resync(const unsigned char *p, size_t n)
{
	const unsigned char *q;

	if (n <= 1)
		return n;
	q = memchr(p + 1, MAGIC_BYTE0, n - 1);
	return q == NULL ? n : (size_t)(q - p);
}

/*
 * Deliver every complete record in p[0..n); return the bytes consumed.
 * What is left is shorter than the record it starts, so it must wait
 * for more data.
 */
static size_t
parse(struct stream *s, const unsigned char *p, size_t n, int *nomem)
{
	size_t off = 0;
	struct sb_hdr h;

	while (n - off >= sizeof(h)) {
		memcpy(&h, p + off, sizeof(h));
		if (!stream_hdr_valid(&h)) {
			size_t skip = resync(p + off, n - off);

			s->st.garbage += skip;
			off += skip;
			continue;
		}
		if (h.len > n - off)
			break;
		s->st.records++;
		if (h.frag == SB_FRAG_WHOLE) {
			s->st.messages++;
			s->fn(s->ctx, &h, p + off + sizeof(h), h.len - sizeof(h));
		} else if (frag_record(s, &h, p + off + sizeof(h), h.len - sizeof(h)) == -1) {
			*nomem = 1;
		}
		off += h.len;
	}
	/* a tail that cannot even start a header is garbage already */
	if (off < n && p[off] != MAGIC_BYTE0) {
		size_t skip = resync(p + off, n - off);

		s->st.garbage += skip;
		off += skip;
	}
	return off;
}

int
stream_feed(struct stream *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	int nomem = 0;
	size_t used;

	if (s->carry_len > 0) {
		size_t old = s->carry_len;
		size_t take = n < CARRY_CAP - old ? n : CARRY_CAP - old;

		memcpy(s->carry + old, p, take);
		used = parse(s, s->carry, old + take, &nomem);
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
	used = parse(s, p, n, &nomem);
	memcpy(s->carry, p + used, n - used);
	s->carry_len = n - used;
out:
	if (nomem) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
stream_finish(struct stream *s)
{
	s->st.garbage += s->carry_len;
	s->carry_len = 0;
	s->st.dropped += s->nfrags;
	while (s->nfrags > 0)
		frag_drop(s, 0);
}

const struct stream_stats *
stream_stats(const struct stream *s)
{
	return &s->st;
}
