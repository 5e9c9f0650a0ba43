/*
 * Formatting and sending records.  Everything works on the caller's
 * stack and raw syscalls, so it is safe in a vfork child, in a signal
 * handler and in the middle of exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sb.h"

/*
 * Is the collector still there?  It holds a lock on the file named in
 * SBTRACE_ALIVE for as long as it reads; a full pipe with no lock
 * holder will never drain.
 */
int
sb_collector_alive(void)
{
	const char *path = sb.env_alive + sizeof(SB_ENV_ALIVE);
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	int fd, r;

	if (sb.env_alive[0] == '\0')
		return 0;
	fd = sb_sys_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	r = (int)syscall(SYS_fcntl, fd, F_OFD_GETLK, &fl);
	sb_sys_close(fd);
	return r == 0 && fl.l_type != F_UNLCK;
}

int
sb_fd_is_fifo(int fd)
{
	struct stat st;

	return fd >= 0 && syscall(SYS_fstat, fd, &st) == 0 && st.st_ino == sb.fifo_ino &&
	    st.st_dev == sb.fifo_dev;
}

/*
 * One record, one write(2) of at most PIPE_BUF bytes: atomic among all
 * writers.  The FIFO is non-blocking: a full pipe means a busy collector
 * (wait for room) or a dead one (stop reporting, run on untraced).
 */
static void
send_record(int fd, const void *buf, size_t n)
{
	int reopened = 0;

	for (;;) {
		ssize_t r = syscall(SYS_write, fd, buf, n);
		if (r >= 0)
			return;
		if (errno == EINTR)
			continue;
		if (errno == EBADF && !reopened && fd == sb_fd && syscall(SYS_getpid) == sb.pid) {
			/* Closed behind our back by a raw syscall: open the
			 * FIFO again by its path.  Never in a vfork child,
			 * whose fd table is not the one sb describes. */
			reopened = 1;
			fd = sb_open_fifo(1);
			__atomic_store_n(&sb_fd, fd >= 0 ? fd : SB_FD_LOST, __ATOMIC_RELAXED);
			if (fd >= 0)
				continue;
			return;
		}
		if (errno != EAGAIN)
			return;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
		r = syscall(SYS_ppoll, &p, 1, &ts, NULL, 0);
		if (r == 0 && !sb_collector_alive()) {
			/* Writing globals here is safe even in a vfork
			 * child: the collector is gone for the parent too. */
			__atomic_store_n(&sb.reporting, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&sb_fd, -1, __ATOMIC_RELAXED);
			return;
		}
	}
}

/*
 * The audit copy's records wait here and go out together, several
 * records in one write of at most PIPE_BUF bytes (still atomic): a
 * process's loads and searches cost one write, one fstat of the fd, one
 * getpid and one clock reading instead of one each per record.  ld.so
 * calls the audit callbacks one at a time, under its lock.  Sent when
 * full, when ld.so is done (la_activity), and at once after a failed
 * search: ld.so may be about to die of it, and those are the rows that
 * say why.
 */
static struct {
	unsigned char buf[SB_REC_MAX];
	size_t n;
	int fd;
	uint32_t pid;
	uint64_t ts;
} batch;

void
sb_batch_send(void)
{
	int saved = errno;

	if (batch.n == 0)
		return;
	/*
	 * The program's close() and dup2() reach only the preload copy's
	 * protection, so the audit copy checks its fd as it writes a batch
	 * (one per library: cheap enough; a dlopen's may have lasted while
	 * another thread closed or reused it) and opens the FIFO again
	 * when the fd was closed or reused.
	 */
	if (!sb_fd_is_fifo(batch.fd)) {
		batch.fd = sb_open_fifo(1);
		__atomic_store_n(&sb_fd, batch.fd, __ATOMIC_RELAXED);
	}
	if (batch.fd >= 0)
		send_record(batch.fd, batch.buf, batch.n);
	batch.n = 0;
	errno = saved;
}

static void
batch_add(const struct sb_out *o)
{
	size_t n = sizeof(o->hdr) + o->n;

	if (batch.n + n > sizeof(batch.buf))
		sb_batch_send();
	memcpy(batch.buf + batch.n, &o->hdr, sizeof(o->hdr));
	memcpy(batch.buf + batch.n + sizeof(o->hdr), o->body, o->n);
	batch.n += n;
}

static void
flush(struct sb_out *o, int last)
{
	o->hdr.frag = (uint8_t)((o->first ? SB_FRAG_FIRST : 0) | (last ? SB_FRAG_LAST : 0));
	o->hdr.len = (uint16_t)(sizeof(o->hdr) + o->n);
	o->hdr.sum = 0;
	o->hdr.sum = sb_wire_sum(&o->hdr, o->body, (unsigned)o->n);
	if (sb.audit)
		batch_add(o);
	else
		send_record(o->fd, &o->hdr, sizeof(o->hdr) + o->n);
	/* the next fragment's body follows this one's in the message */
	o->hdr.off += (uint32_t)o->n;
	o->first = 0;
	o->n = 0;
}

/* The audit copy's next record joins a batch under way: same fd, pid
 * and time; the fd is checked when the batch is written. */
static int
join_batch(struct sb_out *o)
{
	if (!sb.audit || batch.n == 0)
		return 0;
	o->fd = batch.fd;
	o->hdr.pid = batch.pid;
	o->hdr.ts_ns = batch.ts;
	return 1;
}

int
sb_out_begin(struct sb_out *o, int type, int with_tid)
{
	sb_ensure_init();
	if (join_batch(o))
		goto fill;
	o->fd = __atomic_load_n(&sb_fd, __ATOMIC_RELAXED);
	if (o->fd == SB_FD_LOST && syscall(SYS_getpid) == sb.pid) {
		o->fd = sb_open_fifo(1);
		if (o->fd >= 0)
			__atomic_store_n(&sb_fd, o->fd, __ATOMIC_RELAXED);
	}
	if (sb.audit && sb.reporting && o->fd < 0) {
		/* the audit copy opens the FIFO at its first record; whether
		 * the fd is still ours is checked as each batch is written */
		o->fd = sb_open_fifo(1);
		__atomic_store_n(&sb_fd, o->fd, __ATOMIC_RELAXED);
	}
	if (o->fd < 0)
		return 0;
	o->hdr.pid = (uint32_t)syscall(SYS_getpid);
	o->hdr.ts_ns = sb_now_ns();
	if (sb.audit) {
		batch.fd = o->fd;
		batch.pid = o->hdr.pid;
		batch.ts = o->hdr.ts_ns;
	}
fill:
	o->hdr.magic = SB_WIRE_MAGIC;
	o->hdr.version = SB_WIRE_VERSION;
	o->hdr.type = (uint8_t)type;
	o->hdr.reserved = 0;
	o->hdr.tid = with_tid ? (uint32_t)sb_gettid() : 0;
	o->hdr.image = sb.image;
	o->hdr.off = 0;
	o->n = 0;
	o->first = 1;
	return 1;
}

void
sb_out_bytes(struct sb_out *o, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		size_t room = sizeof(o->body) - o->n;
		if (room == 0) {
			/* A fragment needs the tid to be told apart from
			 * a signal handler's message of the same thread. */
			if (o->hdr.tid == 0)
				o->hdr.tid = (uint32_t)sb_gettid();
			flush(o, 0);
			room = sizeof(o->body);
		}
		size_t k = n < room ? n : room;
		memcpy(o->body + o->n, s, k);
		o->n += k;
		s += k;
		n -= k;
	}
}

void
sb_out_str(struct sb_out *o, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	sb_out_bytes(o, &len, sizeof(len));
	sb_out_bytes(o, s, n);
}

void
sb_out_cstr(struct sb_out *o, const char *s)
{
	sb_out_str(o, s, s != NULL ? sb_strlen(s) : 0);
}

void
sb_out_end(struct sb_out *o)
{
	flush(o, 1);
}

size_t
sb_base(int dirfd, const char *path, char *buf, size_t size)
{
	if (path[0] == '/')
		return 0;
	if (dirfd == AT_FDCWD) {
		/* The raw syscall counts the NUL; it never mallocs. */
		long r = syscall(SYS_getcwd, buf, size);
		return r > 0 && buf[0] == '/' ? (size_t)r - 1 : 0;
	}
	return sb_fd_path(dirfd, buf, size);
}

static void
out_path(struct sb_out *o, int dirfd, const char *path)
{
	char base[PATH_MAX];
	size_t bl = sb_base(dirfd, path, base, sizeof(base));

	sb_out_cstr(o, path);
	sb_out_str(o, base, bl);
}

/* A path we may read: not NULL, and the call did not fault on it. */
static int
readable_path(const char *path, int err)
{
	return path != NULL && err != EFAULT;
}

void
sb_access(int op, unsigned mode, int err, int dirfd, const char *path)
{
	char base[PATH_MAX];
	int saved = errno;

	sb_ensure_init();
	if (readable_path(path, err) && sb.reporting) {
		size_t bl = sb_base(dirfd, path, base, sizeof(base));
		sb_access_base(op, mode, err, path, base, bl);
	}
	errno = saved;
}

void
sb_access_base(int op, unsigned mode, int err, const char *path, const char *base, size_t baselen)
{
	int saved = errno;
	struct sb_out o;

	if (readable_path(path, err) && sb_out_begin(&o, SB_MSG_ACCESS, 0)) {
		struct sb_access a = { .op = (uint16_t)op, .mode = mode, .result = err };
		sb_out_bytes(&o, &a, sizeof(a));
		sb_out_cstr(&o, path);
		sb_out_str(&o, base, baselen);
		sb_out_end(&o);
	}
	errno = saved;
}

void
sb_access2(int op, unsigned mode, int err, int dirfd1, const char *path1, int dirfd2,
    const char *path2)
{
	int saved = errno;
	struct sb_out o;

	if (readable_path(path1, err) && path2 != NULL && sb_out_begin(&o, SB_MSG_ACCESS, 0)) {
		struct sb_access a = { .op = (uint16_t)op, .mode = mode, .result = err };
		sb_out_bytes(&o, &a, sizeof(a));
		out_path(&o, dirfd1, path1);
		out_path(&o, dirfd2, path2);
		sb_out_end(&o);
	}
	errno = saved;
}

void
sb_access_fd(int op, unsigned mode, int err, int fd)
{
	int saved = errno;
	char path[PATH_MAX];
	size_t n;

	sb_ensure_init();
	if (!sb.reporting)
		return;
	n = sb_base(fd, "", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		sb_access(op, mode | SB_M_FD, err, AT_FDCWD, path);
	}
	errno = saved;
}
