/*
 * Fuzz target: the collector's trace-stream parser and message decoder,
 * fed bytes any process in the traced tree could write into the FIFO.
 * The input is split into reads at positions taken from its first byte,
 * so record boundaries across reads are exercised too.
 */
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode(void *ctx, const struct sb_hdr *hdr, const unsigned char *body,
    size_t len)
{
	struct msg *m = ctx;

	(void)msg_decode(m, hdr, body, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m = {0};
	struct stream *s = stream_new(decode, &m);
	size_t step = size > 0 ? (size_t)data[0] % 97 + 1 : 1;

	if (s == NULL)
		return 0;
	for (size_t off = 0; off < size; off += step)
		(void)stream_feed(s, data + off, size - off < step ? size - off : step);
	stream_finish(s);
	stream_free(s);
	msg_free(&m);
	return 0;
}
