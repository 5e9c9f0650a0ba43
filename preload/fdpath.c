/*
 * The path an fd names, for the *at() calls made relative to it.
 *
 * The kernel only tells through readlink("/proc/self/fd/N"), which walks
 * procfs and builds the path: 7-9 us on this machine, against 0.5-0.7
 * us for an fstat.  find(1) and every fts-based walker call fstatat and
 * openat relative to the directory they hold open, so a traced find
 * paid more for our readlinks than for its own work.  The paths read
 * are kept here, keyed by fd and checked against the fd's device and
 * inode on each use: a closed and reused fd, or one dup2'd over, is a
 * different file and misses.  What the check cannot see is a directory
 * renamed while it is held open: it keeps the path it had when first
 * used (libsbtrace(7)).
 *
 * Lock-free, for threads and signal handlers alike: each slot has a
 * sequence number, odd while a writer fills it; a reader that sees it
 * odd or changed by the end of its copy reads /proc instead.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sb.h"

#define FDP_SLOTS 8 /* a walker holds one directory at a time, or a few */

static struct fdp_slot {
	unsigned seq;
	int fd;
	uint64_t dev, ino;
	size_t len;
	char path[PATH_MAX];
} slots[FDP_SLOTS];

static size_t
read_proc_link(int fd, char *buf, size_t size)
{
	char link[32] = "/proc/self/fd/";
	char num[16];
	char *d = sb_fmt_uint(num + sizeof(num), (unsigned long)fd);
	size_t dl = (size_t)(num + sizeof(num) - d);

	memcpy(link + 14, d, dl);
	link[14 + dl] = '\0';
	ssize_t r = sb_sys_readlink(link, buf, size);
	return r > 0 && buf[0] == '/' ? (size_t)r : 0;
}

static size_t
cached(struct fdp_slot *s, int fd, const struct stat *st, char *buf, size_t size)
{
	unsigned seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);

	if ((seq & 1) != 0 || s->fd != fd || s->dev != st->st_dev || s->ino != st->st_ino ||
	    s->len == 0 || s->len > size)
		return 0;
	size_t len = s->len;
	memcpy(buf, s->path, len);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->seq, __ATOMIC_RELAXED) == seq ? len : 0;
}

static void
remember(struct fdp_slot *s, int fd, const struct stat *st, const char *path, size_t len)
{
	unsigned seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);

	/* another writer has it, or took it since: leave it to them */
	if ((seq & 1) != 0 || len > sizeof(s->path) ||
	    !__atomic_compare_exchange_n(&s->seq, &seq, seq + 1, 0, __ATOMIC_ACQUIRE,
		__ATOMIC_RELAXED))
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->fd = fd;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->len = len;
	memcpy(s->path, path, len);
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

size_t
sb_fd_path(int fd, char *buf, size_t size)
{
	struct stat st;

	if (fd < 0 || syscall(SYS_fstat, fd, &st) != 0)
		return 0;
	struct fdp_slot *s = &slots[(unsigned)fd % FDP_SLOTS];
	size_t len = cached(s, fd, &st, buf, size);
	if (len > 0)
		return len;
	len = read_proc_link(fd, buf, size);
	if (len > 0 && len < size)
		remember(s, fd, &st, buf, len);
	return len;
}
