/*
 * The collector's end of the trace channel (sbtrace-wire(5)): a FIFO
 * in a private directory, and a file held locked while we collect so
 * writers can tell a dead collector from a slow one.
 */
#ifndef SB_COLLECTOR_CHANNEL_H
#define SB_COLLECTOR_CHANNEL_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "wire.h"

/* F_SETPIPE_SZ asked for; the kernel may give less (pipe-max-size). */
#define CHANNEL_PIPE_SIZE (1 << 20)

struct channel {
	char dir[PATH_MAX];
	char fifo[PATH_MAX];
	char alive[PATH_MAX];
	int fd;	    /* the FIFO, O_RDWR|O_NONBLOCK: never EOF, never blocks */
	int lockfd; /* alive, with an OFD write lock */
};

/*
 * Make the directory, FIFO and lock in a private directory and open
 * them: under $TMPDIR, /tmp, $XDG_RUNTIME_DIR, /dev/shm or dbdir (the
 * database's directory), the first that works.  -1 when none does, with
 * every path tried and why in err, everything made removed again.
 */
int channel_open(struct channel *c, const char *dbdir, char *err, size_t errlen);

/* Read what is there: bytes read, 0 when the FIFO is empty, -1 with
 * errno on error.  Retries EINTR. */
ssize_t channel_read(struct channel *c, void *buf, size_t n);

/* Release the lock (writers give up from now on) and remove it all. */
void channel_close(struct channel *c);

#endif
