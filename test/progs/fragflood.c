/*
 * fragflood FIFO KEYS ROUNDS DIR: fill the collector with messages that
 * never end.  Write the first fragment of KEYS messages (fake pids),
 * then ROUNDS rounds of one more full middle fragment for each, never a
 * last one.  Halfway, in the middle of the flood, send a real message
 * of this process in three fragments: a failed stat of DIR/ followed by
 * 10,000 x's, which must still arrive.  Records carry valid checksums:
 * to the collector they are a real writer's.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <unistd.h>

#include "../../common/wire.h"

#define CHUNK (SB_REC_MAX - sizeof(struct sb_hdr))

static int fd;

static void
send(struct sb_hdr *h, int frag, const void *body, size_t n)
{
	unsigned char rec[SB_REC_MAX];

	h->frag = (uint8_t)frag;
	h->len = (uint16_t)(sizeof(*h) + n);
	h->sum = 0;
	h->sum = sb_wire_sum(h, body, (unsigned)n);
	memcpy(rec, h, sizeof(*h));
	memcpy(rec + sizeof(*h), body, n);
	if (write(fd, rec, h->len) != h->len)
		err(1, "write");
	h->off += (uint32_t)n;
}

int
main(int argc, char **argv)
{
	static unsigned char junk[CHUNK], msg[3 * CHUNK];
	struct sb_hdr *keys, legit = {.magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION,
				  .type = SB_MSG_ACCESS};
	struct sb_access a = {.op = SB_OP_STAT, .result = ENOENT};
	struct timespec ts;
	size_t n = 0;
	uint32_t len;

	if (argc != 5)
		errx(2, "usage: fragflood FIFO KEYS ROUNDS DIR");
	long nkeys = atol(argv[2]), rounds = atol(argv[3]);
	if ((fd = open(argv[1], O_WRONLY | O_CLOEXEC)) == -1)
		err(1, "%s", argv[1]);
	if ((keys = calloc((size_t)nkeys, sizeof(*keys))) == NULL)
		err(1, NULL);
	memset(junk, 'j', sizeof(junk));
	/* the access message, as libsbtrace would send it for this image */
	memcpy(msg, &a, sizeof(a));
	n = sizeof(a);
	len = (uint32_t)(strlen(argv[4]) + 1 + 10000);
	memcpy(msg + n, &len, 4);
	n += 4;
	n += (size_t)snprintf((char *)msg + n, sizeof(msg) - n, "%s/", argv[4]);
	memset(msg + n, 'x', 10000);
	n += 10000;
	memset(msg + n, 0, 4); /* the base: none, the path is absolute */
	n += 4;
	clock_gettime(CLOCK_REALTIME, &ts);
	legit.pid = (uint32_t)getpid();
	legit.tid = (uint32_t)gettid();
	memcpy(&legit.image, (const void *)getauxval(AT_RANDOM), sizeof(legit.image));
	legit.ts_ns = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;

	for (long k = 0; k < nkeys; k++) {
		keys[k] = (struct sb_hdr){.magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION,
		    .type = SB_MSG_START, .pid = 0x7f000000u + (uint32_t)k,
		    .tid = 0x7f000000u + (uint32_t)k, .image = 0x5eed, .ts_ns = 1};
		send(&keys[k], SB_FRAG_FIRST, junk, CHUNK);
	}
	for (long r = 0; r < rounds; r++) {
		if (r == rounds / 2)
			send(&legit, SB_FRAG_FIRST, msg, CHUNK);
		for (long k = 0; k < nkeys; k++)
			send(&keys[k], 0, junk, CHUNK);
		if (r == rounds / 2)
			send(&legit, 0, msg + CHUNK, CHUNK);
		if (r == rounds / 2 + 1)
			send(&legit, SB_FRAG_LAST, msg + 2 * CHUNK, n - 2 * CHUNK);
	}
	free(keys);
	return 0;
}
