/*
 * The ptrace backend: see ptrace.h.  Every traced thread is a task;
 * every thread group a process with the image id the library would
 * have used (the first 8 bytes of its AT_RANDOM), so rows from both
 * backends meet in one model.
 */
#include <elf.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ptrace.h>

#include "binfmt.h"
#include "libcenv.h"
#include "modes.h"
#include "procstat.h"
#include "ptrace.h"
#include "syscalls.h"
#include "sysdecode.h"
#include "util.h"
#include "wire.h"

#define PT_OPTIONS                                                                                 \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |  \
	    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)
/* Pointers of an execve argv we read at most. */
#define ARGV_MAX 65536
#define PID_CHUNK 4096

/* A thread group. */
struct tproc {
	pid_t tgid;
	uint64_t image;
	int active;  /* this image is recorded from here, not the library */
	int threads; /* tasks pointing at it */
};

/* A path syscall between its entry and its exit stop. */
struct pending {
	int active; /* 0: none */
	uint16_t op;
	uint32_t mode;
	struct buf raw[2], base[2];
	int npaths;
};

struct task {
	pid_t tid;
	struct tproc *proc;
	int sysmode;	  /* no seccomp filter: stop at every syscall */
	int in_exit;	  /* resumed to the exit stop of a path syscall */
	int exec_pending; /* an execve was announced to the model */
	int adopted;	  /* seized on the library's request, no stop seen */
	struct pending sc;
};

struct ptracer {
	struct model *model;
	int hybrid;
	pid_t root;
	int root_exec_error;
	int err_fd; /* the root child reports a failed exec here */
	size_t ntasks;
	struct task **chunks[(1 << 22) / PID_CHUNK + 1];
	struct buf body, tmp, argv;
};

/* --- the task table: pid -> task, two levels so removal is trivial -- */

static struct task **
slot(struct ptracer *t, pid_t tid, int make)
{
	size_t c = (size_t)tid / PID_CHUNK;

	if (tid <= 0 || c >= sizeof(t->chunks) / sizeof(t->chunks[0]))
		return NULL;
	if (t->chunks[c] == NULL) {
		if (!make)
			return NULL;
		if ((t->chunks[c] = calloc(PID_CHUNK, sizeof(struct task *))) == NULL)
			return NULL;
	}
	return &t->chunks[c][(size_t)tid % PID_CHUNK];
}

static struct task *
task_get(struct ptracer *t, pid_t tid)
{
	struct task **s = slot(t, tid, 0);

	return s ? *s : NULL;
}

static void
pending_clear(struct pending *p)
{
	p->active = 0;
	p->npaths = 0;
}

static void
task_free(struct task *k)
{
	for (int i = 0; i < 2; i++) {
		buf_free(&k->sc.raw[i]);
		buf_free(&k->sc.base[i]);
	}
	free(k);
}

static void
task_drop(struct ptracer *t, struct task *k)
{
	struct task **s = slot(t, k->tid, 0);

	if (s != NULL && *s == k)
		*s = NULL;
	if (k->proc != NULL && --k->proc->threads == 0)
		free(k->proc);
	task_free(k);
	t->ntasks--;
}

static struct task *
task_add(struct ptracer *t, pid_t tid, struct tproc *p)
{
	struct task **s = slot(t, tid, 1), *k;

	if (s == NULL || (k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if (*s != NULL)
		task_drop(t, *s);
	k->tid = tid;
	k->proc = p;
	p->threads++;
	*s = k;
	t->ntasks++;
	return k;
}

static struct tproc *
proc_alloc(pid_t tgid, uint64_t image, int active)
{
	struct tproc *p = calloc(1, sizeof(*p));

	if (p != NULL) {
		p->tgid = tgid;
		p->image = image;
		p->active = active;
	}
	return p;
}

void
ptracer_set_model(struct ptracer *t, struct model *m)
{
	t->model = m;
}

struct ptracer *
ptracer_new(int hybrid)
{
	struct ptracer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->hybrid = hybrid;
	t->err_fd = -1;
	return t;
}

void
ptracer_free(struct ptracer *t)
{
	if (t == NULL)
		return;
	for (size_t c = 0; c < sizeof(t->chunks) / sizeof(t->chunks[0]); c++) {
		if (t->chunks[c] == NULL)
			continue;
		for (size_t i = 0; i < PID_CHUNK; i++)
			if (t->chunks[c][i] != NULL)
				task_drop(t, t->chunks[c][i]);
		free(t->chunks[c]);
	}
	if (t->err_fd >= 0)
		close(t->err_fd);
	buf_free(&t->body);
	buf_free(&t->tmp);
	buf_free(&t->argv);
	free(t);
}

/* --- reading the tracee ---------------------------------------------- */

/* n bytes at addr in pid; 0 or -1.  /proc/PID/mem when
 * process_vm_readv is not allowed (some seccomp profiles). */
static int
peek(pid_t pid, uint64_t addr, void *out, size_t n)
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

/*
 * The NUL-terminated string at addr into b (without the NUL), at most
 * max bytes.  Reads page by page: a string may end just before an
 * unmapped page.
 */
static int
peek_str(pid_t pid, uint64_t addr, struct buf *b, size_t max)
{
	char chunk[4096];

	buf_clear(b);
	if (addr == 0)
		return -1;
	while (b->len < max) {
		size_t n = 4096 - (size_t)(addr % 4096), z;
		char *nul;

		if (peek(pid, addr, chunk, n) == -1)
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

/* readlink into b; -1 when it cannot be read. */
static int
read_link(const char *path, struct buf *b)
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

/* A whole small /proc file into b (NUL-terminated); -1 on failure. */
static int
read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf_clear(b);
	if (fd == -1)
		return -1;
	for (;;) {
		if (buf_reserve(b, 4096) == -1)
			break;
		n = read(fd, b->p + b->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	if (b->p == NULL && buf_reserve(b, 0) == -1)
		return -1;
	b->p[b->len] = '\0';
	return 0;
}

/* ppid and starttime from /proc/PID/stat; -1 if it is gone. */
static int
proc_stat(pid_t pid, pid_t *ppid, uint64_t *starttime, struct buf *b)
{
	struct sb_procstat ps;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, b) == -1 || sb_procstat_parse(b->p, b->len, &ps) == -1)
		return -1;
	*ppid = (pid_t)ps.ppid;
	*starttime = ps.starttime;
	return 0;
}

/* The thread group of tid, from /proc/TID/status. */
static pid_t
tgid_of(pid_t tid, struct buf *b)
{
	char path[64], *s;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_file(path, b) == -1 || (s = strstr(b->p, "\nTgid:")) == NULL)
		return tid;
	return (pid_t)strtol(s + 6, NULL, 10);
}

/* AT_RANDOM (the library's image id) and AT_EXECFN of a fresh image. */
static void
auxv_of(struct ptracer *t, pid_t pid, uint64_t *image, struct buf *execfn)
{
	char path[64];
	uint64_t rnd = 0, fn = 0;

	*image = 0;
	buf_clear(execfn);
	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	if (read_file(path, &t->tmp) == 0) {
		const uint64_t *v = (const void *)t->tmp.p;
		for (size_t i = 0; i + 1 < t->tmp.len / 8; i += 2) {
			if (v[i] == AT_RANDOM)
				rnd = v[i + 1];
			else if (v[i] == AT_EXECFN)
				fn = v[i + 1];
		}
	}
	if (rnd != 0)
		(void)peek(pid, rnd, image, sizeof(*image));
	if (*image == 0) {
		/* cannot read it: any id unique in the run will do */
		static uint64_t n;
		*image = hash_u64((uint64_t)now_realtime_ns(), ++n) | 1;
	}
	if (fn != 0)
		(void)peek_str(pid, fn, execfn, PATH_MAX);
}

/*
 * Will the image pid now runs load libsbtrace.so?  Yes when it has a
 * PT_INTERP and the trace's variables are in its environment: the
 * library then reports it (and ptrace only keeps watch).
 */
static int
loads_library(struct ptracer *t, pid_t pid)
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
	if (read_file(path, &t->tmp) == -1)
		return 0;
	for (size_t i = 0; i < t->tmp.len; i += strlen(t->tmp.p + i) + 1)
		if (strncmp(t->tmp.p + i, SB_ENV_FIFO "=", sizeof(SB_ENV_FIFO)) == 0)
			return 1;
	return 0;
}

/* --- messages to the model ------------------------------------------- */

static void
body_start(struct ptracer *t, const void *fixed, size_t n)
{
	buf_clear(&t->body);
	if (buf_add(&t->body, fixed, n) == -1)
		t->body.len = (size_t)-1;
}

static void
body_str(struct ptracer *t, const char *s, size_t n)
{
	uint32_t l = (uint32_t)n;

	if (t->body.len == (size_t)-1)
		return;
	if (buf_add(&t->body, &l, sizeof(l)) == -1 || (n > 0 && buf_add(&t->body, s, n) == -1))
		t->body.len = (size_t)-1;
}

/* The strings of a NUL-separated list (cmdline), each one string. */
static void
body_list(struct ptracer *t, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t l = strnlen(p + i, n - i);
		body_str(t, p + i, l);
		i += l + 1;
	}
}

static void
send(struct ptracer *t, int type, pid_t pid, pid_t tid, uint64_t image)
{
	struct sb_hdr h = { .magic = SB_WIRE_MAGIC,
		.version = SB_WIRE_VERSION,
		.type = (uint8_t)type,
		.frag = SB_FRAG_WHOLE,
		.pid = (uint32_t)pid,
		.tid = (uint32_t)tid,
		.image = image,
		.ts_ns = (uint64_t)now_realtime_ns() };

	if (t->body.len == (size_t)-1) {
		model_ptrace_oom(t->model);
		return;
	}
	model_ptrace_message(t->model, &h, (const unsigned char *)t->body.p, t->body.len);
}

/* A new image of pid (just exec'd): its START, as the library's
 * constructor would send it. */
static void
send_start(struct ptracer *t, struct tproc *p)
{
	char path[64];
	struct buf exe = { 0 }, cwd = { 0 }, fn = { 0 }, env = { 0 };
	struct sb_start s = { 0 };
	pid_t ppid = 0;

	/* the environment the image started with, as the library's
	 * constructor sees it: only the variables glibc reads files by */
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)p->tgid);
	if (read_file(path, &env) == 0)
		for (size_t i = 0; i < env.len; i += strnlen(env.p + i, env.len - i) + 1)
			s.nenv +=
			    (uint32_t)sb_libcenv_is(env.p + i, strnlen(env.p + i, env.len - i));
	auxv_of(t, p->tgid, &p->image, &fn);
	if (proc_stat(p->tgid, &ppid, &s.starttime, &t->tmp) == 0)
		s.ppid = (uint32_t)ppid;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->tgid);
	read_link(path, &exe);
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)p->tgid);
	read_link(path, &cwd);
	body_start(t, &s, sizeof(s));
	body_str(t, exe.p, exe.len);
	body_str(t, fn.p, fn.len);
	body_str(t, cwd.p, cwd.len);
	for (size_t i = 0; s.nenv > 0 && i < env.len;) {
		size_t n = strnlen(env.p + i, env.len - i);
		if (sb_libcenv_is(env.p + i, n))
			body_str(t, env.p + i, n);
		i += n + 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)p->tgid);
	if (read_file(path, &t->tmp) == 0)
		body_list(t, t->tmp.p, t->tmp.len);
	send(t, SB_MSG_START, p->tgid, 0, p->image);
	buf_free(&exe);
	buf_free(&cwd);
	buf_free(&fn);
	buf_free(&env);
}

/* --- decoding a path syscall at its entry ---------------------------- */

/*
 * Path number i of the pending call: the string at addr, relative to
 * dirfd.  The base is read now, before the call can change the cwd.
 */
static int
take_path(struct task *k, int i, int64_t dirfd, uint64_t addr)
{
	struct pending *p = &k->sc;
	char link[64];

	if (peek_str(k->tid, addr, &p->raw[i], PATH_MAX) == -1)
		return -1;
	buf_clear(&p->base[i]);
	if (p->raw[i].p[0] != '/') {
		if ((int)dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)k->tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)k->proc->tgid,
			    (int)dirfd);
		if (read_link(link, &p->base[i]) == -1 || p->base[i].p[0] != '/')
			buf_clear(&p->base[i]);
	}
	p->npaths = i + 1;
	return 0;
}

/* The file behind fd, as the library's fd paths (SB_M_FD). */
static int
take_fd(struct task *k, int64_t fd)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)k->proc->tgid, (int)fd);
	if (read_link(link, &k->sc.raw[0]) == -1 || k->sc.raw[0].p[0] != '/')
		return -1;
	buf_clear(&k->sc.base[0]);
	k->sc.npaths = 1;
	return 0;
}

/* Announce an execve now, as the library's wrapper does before the
 * real call: the model learns the outcome from the new image. */
static void
announce_exec(struct ptracer *t, struct task *k, uint64_t argv_addr, unsigned mode)
{
	struct sb_exec e = { .mode = mode, .result = SB_EXEC_PENDING };
	pid_t ppid = 0;
	uint64_t st, ptr;

	if (proc_stat(k->proc->tgid, &ppid, &st, &t->tmp) == 0)
		e.ppid = (uint32_t)ppid;
	body_start(t, &e, sizeof(e));
	body_str(t, k->sc.raw[0].p, k->sc.raw[0].len);
	body_str(t, "", 0);
	body_str(t, k->sc.base[0].p, k->sc.base[0].len);
	for (size_t i = 0; argv_addr != 0 && i < ARGV_MAX; i++) {
		if (peek(k->tid, argv_addr + i * 8, &ptr, sizeof(ptr)) == -1 || ptr == 0 ||
		    peek_str(k->tid, ptr, &t->argv, 1 << 20) == -1)
			break;
		body_str(t, t->argv.p, t->argv.len);
	}
	send(t, SB_MSG_EXEC, k->proc->tgid, k->tid, k->proc->image);
	k->exec_pending = 1;
}

static int
peek_cb(void *ctx, uint64_t addr, void *out, size_t n)
{
	return peek(((const struct task *)ctx)->tid, addr, out, n);
}

/* A seccomp (or syscall-entry) stop of an active image on nr with args
 * a: note what is needed at the exit.  0 when nothing is to record. */
static int
syscall_entry(struct ptracer *t, struct task *k, uint64_t nr, const uint64_t *a)
{
	struct pending *p = &k->sc;
	struct sc_call c;
	int r = 0;

	pending_clear(p);
	if (sc_decode(nr, a, peek_cb, k, &c) != 1)
		return 0;
	p->op = c.op;
	p->mode = c.mode;
	for (int i = 0; i < c.npaths && r == 0; i++)
		r = c.path[i].is_fd ? take_fd(k, c.path[i].dirfd)
				    : take_path(k, i, c.path[i].dirfd, c.path[i].addr);
	/* an unreadable path faults in the kernel too (EFAULT): the
	 * library does not report those either */
	if (r != 0)
		return 0;
	if (c.empty_is_fd && p->raw[0].len == 0) {
		/* an fstat is no path access; an exec of the fd is */
		if (c.op != SB_OP_EXEC || take_fd(k, c.path[0].dirfd) == -1)
			return 0;
		p->mode |= SB_M_FD;
	}
	if (c.op == SB_OP_EXEC)
		announce_exec(t, k, c.argv, p->mode);
	p->active = 1;
	return 1;
}

/* The exit of the pending call with result err (0 or errno). */
static void
syscall_exit(struct ptracer *t, struct task *k, int err)
{
	struct pending *p = &k->sc;

	if (!p->active)
		return;
	if (p->op == SB_OP_EXEC) {
		/* success was seen as PTRACE_EVENT_EXEC */
		if (err != 0 && k->exec_pending) {
			struct sb_exec_fail f = { .error = err };
			body_start(t, &f, sizeof(f));
			send(t, SB_MSG_EXEC_FAIL, k->proc->tgid, k->tid, k->proc->image);
		}
		k->exec_pending = 0;
		pending_clear(p);
		return;
	}
	if (err != EFAULT) {
		struct sb_access a = { .op = p->op, .mode = p->mode, .result = err };
		body_start(t, &a, sizeof(a));
		for (int i = 0; i < p->npaths; i++) {
			body_str(t, p->raw[i].p, p->raw[i].len);
			body_str(t, p->base[i].p, p->base[i].len);
		}
		send(t, SB_MSG_ACCESS, k->proc->tgid, 0, k->proc->image);
	}
	pending_clear(p);
}

/* --- stops ----------------------------------------------------------- */

/* A failed resume is a tracer bug or a kernel surprise: say it once. */
static void
warn_once_ptrace(int e)
{
	static int said;

	if (!said++)
		warnc(e, "ptrace: resuming a tracee");
}

/* Resume k after a stop, delivering sig. */
static void
resume(struct task *k, int sig)
{
	int req = k->in_exit || k->sysmode ? PTRACE_SYSCALL : PTRACE_CONT;

	if (ptrace(req, k->tid, 0, (void *)(uintptr_t)sig) == -1 && errno != ESRCH)
		warn_once_ptrace(errno);
}

/*
 * A stopped tid we do not know: a new child (fork, vfork, clone)
 * auto-attached by the options.  Its parent is in /proc, so the order
 * in which the parent's event and the child's first stop arrive does
 * not matter.
 */
static struct task *
new_task(struct ptracer *t, pid_t tid)
{
	pid_t tgid = tgid_of(tid, &t->tmp), ppid = 0;
	struct task *leader = task_get(t, tgid), *parent, *k;
	struct tproc *p;
	uint64_t st = 0;

	if (tgid != tid && leader != NULL) {
		/* a thread: it has the filter its process has, or none */
		if ((k = task_add(t, tid, leader->proc)) != NULL)
			k->sysmode = leader->sysmode;
		return k;
	}
	if (proc_stat(tgid, &ppid, &st, &t->tmp) == -1)
		ppid = 0;
	parent = task_get(t, ppid);
	if (parent == NULL) {
		/* a clone with CLONE_PARENT or of an untraced parent: we
		 * know nothing better than a fresh, watched process */
		p = proc_alloc(tgid, 0, 0);
		if (p == NULL)
			return NULL;
		k = task_add(t, tid, p);
		if (k == NULL)
			free(p);
		return k;
	}
	if ((p = proc_alloc(tgid, parent->proc->image, parent->proc->active)) == NULL)
		return NULL;
	if ((k = task_add(t, tid, p)) == NULL) {
		free(p);
		return NULL;
	}
	/* a forked child inherits the filter, so the way it is stopped */
	k->sysmode = parent->sysmode;
	if (p->active) {
		struct sb_fork f = { .ppid = (uint32_t)ppid, .starttime = st };
		body_start(t, &f, sizeof(f));
		send(t, SB_MSG_FORK, tgid, 0, p->image);
	}
	return k;
}

/* PTRACE_EVENT_EXEC: k (now the thread group leader) runs a new image. */
static void
on_exec(struct ptracer *t, struct task *k)
{
	unsigned long old = 0;
	struct tproc *p = k->proc;

	/* a non-leader thread that exec'd took the leader's tid */
	if (ptrace(PTRACE_GETEVENTMSG, k->tid, 0, &old) == 0 && (pid_t)old != k->tid) {
		struct task *o = task_get(t, (pid_t)old);
		if (o != NULL) {
			k->sc = o->sc;
			memset(&o->sc, 0, sizeof(o->sc));
			k->exec_pending = o->exec_pending;
			k->in_exit = o->in_exit;
			task_drop(t, o);
		}
	}
	if (k->adopted) {
		/* handed over by the library with no seccomp stop first:
		 * it could not install the filter */
		k->sysmode = 1;
		k->adopted = 0;
	}
	k->exec_pending = 0;
	p->active = !t->hybrid || !loads_library(t, p->tgid);
	if (p->active)
		send_start(t, p);
	else
		p->image = 0;
}

/* A syscall stop (seccomp or entry/exit in sysmode) of k. */
static void
on_syscall(struct ptracer *t, struct task *k)
{
	struct ptrace_syscall_info si;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, k->tid, sizeof(si), &si) <= 0)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (k->in_exit && k->proc->active)
			syscall_exit(t, k, si.exit.is_error ? (int)-si.exit.rval : 0);
		k->in_exit = 0;
		return;
	}
	if (si.op != PTRACE_SYSCALL_INFO_SECCOMP && si.op != PTRACE_SYSCALL_INFO_ENTRY)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY && !k->sysmode)
		return;
	/* in sysmode with a filter after all, the entry stop did it */
	if (si.op == PTRACE_SYSCALL_INFO_SECCOMP && k->sysmode)
		return;
	if (si.arch != SB_AUDIT_ARCH || !k->proc->active) {
		k->in_exit = 0;
		return;
	}
	k->in_exit = syscall_entry(t, k, si.entry.nr, (const uint64_t *)si.entry.args);
}

int
ptracer_event(struct ptracer *t, pid_t pid, int status)
{
	struct task *k = task_get(t, pid);
	int sig, ev;

	if (!WIFSTOPPED(status)) {
		if (k == NULL)
			return 0;
		if (k->tid == k->proc->tgid && k->proc->active)
			model_ptrace_exit(t->model, (uint32_t)k->proc->tgid, k->proc->image, status,
			    now_realtime_ns());
		if (pid == t->root && t->err_fd >= 0 && k->proc->image == 0 &&
		    read(t->err_fd, &t->root_exec_error, sizeof(t->root_exec_error)) !=
			sizeof(t->root_exec_error))
			t->root_exec_error = 0;
		task_drop(t, k);
		return 0;
	}
	if (k == NULL && (k = new_task(t, pid)) == NULL) {
		/* out of memory: let it run untraced */
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return 1;
	}
	sig = WSTOPSIG(status);
	ev = status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall(t, k);
		resume(k, 0);
		return 1;
	}
	switch (ev) {
	case 0:
		/* signal-delivery-stop: deliver it as it was */
		resume(k, sig);
		return 1;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* group-stop: stay stopped, but tell us of SIGCONT */
			if (ptrace(PTRACE_LISTEN, k->tid, 0, 0) == -1 && errno != ESRCH)
				resume(k, 0);
			return 1;
		}
		resume(k, 0); /* the first stop of an auto-attached child */
		return 1;
	case PTRACE_EVENT_SECCOMP:
		k->adopted = 0;
		on_syscall(t, k);
		/* the exit stop of a recorded call gives its result */
		resume(k, 0);
		return 1;
	case PTRACE_EVENT_EXEC:
		on_exec(t, k);
		resume(k, 0);
		return 1;
	default: /* FORK, VFORK, CLONE: the child's first stop does it */
		resume(k, 0);
		return 1;
	}
}

/* --- starting ------------------------------------------------------- */

/*
 * Our seccomp mode: 0 none, 2 a filter, -1 not known.  prctl answers
 * without /proc; the Seccomp: line of /proc/self/status when a filter
 * denies the prctl itself.
 */
static int
read_seccomp_mode(void)
{
	struct buf b = { 0 };
	char *s;
	int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);

	if (mode >= 0)
		return mode;
	if (read_file("/proc/self/status", &b) == 0 && (s = strstr(b.p, "\nSeccomp:")) != NULL)
		mode = atoi(s + 9);
	buf_free(&b);
	return mode;
}

/* Is CAP_SYS_PTRACE in our effective set?  capget needs no /proc. */
static int
have_cap_sys_ptrace(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) == -1)
		return 0;
	return (d[CAP_SYS_PTRACE / 32].effective >> (CAP_SYS_PTRACE % 32)) & 1;
}

int
ptrace_proc_check(char *why, size_t len)
{
	/* what masking hides goes with these: two reads, every run of
	 * sbtrace pays them */
	static const char *const need[] = { "/proc/self/stat" };
	struct buf b = { 0 };
	char link[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		int rc = read_file(need[i], &b);

		if (rc == -1 || b.len == 0) {
			snprintf(why, len, "%s: %s", need[i], rc == -1 ? strerror(errno) : "empty");
			buf_free(&b);
			return -1;
		}
	}
	buf_free(&b);
	if (readlink("/proc/self/exe", link, sizeof(link)) <= 0) {
		snprintf(why, len, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The cheap answer for -b auto, which asks on every run: with no seccomp
 * filter on us and Yama at scope 0 or 1 (or absent), tracing our own
 * descendants is allowed, and a fork and attach would cost a good part
 * of a millisecond to say so.  Anything else gets the real probe.
 */
int
ptrace_probe_quick(char *why, size_t len)
{
	char buf[16];
	int fd, scope = 0;
	ssize_t n;

	if (read_seccomp_mode() != 0)
		return ptrace_probe(why, len);
	if ((fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return ptrace_probe(why, len);
		buf[n] = '\0';
		scope = atoi(buf);
	}
	return scope == 0 || scope == 1 ? 0 : ptrace_probe(why, len);
}

int
ptrace_probe(char *why, size_t len)
{
	pid_t pid;
	int status, e = 0, scope = -1, fd, mode;
	char buf[64] = "";
	ssize_t n;

	if ((pid = fork()) == -1)
		return snprintf(why, len, "fork: %s", strerror(errno)), -1;
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL) == -1)
		e = errno;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) == -1 && errno == EINTR)
		;
	if (e == 0)
		return 0;
	if ((fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC)) >= 0) {
		if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			scope = atoi(buf);
		}
		close(fd);
	}
	if ((mode = read_seccomp_mode()) > 0)
		snprintf(why, len,
		    "a seccomp filter denies ptrace (%s); run "
		    "without that filter (a container: --security-opt "
		    "seccomp=unconfined or a profile that allows ptrace) "
		    "or use -b preload",
		    strerror(e));
	else if (scope == 3)
		snprintf(why, len,
		    "kernel.yama.ptrace_scope is 3 (no ptrace "
		    "until reboot); reboot with a lower scope or use -b "
		    "preload");
	else if (scope == 2 && !have_cap_sys_ptrace())
		snprintf(why, len,
		    "kernel.yama.ptrace_scope is 2 and sbtrace "
		    "lacks CAP_SYS_PTRACE; set kernel.yama.ptrace_scope=1, "
		    "grant CAP_SYS_PTRACE (setcap cap_sys_ptrace+ep) or "
		    "use -b preload");
	else if (have_cap_sys_ptrace())
		/* a capability is no answer to a refusal that ignores it */
		snprintf(why, len,
		    "PTRACE_SEIZE: %s although sbtrace has CAP_SYS_PTRACE: %s denies it; "
		    "run without it or use -b preload",
		    strerror(e),
		    mode < 0 ? "a seccomp filter (which could not be checked for) or a security "
			       "module (AppArmor, SELinux)"
			     : "a security module (AppArmor, SELinux)");
	else
		snprintf(why, len,
		    "PTRACE_SEIZE: %s; grant CAP_SYS_PTRACE "
		    "(a container: --cap-add SYS_PTRACE) or use -b "
		    "preload",
		    strerror(e));
	return -1;
}

pid_t
ptracer_spawn(struct ptracer *t, char *const argv[], const sigset_t *mask)
{
	struct sb_sock_filter f[SC_FILTER_LEN];
	struct sb_sock_fprog prog = { .len = SC_FILTER_LEN, .filter = f };
	int go[2], ep[2], e;
	struct tproc *p;
	pid_t pid;
	char c = 'T';

	sc_filter(f);
	if (pipe2(go, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ep, O_CLOEXEC) == -1) {
		e = errno;
		close(go[0]);
		close(go[1]);
		errno = e;
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(go[0]);
		close(go[1]);
		close(ep[0]);
		close(ep[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/* only async-signal-safe calls from here on */
		close(go[1]);
		close(ep[0]);
		sigprocmask(SIG_SETMASK, mask, NULL);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		/* The filter stops us at the path syscalls only.  Without
		 * CAP_SYS_ADMIN it needs no_new_privs, as strace's does. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    syscall(SYS_seccomp, SB_SECCOMP_SET_MODE_FILTER, 0, &prog) == -1)
			_exit(126);
		execvp(argv[0], argv);
		e = errno;
		(void)!write(ep[1], &e, sizeof(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	close(go[0]);
	close(ep[1]);
	if (ptrace(PTRACE_SEIZE, pid, 0, PT_OPTIONS) == -1 || (p = proc_alloc(pid, 0, 0)) == NULL) {
		e = errno;
		kill(pid, SIGKILL);
		close(go[1]);
		close(ep[0]);
		errno = e;
		return -1;
	}
	if (task_add(t, pid, p) == NULL) {
		free(p);
		kill(pid, SIGKILL);
		close(go[1]);
		close(ep[0]);
		errno = ENOMEM;
		return -1;
	}
	t->root = pid;
	t->err_fd = ep[0];
	/* the root's own execvp is not recorded: sbtrace knows it */
	(void)!write(go[1], &c, 1);
	close(go[1]);
	return pid;
}

size_t
ptracer_ntasks(const struct ptracer *t)
{
	return t->ntasks;
}

int
ptracer_exec_error(struct ptracer *t)
{
	return t->root_exec_error;
}

void
ptracer_adopt(struct ptracer *t, pid_t pid, pid_t tid)
{
	struct tproc *p;
	struct task *k;

	if (task_get(t, tid) != NULL)
		return; /* watched already: its exec event decides */
	if ((p = proc_alloc(pid, 0, 0)) == NULL)
		return;
	if ((k = task_add(t, tid, p)) == NULL) {
		free(p);
		return;
	}
	k->adopted = 1;
	if (ptrace(PTRACE_SEIZE, tid, 0, PT_OPTIONS) == -1)
		task_drop(t, k);
}

/* --- attaching to a running process (sbtrace -p, attach.c) ----------- */

int
ptracer_seize(struct ptracer *t, pid_t pid, pid_t tid)
{
	struct task *leader = task_get(t, pid), *k;
	struct tproc *p;

	if (task_get(t, tid) != NULL)
		return 0;
	if (tid != pid && leader == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* No PTRACE_O_EXITKILL: sbtrace did not start this process, and
	 * when sbtrace goes the kernel detaches it and it runs on. */
	if (ptrace(PTRACE_SEIZE, tid, 0, PT_OPTIONS & ~PTRACE_O_EXITKILL) == -1)
		return -1;
	p = leader != NULL ? leader->proc : proc_alloc(pid, 0, 1);
	if (p == NULL || (k = task_add(t, tid, p)) == NULL) {
		if (leader == NULL)
			free(p);
		/* seized and running, so it cannot be detached now: the
		 * kernel does it when sbtrace exits */
		errno = ENOMEM;
		return -1;
	}
	/* no seccomp filter can be put into a running process: it stops
	 * at every system call */
	k->sysmode = 1;
	/* stopped once, so the event loop resumes it into those stops */
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) == -1 && errno != ESRCH)
		warn("ptrace(PTRACE_INTERRUPT, %d)", (int)tid);
	return 1;
}

void
ptracer_seized_start(struct ptracer *t, pid_t pid)
{
	struct task *k = task_get(t, pid);

	if (k != NULL && k->proc->active)
		send_start(t, k->proc);
}

pid_t *
ptracer_tids(const struct ptracer *t, size_t *n)
{
	pid_t *v;
	size_t i = 0;

	*n = t->ntasks;
	if (t->ntasks == 0 || (v = calloc(t->ntasks, sizeof(*v))) == NULL)
		return NULL;
	for (size_t c = 0; c < sizeof(t->chunks) / sizeof(t->chunks[0]); c++)
		for (size_t j = 0; t->chunks[c] != NULL && j < PID_CHUNK && i < *n; j++)
			if (t->chunks[c][j] != NULL)
				v[i++] = t->chunks[c][j]->tid;
	*n = i;
	return v;
}

void
ptracer_forget(struct ptracer *t, pid_t tid)
{
	struct task *k = task_get(t, tid);

	if (k != NULL)
		task_drop(t, k);
}
