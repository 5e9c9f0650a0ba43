/*
 * Reading a traced process from outside: see tracee.h.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "binfmt.h"
#include "libcenv.h"
#include "procstat.h"
#include "sysdecode.h"
#include "tracee.h"
#include "wire.h"

/* Pointers of an execve argv we read at most. */
#define ARGV_MAX 65536

int
tracee_peek(pid_t pid, uint64_t addr, void *out, size_t n)
{
	struct iovec l = { out, n }, r = { (void *)(uintptr_t)addr, n };
	char path[64];
	ssize_t got;
	int fd;

	if (process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)n)
		return 0;
	if (errno != ENOSYS && errno != EPERM)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	got = pread(fd, out, n, (off_t)addr);
	close(fd);
	return got == (ssize_t)n ? 0 : -1;
}

/* Reads page by page: a string may end just before an unmapped page. */
int
tracee_peek_str(pid_t pid, uint64_t addr, struct buf *b, size_t max)
{
	char chunk[4096];

	buf_clear(b);
	if (addr == 0)
		return -1;
	while (b->len < max) {
		size_t n = 4096 - (size_t)(addr % 4096), z;
		char *nul;

		if (tracee_peek(pid, addr, chunk, n) == -1)
			return b->len > 0 ? 0 : -1;
		nul = memchr(chunk, '\0', n);
		z = nul ? (size_t)(nul - chunk) : n;
		if (z > max - b->len)
			z = max - b->len;
		if (buf_add(b, chunk, z) == -1)
			return -1;
		if (nul != NULL)
			break;
		addr += n;
	}
	if (buf_reserve(b, 0) == -1)
		return -1;
	b->p[b->len] = '\0';
	return 0;
}

int
tracee_read_link(const char *path, struct buf *b)
{
	buf_clear(b);
	if (buf_reserve(b, PATH_MAX) == -1)
		return -1;
	ssize_t n = readlink(path, b->p, PATH_MAX);
	if (n <= 0 || n >= PATH_MAX) {
		b->p[0] = '\0';
		return -1;
	}
	b->len = (size_t)n;
	b->p[n] = '\0';
	return 0;
}

int
tracee_read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;
	ssize_t n;

	buf_clear(b);
	if (fd == -1)
		return -1;
	for (;;) {
		if (buf_reserve(b, 4096) == -1)
			goto fail;
		n = read(fd, b->p + b->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail; /* a process gone while we read it: ESRCH */
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	b->p[b->len] = '\0';
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
tracee_stat(pid_t pid, pid_t *ppid, uint64_t *starttime, struct buf *tmp)
{
	struct sb_procstat ps;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (tracee_read_file(path, tmp) == -1 || sb_procstat_parse(tmp->p, tmp->len, &ps) == -1)
		return -1;
	*ppid = (pid_t)ps.ppid;
	*starttime = ps.starttime;
	return 0;
}

pid_t
tracee_tgid(pid_t tid, struct buf *tmp)
{
	char path[64], *s;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (tracee_read_file(path, tmp) == -1 || (s = strstr(tmp->p, "\nTgid:")) == NULL)
		return tid;
	return (pid_t)strtol(s + 6, NULL, 10);
}

uint64_t
tracee_image(pid_t pid, struct buf *execfn, struct buf *tmp)
{
	char path[64];
	uint64_t rnd = 0, fn = 0, image = 0;

	if (execfn != NULL)
		buf_clear(execfn);
	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	if (tracee_read_file(path, tmp) == 0) {
		const uint64_t *v = (const void *)tmp->p;
		for (size_t i = 0; i + 1 < tmp->len / 8; i += 2) {
			if (v[i] == AT_RANDOM)
				rnd = v[i + 1];
			else if (v[i] == AT_EXECFN)
				fn = v[i + 1];
		}
	}
	if (rnd != 0 && tracee_peek(pid, rnd, &image, sizeof(image)) == -1)
		image = 0;
	if (fn != 0 && execfn != NULL)
		(void)tracee_peek_str(pid, fn, execfn, PATH_MAX);
	return image;
}

int
tracee_loads_library(pid_t pid, struct buf *tmp)
{
	char path[64];
	struct sb_elf e;
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	rc = sb_elf_probe(fd_pread, &fd, &e);
	close(fd);
	/* a 32-bit program's loader refuses our 64-bit library */
	if (rc != SB_ELF_OK || e.interp_len == 0 || !sb_elf_native(&e))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (tracee_read_file(path, tmp) == -1)
		return 0;
	for (size_t i = 0; i < tmp->len; i += strlen(tmp->p + i) + 1)
		if (strncmp(tmp->p + i, SB_ENV_FIFO "=", sizeof(SB_ENV_FIFO)) == 0)
			return 1;
	return 0;
}

/* --- the call at its entry ------------------------------------------- */

/*
 * Path number i of c: the string at addr, relative to dirfd.  The base
 * is read now, before the call can change the cwd.
 */
static int
take_path(struct tracee_call *c, int i, pid_t tid, pid_t tgid, int64_t dirfd, uint64_t addr)
{
	char link[64];

	if (tracee_peek_str(tid, addr, &c->raw[i], PATH_MAX) == -1)
		return -1;
	buf_clear(&c->base[i]);
	c->dirfd[i] = dirfd;
	if (c->raw[i].p[0] != '/') {
		if ((int)dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tgid, (int)dirfd);
		if (tracee_read_link(link, &c->base[i]) == -1 || c->base[i].p[0] != '/')
			buf_clear(&c->base[i]);
	}
	c->npaths = i + 1;
	return 0;
}

/* The file behind fd, as the library's fd paths (SB_M_FD). */
static int
take_fd(struct tracee_call *c, pid_t tgid, int64_t fd)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tgid, (int)fd);
	if (tracee_read_link(link, &c->raw[0]) == -1 || c->raw[0].p[0] != '/')
		return -1;
	buf_clear(&c->base[0]);
	c->dirfd[0] = fd;
	c->by_fd = 1;
	c->npaths = 1;
	return 0;
}

static int
peek_cb(void *ctx, uint64_t addr, void *out, size_t n)
{
	return tracee_peek(*(const pid_t *)ctx, addr, out, n);
}

int
tracee_call_take(struct tracee_call *c, pid_t tid, pid_t tgid, uint64_t nr, const uint64_t a[6])
{
	struct sc_call d;
	int r = 0;

	c->npaths = 0;
	c->by_fd = 0;
	if (sc_decode(nr, a, peek_cb, &tid, &d) != 1)
		return 0;
	c->op = d.op;
	c->mode = d.mode;
	c->flags = d.flags;
	c->argv = d.argv;
	for (int i = 0; i < d.npaths && r == 0; i++)
		r = d.path[i].is_fd ? take_fd(c, tgid, d.path[i].dirfd)
				    : take_path(c, i, tid, tgid, d.path[i].dirfd, d.path[i].addr);
	/* an unreadable path faults in the kernel too (EFAULT): the
	 * library does not report those either */
	if (r != 0)
		return 0;
	if (d.empty_is_fd && c->raw[0].len == 0) {
		/* an fstat is no path access; an exec of the fd is */
		if (d.op != SB_OP_EXEC || take_fd(c, tgid, d.path[0].dirfd) == -1)
			return 0;
		c->mode |= SB_M_FD;
	}
	return 1;
}

void
tracee_call_free(struct tracee_call *c)
{
	for (int i = 0; i < 2; i++) {
		buf_free(&c->raw[i]);
		buf_free(&c->base[i]);
	}
}

/* --- messages to the model ------------------------------------------- */

void
tracee_out_free(struct tracee_out *o)
{
	buf_free(&o->body);
	buf_free(&o->tmp);
	buf_free(&o->argv);
}

void
tracee_body_start(struct tracee_out *o, const void *fixed, size_t n)
{
	buf_clear(&o->body);
	if (buf_add(&o->body, fixed, n) == -1)
		o->body.len = (size_t)-1;
}

void
tracee_body_str(struct tracee_out *o, const char *s, size_t n)
{
	uint32_t l = (uint32_t)n;

	if (o->body.len == (size_t)-1)
		return;
	if (buf_add(&o->body, &l, sizeof(l)) == -1 || (n > 0 && buf_add(&o->body, s, n) == -1))
		o->body.len = (size_t)-1;
}

/* The strings of a NUL-separated list (cmdline), each one string. */
static void
body_list(struct tracee_out *o, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = strnlen(p + i, n - i);
		tracee_body_str(o, p + i, l);
		i += l + 1;
	}
}

void
tracee_send(struct tracee_out *o, int type, pid_t pid, pid_t tid, uint64_t image)
{
	struct sb_hdr h = { .magic = SB_WIRE_MAGIC,
		.version = SB_WIRE_VERSION,
		.type = (uint8_t)type,
		.frag = SB_FRAG_WHOLE,
		.pid = (uint32_t)pid,
		.tid = (uint32_t)tid,
		.image = image,
		.ts_ns = (uint64_t)now_realtime_ns() };

	if (o->body.len == (size_t)-1) {
		model_backend_oom(o->model);
		return;
	}
	model_backend_message(o->model, o->backend, &h, (const unsigned char *)o->body.p,
	    o->body.len);
}

void
tracee_send_start(struct tracee_out *o, pid_t pid, uint64_t *image)
{
	char path[64];
	struct buf exe = { 0 }, cwd = { 0 }, fn = { 0 }, env = { 0 };
	struct sb_start s = { 0 };
	pid_t ppid = 0;

	/* the environment the image started with, as the library's
	 * constructor sees it: only the variables glibc reads files by */
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (tracee_read_file(path, &env) == 0)
		for (size_t i = 0; i < env.len; i += strnlen(env.p + i, env.len - i) + 1)
			s.nenv +=
			    (uint32_t)sb_libcenv_is(env.p + i, strnlen(env.p + i, env.len - i));
	if ((*image = tracee_image(pid, &fn, &o->tmp)) == 0) {
		/* cannot read it: any id unique in the run will do */
		static uint64_t n;
		*image = hash_u64((uint64_t)now_realtime_ns(), ++n) | 1;
	}
	if (tracee_stat(pid, &ppid, &s.starttime, &o->tmp) == 0)
		s.ppid = (uint32_t)ppid;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	tracee_read_link(path, &exe);
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	tracee_read_link(path, &cwd);
	tracee_body_start(o, &s, sizeof(s));
	tracee_body_str(o, exe.p, exe.len);
	tracee_body_str(o, fn.p, fn.len);
	tracee_body_str(o, cwd.p, cwd.len);
	for (size_t i = 0; s.nenv > 0 && i < env.len;) {
		size_t n = strnlen(env.p + i, env.len - i);
		if (sb_libcenv_is(env.p + i, n))
			tracee_body_str(o, env.p + i, n);
		i += n + 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (tracee_read_file(path, &o->tmp) == 0)
		body_list(o, o->tmp.p, o->tmp.len);
	tracee_send(o, SB_MSG_START, pid, 0, *image);
	buf_free(&exe);
	buf_free(&cwd);
	buf_free(&fn);
	buf_free(&env);
}

void
tracee_send_exec(struct tracee_out *o, const struct tracee_call *c, pid_t tgid, pid_t tid,
    uint64_t image)
{
	struct sb_exec e = { .mode = c->mode, .result = SB_EXEC_PENDING };
	pid_t ppid = 0;
	uint64_t st, ptr;

	if (tracee_stat(tgid, &ppid, &st, &o->tmp) == 0)
		e.ppid = (uint32_t)ppid;
	tracee_body_start(o, &e, sizeof(e));
	tracee_body_str(o, c->raw[0].p, c->raw[0].len);
	tracee_body_str(o, "", 0);
	tracee_body_str(o, c->base[0].p, c->base[0].len);
	for (size_t i = 0; c->argv != 0 && i < ARGV_MAX; i++) {
		if (tracee_peek(tid, c->argv + i * 8, &ptr, sizeof(ptr)) == -1 || ptr == 0 ||
		    tracee_peek_str(tid, ptr, &o->argv, 1 << 20) == -1)
			break;
		tracee_body_str(o, o->argv.p, o->argv.len);
	}
	tracee_send(o, SB_MSG_EXEC, tgid, tid, image);
}

void
tracee_send_exec_fail(struct tracee_out *o, int err, pid_t tgid, pid_t tid, uint64_t image)
{
	struct sb_exec_fail f = { .error = err };

	tracee_body_start(o, &f, sizeof(f));
	tracee_send(o, SB_MSG_EXEC_FAIL, tgid, tid, image);
}

void
tracee_body_access(struct tracee_out *o, const struct tracee_call *c, int err)
{
	struct sb_access a = { .op = c->op, .mode = c->mode, .result = err };

	tracee_body_start(o, &a, sizeof(a));
	for (int i = 0; i < c->npaths; i++) {
		tracee_body_str(o, c->raw[i].p, c->raw[i].len);
		tracee_body_str(o, c->base[i].p, c->base[i].len);
	}
}

void
tracee_send_access(struct tracee_out *o, const struct tracee_call *c, int err, pid_t tgid,
    uint64_t image)
{
	tracee_body_access(o, c, err);
	tracee_send(o, SB_MSG_ACCESS, tgid, 0, image);
}

void
tracee_send_fork(struct tracee_out *o, pid_t pid, pid_t ppid, uint64_t starttime, uint64_t image)
{
	struct sb_fork f = { .ppid = (uint32_t)ppid, .starttime = starttime };

	tracee_body_start(o, &f, sizeof(f));
	tracee_send(o, SB_MSG_FORK, pid, 0, image);
}
