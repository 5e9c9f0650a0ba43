#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"

/* A private directory under base: c->dir, and the paths in it. */
static int
make_dir(struct channel *c, const char *base)
{
	if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/sbtrace.XXXXXX", base) >=
	    sizeof(c->dir) - sizeof("/alive")) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(c->dir) == NULL)
		return -1;
	/* cannot truncate: the length was checked above */
	strlcpy(c->fifo, c->dir, sizeof(c->fifo));
	strlcat(c->fifo, "/fifo", sizeof(c->fifo));
	strlcpy(c->alive, c->dir, sizeof(c->alive));
	strlcat(c->alive, "/alive", sizeof(c->alive));
	return 0;
}

/*
 * The alive file's bytes are the table of C library calls already traced
 * (sbtrace-wire(5)): zeros, none yet.  Its blocks are allocated now, not
 * left a hole: a traced process writes its slots through a shared
 * mapping, and a write to a hole on a full file system (a tmpfs the
 * command itself filled) is a SIGBUS that kills it.  Where they cannot
 * be, the file is left empty, which the library takes for no table:
 * each process then traces those calls for itself.
 */
static void
alloc_seen_table(int fd)
{
	if (posix_fallocate(fd, 0, SB_SEEN_SIZE) != 0)
		(void)!ftruncate(fd, 0);
}

/* Hold a write lock on alive: an OFD lock, so it belongs to this open
 * file (not to the process) and our fork child cannot drop it. */
static int
lock_alive(struct channel *c)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	c->lockfd = open(c->alive, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (c->lockfd == -1)
		return -1;
	alloc_seen_table(c->lockfd);
	return fcntl(c->lockfd, F_OFD_SETLK, &fl);
}

static int
open_fifo(struct channel *c)
{
	if (mkfifo(c->fifo, 0600) == -1)
		return -1;
	c->fd = open(c->fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (c->fd == -1)
		return -1;
	/* a bigger pipe absorbs bursts; less is fine (pipe-max-size) */
	(void)fcntl(c->fd, F_SETPIPE_SZ, CHANNEL_PIPE_SIZE);
	return 0;
}

/* The channel under base; -1 with errno, and c->dir naming what failed. */
static int
open_under(struct channel *c, const char *base)
{
	char failed[PATH_MAX];
	int saved;

	c->fd = c->lockfd = -1;
	if (make_dir(c, base) == -1) {
		saved = errno;
		snprintf(c->dir, sizeof(c->dir), "%s/sbtrace.XXXXXX", base);
		errno = saved;
		return -1;
	}
	if (lock_alive(c) == -1 || open_fifo(c) == -1) {
		saved = errno;
		strlcpy(failed, c->lockfd == -1 ? c->alive : c->fifo, sizeof(failed));
		channel_close(c);
		strlcpy(c->dir, failed, sizeof(c->dir));
		errno = saved;
		return -1;
	}
	return 0;
}

int
channel_open(struct channel *c, const char *dbdir, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	/* TMPDIR when the user chose one; else a place in memory, since
	 * making the directory, FIFO and lock on a disk /tmp costs most of
	 * a millisecond of every trace; then /tmp, which may be on disk,
	 * and the database's directory, for a read-only /tmp. */
	const char *base[] = { tmpdir, xdg, "/dev/shm", "/tmp", dbdir };
	size_t i, j, n = 0;

	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		if (base[i] == NULL || base[i][0] == '\0')
			continue;
		for (j = 0; j < i && (base[j] == NULL || strcmp(base[j], base[i]) != 0); j++)
			;
		if (j < i)
			continue; /* tried already */
		if (open_under(c, base[i]) == 0)
			return 0;
		/* c->dir names what failed: the directory or a file in it */
		n += (size_t)snprintf(err + n, n < errlen ? errlen - n : 0, "%s%s: %s",
		    n > 0 ? "; " : "", c->dir, strerror(errno));
		if (n >= errlen)
			n = errlen;
		c->dir[0] = '\0';
	}
	errno = ENOENT;
	return -1;
}

ssize_t
channel_read(struct channel *c, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(c->fd, buf, n);
	while (r == -1 && errno == EINTR);
	if (r == -1 && errno == EAGAIN)
		return 0;
	return r;
}

void
channel_close(struct channel *c)
{
	if (c->fd != -1)
		close(c->fd);
	if (c->lockfd != -1)
		close(c->lockfd);
	c->fd = c->lockfd = -1;
	if (c->dir[0] == '\0')
		return;
	(void)unlink(c->fifo);
	(void)unlink(c->alive);
	(void)rmdir(c->dir);
	c->dir[0] = '\0';
}
