/*
 * The seccomp backend: see unotify.h.  Every traced thread is a task of
 * a process (a thread group) that runs one image at a time, with the
 * image id the library would use (the first 8 bytes of AT_RANDOM), so
 * rows from this backend and the library meet in one model, as with
 * ptrace.c.  Unlike ptrace, nothing tells us of forks and execs: a new
 * thread or process is found at its first notification, and an image
 * changed after an execve the backend let through is found at the next
 * notification of that process, or at its exit_group, which the filter
 * also stops on (common/syscalls.h).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "nofile.h"
#include "permit.h"
#include "pidmap.h"
#include "tracee.h"
#include "unotify.h"
#include "unotify_filter.h"
#include "wire.h"

#define SOCK_NAME "unotify"
/* Linux 6.6: the tracee and sbtrace hand the CPU to each other directly
 * at each call, instead of waking up through the scheduler. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
/* Listeners the keeper can take over (more are served, not kept). */
#define KEEPER_SLOTS 4096
/* Notification ids past the last one sbtrace noted that the keeper
 * looks at for a call sbtrace received but did not note: ids are
 * consecutive, and only calls withdrawn by a signal skip some. */
#define KEEPER_SCAN 1024
/* epoll_wait rounds per unotifier_handle(), so the FIFO gets its turn. */
#define HANDLE_ROUNDS 16
/* How long sbtrace, as it ends, waits for hand-overs under way. */
#define HANDOVER_GRACE_MS 1000

/* What an epoll event is about: the type in the high half, a number
 * (an fd, a listener index, a tgid) in the low one. */
enum { EV_SOCK = 1, EV_CONN, EV_LISTENER, EV_PIDFD };
#define EV(type, n) ((uint64_t)(type) << 32 | (uint32_t)(n))

/* Shared with the keeper: the call sbtrace holds on a listener. */
struct kslot {
	uint64_t id;   /* the last notification received */
	uint32_t busy; /* id is received and not answered yet */
	uint32_t seen; /* id is set */
};

/* A message to the keeper: take (with the fd) or drop a listener. */
struct kmsg {
	uint32_t op; /* KEEP_ADD, KEEP_DEL */
	int32_t slot;
};
enum { KEEP_ADD = 1, KEEP_DEL };

struct utask;

/* A thread group, running one image. */
struct uproc {
	pid_t tgid;
	uint64_t image;
	int active;	     /* this image is recorded here, not by the library */
	int exec_pending;    /* an execve was let through: is the image new? */
	int exec_announced;  /* ... and announced to the model */
	int exec_err;	     /* what the probe said that exec would meet */
	pid_t exec_tid;	     /* the thread that made it */
	int exited;	     /* exit_group seen, status sent */
	unsigned gen;	     /* +1 at each exec: tasks of older images are gone */
	int pidfd;	     /* readable once the process has ended */
	struct utask *tasks; /* its threads we know */
};

struct utask {
	pid_t tid;
	unsigned gen;
	struct uproc *proc;
	struct utask *next; /* in proc->tasks */
};

struct unotifier {
	struct tracee_out out;
	struct tracee_call call;
	struct buf tmp;
	int hybrid;
	int epfd, sock;
	size_t nconn; /* hand-over connections accepted, not done */
	/*
	 * Descriptors held for hand-overs, so that a listener never arrives
	 * to find no room (the kernel would drop it, and its process's path
	 * calls would fail with ENOSYS): one per accepted connection, given
	 * back just before its listener is received, and a spare that lets
	 * us accept, and turn away, a connection when none is left.
	 */
	int *reserve;
	size_t nreserve, reserve_cap;
	int spare;
	int sock_off; /* the socket taken out of epoll: no descriptor for it */
	unsigned long long refused;
	char addr[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	char path[PATH_MAX]; /* the socket's file; "" when abstract */
	int *lfd;	     /* listeners by index, -1 for a free one */
	size_t nlfd;
	struct pidmap tasks, procs;
	struct seccomp_notif *notif;
	struct seccomp_notif_resp *resp;
	size_t notif_size, resp_size;
	void (*sync)(void *);
	void *sync_ctx;
	pid_t keeper; /* 0: none yet; -1: none possible */
	int kfd;
	struct kslot *shm;
	int root_err_fd, root_exec_error;
	uint64_t self_image;
	int warned;
	/* calls let through unrecorded for want of a resource (not for a
	 * process that was gone), and the first such errno */
	unsigned long long unrecorded;
	int unrecorded_errno;
	/* an access message built while its caller waited, to send once
	 * the caller runs again */
	int later;
	pid_t later_pid;
	uint64_t later_image;
};

/* The socket file, removed at exit also when err() ends sbtrace
 * (registered after the channel's clean-up, so it runs first). */
static char exit_unlink[PATH_MAX];

static void
unlink_at_exit(void)
{
	if (exit_unlink[0] != '\0')
		(void)unlink(exit_unlink);
}

static void
warn_once(struct unotifier *u, const char *what)
{
	if (!u->warned++)
		warn("seccomp backend: %s", what);
}

/* --- descriptors held for hand-overs ---------------------------------- */

/* A descriptor of our own that only holds a place. */
static int
place_holder(struct unotifier *u)
{
	return fcntl(u->epfd, F_DUPFD_CLOEXEC, 0);
}

/* Hold a place for the listener of a connection just accepted. */
static int
reserve_push(struct unotifier *u)
{
	int fd;

	if (u->nreserve == u->reserve_cap) {
		size_t cap = u->reserve_cap ? u->reserve_cap * 2 : 16;
		int *r = reallocarray(u->reserve, cap, sizeof(*r));
		if (r == NULL)
			return -1;
		u->reserve = r;
		u->reserve_cap = cap;
	}
	if ((fd = place_holder(u)) == -1)
		return -1;
	u->reserve[u->nreserve++] = fd;
	return 0;
}

/* Give back one held place, for a listener about to be received. */
static void
reserve_pop(struct unotifier *u)
{
	if (u->nreserve > 0)
		close(u->reserve[--u->nreserve]);
}

/* Descriptors were closed: a socket left out of epoll for want of one
 * may be served again. */
static void
fds_freed(struct unotifier *u)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(EV_SOCK, 0) };

	if (u->sock_off && u->sock >= 0 && epoll_ctl(u->epfd, EPOLL_CTL_MOD, u->sock, &ev) == 0)
		u->sock_off = 0;
}

/* --- processes and threads -------------------------------------------- */

static void
task_unlink(struct unotifier *u, struct utask *k)
{
	void **s = pidmap_slot(&u->tasks, k->tid, 0);
	struct utask **pp;

	if (s != NULL && *s == k)
		*s = NULL;
	for (pp = &k->proc->tasks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	free(k);
}

static struct utask *
task_add(struct unotifier *u, pid_t tid, struct uproc *p)
{
	void **s = pidmap_slot(&u->tasks, tid, 1);
	struct utask *k;

	if (s == NULL || (k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	if (*s != NULL)
		task_unlink(u, *s);
	k->tid = tid;
	k->gen = p->gen;
	k->proc = p;
	k->next = p->tasks;
	p->tasks = k;
	*s = k;
	return k;
}

static void
proc_free(struct unotifier *u, struct uproc *p)
{
	void **s = pidmap_slot(&u->procs, p->tgid, 0);

	while (p->tasks != NULL)
		task_unlink(u, p->tasks);
	if (s != NULL && *s == p)
		*s = NULL;
	if (p->pidfd >= 0) {
		(void)epoll_ctl(u->epfd, EPOLL_CTL_DEL, p->pidfd, NULL);
		close(p->pidfd);
		fds_freed(u);
	}
	free(p);
}

/* A process we now know of, watched for its end through a pidfd. */
static struct uproc *
proc_make(struct unotifier *u, pid_t tgid, uint64_t image, int active)
{
	void **s = pidmap_slot(&u->procs, tgid, 1);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(EV_PIDFD, tgid) };
	struct uproc *p;

	if (s == NULL || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (*s != NULL)
		proc_free(u, *s); /* its pid was reused before we saw it end */
	p->tgid = tgid;
	p->image = image;
	p->active = active;
	/* without it the process's end is known only from its exit_group */
	p->pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (p->pidfd >= 0 && epoll_ctl(u->epfd, EPOLL_CTL_ADD, p->pidfd, &ev) == -1) {
		close(p->pidfd);
		p->pidfd = -1;
	}
	*s = p;
	return p;
}

/* Does the image pid runs now report itself through the library? */
static int
is_active(struct unotifier *u, pid_t pid)
{
	return !u->hybrid || !tracee_loads_library(pid, &u->tmp);
}

/* Let the library's records written so far reach the model first. */
static void
sync_fifo(struct unotifier *u)
{
	if (u->hybrid && u->sync != NULL)
		u->sync(u->sync_ctx);
}

/*
 * A process seen for the first time.  A fork child of a process we
 * know still runs its parent's image (its exec, if it made one, is
 * this very notification); anything else is an image of its own.
 */
static struct uproc *
proc_new(struct unotifier *u, pid_t tgid)
{
	uint64_t image = tracee_image(tgid, NULL, &u->tmp), st = 0;
	struct uproc *p, *parent;
	pid_t ppid = 0;

	if (tracee_stat(tgid, &ppid, &st, &u->tmp) == -1)
		return NULL; /* gone already */
	parent = pidmap_get(&u->procs, ppid);
	if (parent != NULL && image != 0 && parent->image == image) {
		if ((p = proc_make(u, tgid, image, parent->active)) != NULL && p->active)
			tracee_send_fork(&u->out, tgid, ppid, st, image);
		return p;
	}
	sync_fifo(u);
	if ((p = proc_make(u, tgid, image, is_active(u, tgid))) != NULL && p->active)
		tracee_send_start(&u->out, tgid, &p->image);
	return p;
}

/* The task of the thread tid, found or made. */
static struct utask *
task_of(struct unotifier *u, pid_t tid)
{
	struct utask *k = pidmap_get(&u->tasks, tid);
	struct uproc *p;
	pid_t tgid;

	if (k != NULL && k->gen == k->proc->gen)
		return k;
	if (k != NULL)
		task_unlink(u, k); /* a thread of an older image: tid reused */
	tgid = tracee_tgid(tid, &u->tmp);
	if ((p = pidmap_get(&u->procs, tgid)) == NULL && (p = proc_new(u, tgid)) == NULL)
		return NULL;
	return task_add(u, tid, p);
}

/* The wait status of a zombie (field 52 of its stat), or -1. */
static int
zombie_status(struct unotifier *u, pid_t pid)
{
	char path[64], *s;
	int field = 3;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (tracee_read_file(path, &u->tmp) == -1 || (s = strrchr(u->tmp.p, ')')) == NULL ||
	    s[1] != ' ' || s[2] != 'Z')
		return -1;
	for (s += 2; *s != '\0' && field < 52; s++)
		if (*s == ' ')
			field++;
	return field == 52 && *s >= '0' && *s <= '9' ? atoi(s) : -1;
}

/* The pidfd of tgid says it has ended. */
static void
proc_ended(struct unotifier *u, pid_t tgid)
{
	struct uproc *p = pidmap_get(&u->procs, tgid);
	int status;

	if (p == NULL)
		return;
	/* killed: what its parent would see, if it has not reaped it yet */
	if (p->active && !p->exited && (status = zombie_status(u, tgid)) >= 0)
		model_backend_exit(u->out.model, (uint32_t)tgid, p->image, status,
		    now_realtime_ns());
	proc_free(u, p);
}

/* p (in its thread k) runs image now, after an exec. */
static void
new_image(struct unotifier *u, struct uproc *p, struct utask *k, uint64_t image)
{
	struct utask *t, *next;

	/* the exec ended every other thread */
	for (t = p->tasks; t != NULL; t = next) {
		next = t->next;
		if (t != k)
			task_unlink(u, t);
	}
	k->gen = ++p->gen;
	p->exec_pending = p->exec_announced = p->exited = 0;
	sync_fifo(u);
	p->active = is_active(u, p->tgid);
	if (p->active)
		tracee_send_start(&u->out, p->tgid, &p->image);
	else
		p->image = image;
}

/*
 * p let an execve through: has it a new image now (the exec worked), or
 * is the thread that made it back with the old one (it failed)?
 * Another thread of the old image may be in the middle of it: wait.
 */
static void
check_exec(struct unotifier *u, struct utask *k)
{
	struct uproc *p = k->proc;
	uint64_t image = tracee_image(p->tgid, NULL, &u->tmp);

	if (image == 0)
		return;
	if (image != p->image) {
		new_image(u, p, k, image);
		return;
	}
	if (k->tid != p->exec_tid)
		return;
	p->exec_pending = 0;
	if (p->active && p->exec_announced)
		tracee_send_exec_fail(&u->out, p->exec_err != 0 ? p->exec_err : ENOEXEC, p->tgid,
		    p->exec_tid, p->image);
}

/* --- the result a call will meet ------------------------------------- */

/*
 * The file path i of c names, as sbtrace reaches it: a relative path
 * through /proc/TID/cwd or /proc/TGID/fd/N, an absolute one as it is
 * (in sbtrace's root), /proc/self and /proc/thread-self made the
 * tracee's.  -1 when it does not fit.
 */
static int
probe_path(char *out, size_t size, pid_t tid, pid_t tgid, const struct tracee_call *c, int i)
{
	const char *raw = c->raw[i].p;
	int n;

	if (c->by_fd && i == 0)
		n = snprintf(out, size, "/proc/%d/fd/%d", (int)tgid, (int)c->dirfd[0]);
	else if (raw[0] != '/' && (int)c->dirfd[i] == AT_FDCWD)
		n = snprintf(out, size, "/proc/%d/cwd/%s", (int)tid, raw);
	else if (raw[0] != '/')
		n = snprintf(out, size, "/proc/%d/fd/%d/%s", (int)tgid, (int)c->dirfd[i], raw);
	else if (strncmp(raw, "/proc/self", 10) == 0 && (raw[10] == '/' || raw[10] == '\0'))
		n = snprintf(out, size, "/proc/%d%s", (int)tgid, raw + 10);
	else if (strncmp(raw, "/proc/thread-self", 17) == 0 && (raw[17] == '/' || raw[17] == '\0'))
		n = snprintf(out, size, "/proc/%d/task/%d%s", (int)tgid, (int)tid, raw + 17);
	else
		n = snprintf(out, size, "%s", raw);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int
stat_err(const char *path, int nofollow, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, nofollow ? AT_SYMLINK_NOFOLLOW : 0) == 0 ? 0 : errno;
}

static int
access_err(const char *path, int amode, int flags)
{
	return faccessat(AT_FDCWD, path, amode, flags) == 0 ? 0 : errno;
}

/* Could a name be made or removed in the directory of path? */
static int
parent_err(const char *path)
{
	char dir[PATH_MAX + 64];
	struct stat st;
	size_t n = strlen(path);
	int e;

	memcpy(dir, path, n + 1);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	while (n > 0 && dir[n - 1] != '/')
		n--;
	dir[n > 1 ? n - 1 : n] = '\0';
	if (dir[0] == '\0')
		strlcpy(dir, n == 1 ? "/" : ".", sizeof(dir));
	if ((e = stat_err(dir, 0, &st)) != 0)
		return e;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	return access_err(dir, W_OK | X_OK, AT_EACCESS);
}

static int
probe_open(const char *p, uint64_t fl)
{
	struct stat st;
	int creat = (fl & O_CREAT) != 0, e, am;

	if ((fl & O_TMPFILE) == O_TMPFILE) {
		if ((e = stat_err(p, 0, &st)) != 0)
			return e;
		return S_ISDIR(st.st_mode) ? access_err(p, W_OK | X_OK, AT_EACCESS) : ENOTDIR;
	}
	/* O_CREAT|O_EXCL does not follow a final symlink either */
	e = stat_err(p, (fl & O_NOFOLLOW) || (creat && (fl & O_EXCL)), &st);
	if (e == ENOENT && creat)
		return parent_err(p);
	if (e != 0)
		return e;
	if (creat && (fl & O_EXCL))
		return EEXIST;
	if (S_ISLNK(st.st_mode) && !(fl & O_PATH))
		return ELOOP; /* only lstat'ed with O_NOFOLLOW */
	if ((fl & O_DIRECTORY) && !S_ISDIR(st.st_mode))
		return ENOTDIR;
	if (fl & O_PATH)
		return 0;
	am = (fl & O_ACCMODE) == O_RDONLY  ? R_OK
	    : (fl & O_ACCMODE) == O_WRONLY ? W_OK
					   : R_OK | W_OK;
	if (S_ISDIR(st.st_mode) && (am & W_OK || creat))
		return EISDIR;
	return access_err(p, am, AT_EACCESS);
}

/*
 * What call c of tid will return, guessed before it runs: its path
 * looked up by sbtrace as the call will look it up (sbtrace(1) CAVEATS
 * says where this can differ from the real result).  0 or an errno.
 */
static int
probe(pid_t tid, pid_t tgid, const struct tracee_call *c)
{
	char p[PATH_MAX + 64], q[PATH_MAX + 64];
	struct stat st;
	int e;

	if (c->npaths == 0 || probe_path(p, sizeof(p), tid, tgid, c, 0) == -1)
		return 0;
	if (c->raw[0].len == 0 && !c->by_fd)
		return ENOENT;
	switch (c->op) {
	case SB_OP_OPEN:
		return probe_open(p, c->flags);
	case SB_OP_STAT:
		return stat_err(p, (c->mode & SB_M_NOFOLLOW) != 0, &st);
	case SB_OP_ACCESS:
		return access_err(p, (int)(c->flags & (R_OK | W_OK | X_OK)), 0);
	case SB_OP_READLINK:
		if ((e = stat_err(p, 1, &st)) != 0)
			return e;
		return S_ISLNK(st.st_mode) ? 0 : EINVAL;
	case SB_OP_CHDIR:
		if ((e = stat_err(p, 0, &st)) != 0)
			return e;
		return S_ISDIR(st.st_mode) ? access_err(p, X_OK, AT_EACCESS) : ENOTDIR;
	case SB_OP_EXEC:
		if ((e = stat_err(p, 0, &st)) != 0)
			return e;
		return S_ISREG(st.st_mode) ? access_err(p, X_OK, AT_EACCESS) : EACCES;
	case SB_OP_UNLINK:
		if ((e = stat_err(p, 1, &st)) != 0)
			return e;
		return S_ISDIR(st.st_mode) ? EISDIR : parent_err(p);
	case SB_OP_RMDIR:
		if ((e = stat_err(p, 1, &st)) != 0)
			return e;
		return S_ISDIR(st.st_mode) ? parent_err(p) : ENOTDIR;
	case SB_OP_MKDIR:
	case SB_OP_SYMLINK:
		e = stat_err(p, 1, &st);
		return e == 0 ? EEXIST : e == ENOENT ? parent_err(p) : e;
	case SB_OP_TRUNCATE:
		if ((e = stat_err(p, 0, &st)) != 0)
			return e;
		return S_ISDIR(st.st_mode) ? EISDIR : access_err(p, W_OK, AT_EACCESS);
	case SB_OP_RENAME:
	case SB_OP_LINK:
		if ((e = stat_err(p, 1, &st)) != 0)
			return e;
		if (c->op == SB_OP_LINK && S_ISDIR(st.st_mode))
			return EPERM;
		if (c->npaths < 2 || probe_path(q, sizeof(q), tid, tgid, c, 1) == -1)
			return 0;
		if (c->op == SB_OP_LINK && stat_err(q, 1, &st) == 0)
			return EEXIST;
		return parent_err(q);
	}
	return 0;
}

/* --- notifications --------------------------------------------------- */

static int
id_valid(int lfd, uint64_t id)
{
	return ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Is the path at addr of tid the library's question (wire.h)? */
static int
is_probe(pid_t tid, uint64_t addr)
{
	char s[sizeof(SB_UNOTIFY_PROBE)];

	return tracee_peek(tid, addr, s, sizeof(s)) == 0 &&
	    memcmp(s, SB_UNOTIFY_PROBE, sizeof(s)) == 0;
}

/* The process's exit status, as the library's exit record. */
static void
send_exit(struct unotifier *u, struct uproc *p, int status)
{
	struct sb_exit e = { .status = status };

	tracee_body_start(&u->out, &e, sizeof(e));
	tracee_send(&u->out, SB_MSG_EXIT, p->tgid, 0, p->image);
}

/*
 * Notification n on listener lfd: record what it says.  Returns 0 to let
 * the call run, or an errno to fail it with (the library's question).
 */
static int
serve(struct unotifier *u, int lfd, const struct seccomp_notif *n)
{
	const uint64_t *a = (const uint64_t *)n->data.args;
	pid_t tid = (pid_t)n->pid;
	int nr = n->data.nr, e;
	struct utask *k;
	struct uproc *p;

	if (n->data.arch != SB_AUDIT_ARCH)
		return 0;
	if (nr == SYS_faccessat && (int)a[0] == -1 && is_probe(tid, a[1]))
		return SB_UNOTIFY_PROBE_ERR;
	if ((k = task_of(u, tid)) == NULL) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
			if (u->unrecorded++ == 0)
				u->unrecorded_errno = errno;
		}
		return 0;
	}
	p = k->proc;
	if (p->exec_pending)
		check_exec(u, k);
	if (nr == SC_NR_EXIT_GROUP) {
		if (p->active && !p->exited && id_valid(lfd, n->id))
			send_exit(u, p, (int)a[0]);
		p->exited = 1;
		return 0;
	}
	if (nr == SC_NR_EXIT) {
		task_unlink(u, k);
		return 0;
	}
	if (nr == SYS_execve || nr == SYS_execveat) {
		p->exec_pending = 1;
		p->exec_announced = 0;
		p->exec_tid = tid;
	}
	if (!p->active || tracee_call_take(&u->call, tid, p->tgid, (uint64_t)nr, a) != 1)
		return 0;
	e = probe(tid, p->tgid, &u->call);
	/* the pid may have been reused since the notification if the
	 * caller died: what was read counts only if the call still waits */
	if (!id_valid(lfd, n->id))
		return 0;
	if (u->call.op == SB_OP_EXEC) {
		tracee_send_exec(&u->out, &u->call, p->tgid, tid, p->image);
		p->exec_announced = 1;
		p->exec_err = e;
	} else {
		tracee_body_access(&u->out, &u->call, e);
		u->later = 1;
		u->later_pid = p->tgid;
		u->later_image = p->image;
	}
	return 0;
}

static void
reply(struct unotifier *u, int lfd, uint64_t id, int err)
{
	memset(u->resp, 0, u->resp_size);
	u->resp->id = id;
	if (err != 0)
		u->resp->error = -err;
	else
		u->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller was interrupted or killed meanwhile */
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, u->resp) == -1 && errno != ENOENT)
		warn_once(u, "SECCOMP_IOCTL_NOTIF_SEND");
}

static void
on_notification(struct unotifier *u, size_t i)
{
	int lfd = u->lfd[i], err;
	struct kslot *ks = u->shm != NULL && i < KEEPER_SLOTS ? &u->shm[i] : NULL;

	memset(u->notif, 0, u->notif_size);
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, u->notif) == -1) {
		/* ENOENT: withdrawn (the caller got a signal) */
		if (errno != ENOENT && errno != EINTR)
			warn_once(u, "SECCOMP_IOCTL_NOTIF_RECV");
		return;
	}
	if (ks != NULL) {
		__atomic_store_n(&ks->id, u->notif->id, __ATOMIC_RELAXED);
		__atomic_store_n(&ks->seen, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&ks->busy, 1, __ATOMIC_RELEASE);
	}
	u->later = 0;
	err = serve(u, lfd, u->notif);
	reply(u, lfd, u->notif->id, err);
	if (ks != NULL)
		__atomic_store_n(&ks->busy, 0, __ATOMIC_RELEASE);
	/* the model's work is done while the caller runs on */
	if (u->later)
		tracee_send(&u->out, SB_MSG_ACCESS, u->later_pid, 0, u->later_image);
}

/* --- descriptors passed over unix sockets ---------------------------- */

/* Send buf[0..len) with fd as SCM_RIGHTS (none when fd < 0); sendmsg's
 * result.  Stack and one system call: fit for a fork child. */
static ssize_t
send_fd(int s, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		h.msg_control = ctl.b;
		h.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&h);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(s, &h, MSG_NOSIGNAL);
}

/* Receive one message into buf[0..len), and in *fd the descriptor that
 * came with it (-1 when none); recvmsg's result. */
static ssize_t
recv_fd(int s, void *buf, size_t len, int *fd)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { buf, len };
	struct msghdr h = { .msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
		.msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(s, &h, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n >= 0 && (c = CMSG_FIRSTHDR(&h)) != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

/* --- the keeper ------------------------------------------------------- */

static void
keeper_answer(int fd, uint64_t id, struct seccomp_notif_resp *r, size_t rsize)
{
	memset(r, 0, rsize);
	r->id = id;
	r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, r);
}

/*
 * The keeper: holds a copy of each listener while sbtrace lives (the
 * other end of kfd), then answers CONTINUE to everything until the
 * processes of every listener are gone.  A fork of sbtrace: system
 * calls only, no allocation.
 */
static void __attribute__((noreturn)) keeper_main(int kfd, const struct kslot *shm,
    struct seccomp_notif *n, size_t nsize, struct seccomp_notif_resp *r, size_t rsize)
{
	static int fds[KEEPER_SLOTS];
	static struct pollfd pfd[KEEPER_SLOTS];
	int null, live = 0;

	/* nothing of sbtrace's: above all not the lock that tells the
	 * library a collector lives, nor the FIFO, nor its stdio, which a
	 * shell's $(...) waits on */
	if (kfd != 3 && dup3(kfd, 3, O_CLOEXEC) == -1)
		_exit(1);
	(void)syscall(SYS_close_range, 4, ~0U, 0);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		for (int i = 0; i < 3; i++)
			(void)dup2(null, i);
		close(null);
	}
	(void)prctl(PR_SET_NAME, "sbtrace-keeper", 0, 0, 0);
	for (size_t i = 0; i < KEEPER_SLOTS; i++)
		fds[i] = -1;
	for (;;) {
		struct kmsg m;
		int fd;
		ssize_t got = recv_fd(3, &m, sizeof(m), &fd);

		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* sbtrace has gone */
		if (got != sizeof(m) || m.slot < 0 || m.slot >= KEEPER_SLOTS) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (fds[m.slot] >= 0)
			close(fds[m.slot]);
		fds[m.slot] = m.op == KEEP_ADD ? fd : -1;
		if (m.op != KEEP_ADD && fd >= 0)
			close(fd);
	}
	/* the calls sbtrace received and never answered */
	for (size_t i = 0; i < KEEPER_SLOTS; i++) {
		if (fds[i] < 0 || !__atomic_load_n(&shm[i].seen, __ATOMIC_ACQUIRE))
			continue;
		uint64_t id = __atomic_load_n(&shm[i].id, __ATOMIC_RELAXED);
		if (__atomic_load_n(&shm[i].busy, __ATOMIC_RELAXED))
			keeper_answer(fds[i], id, r, rsize);
		for (uint64_t k = 1; k <= KEEPER_SCAN; k++) {
			uint64_t next = id + k;
			if (ioctl(fds[i], SECCOMP_IOCTL_NOTIF_ID_VALID, &next) == 0)
				keeper_answer(fds[i], next, r, rsize);
		}
	}
	for (;;) {
		live = 0;
		for (size_t i = 0; i < KEEPER_SLOTS; i++)
			if (fds[i] >= 0)
				pfd[live++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (live == 0)
			_exit(0);
		if (poll(pfd, (nfds_t)live, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		for (int j = 0; j < live; j++) {
			if (pfd[j].revents & POLLIN) {
				memset(n, 0, nsize);
				if (ioctl(pfd[j].fd, SECCOMP_IOCTL_NOTIF_RECV, n) == 0)
					keeper_answer(pfd[j].fd, n->id, r, rsize);
			} else if (pfd[j].revents & (POLLHUP | POLLERR | POLLNVAL)) {
				/* no process uses its filter any more */
				for (size_t i = 0; i < KEEPER_SLOTS; i++)
					if (fds[i] == pfd[j].fd)
						fds[i] = -1;
				close(pfd[j].fd);
			}
		}
	}
}

/*
 * Start the keeper.  It is made a child of our parent (CLONE_PARENT),
 * not of sbtrace, the subreaper that waits for its children before it
 * ends.  When sbtrace is the init of its pid namespace that is refused,
 * and no keeper is needed: the kernel kills the namespace with it.
 */
static void
keeper_start(struct unotifier *u)
{
	int sv[2];
	long pid;

	if (u->keeper != 0)
		return;
	u->keeper = -1;
	u->shm = mmap(NULL, KEEPER_SLOTS * sizeof(struct kslot), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (u->shm == MAP_FAILED) {
		u->shm = NULL;
		warn_once(u, "keeper: mmap");
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		warn_once(u, "keeper: socketpair");
		return;
	}
	pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0) {
		close(sv[0]);
		keeper_main(sv[1], u->shm, u->notif, u->notif_size, u->resp, u->resp_size);
	}
	close(sv[1]);
	if (pid == -1) {
		if (errno != EINVAL)
			warn_once(u, "keeper: clone");
		close(sv[0]);
		return;
	}
	u->keeper = (pid_t)pid;
	u->kfd = sv[0];
}

static void
keeper_send(struct unotifier *u, int op, size_t slot, int fd)
{
	struct kmsg m = { .op = (uint32_t)op, .slot = (int32_t)slot };

	if (u->keeper <= 0 || slot >= KEEPER_SLOTS)
		return;
	if (send_fd(u->kfd, &m, sizeof(m), op == KEEP_ADD ? fd : -1) != (ssize_t)sizeof(m))
		warn_once(u, "the keeper is gone");
}

/* --- listeners -------------------------------------------------------- */

/* Serve listener fd (ours from now on) of a process (tgid, tid) of
 * image about to exec; active: record that image.  Its execve comes
 * first. */
static int
listener_add(struct unotifier *u, int fd, pid_t tgid, pid_t tid, uint64_t image, int active)
{
	struct epoll_event ev = { .events = EPOLLIN };
	size_t i;

	for (i = 0; i < u->nlfd && u->lfd[i] >= 0; i++)
		;
	if (i == u->nlfd) {
		int *v = reallocarray(u->lfd, u->nlfd + 16, sizeof(*v));
		if (v == NULL)
			return -1;
		u->lfd = v;
		for (size_t j = u->nlfd; j < u->nlfd + 16; j++)
			u->lfd[j] = -1;
		u->nlfd += 16;
	}
	ev.data.u64 = EV(EV_LISTENER, i);
	if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		return -1;
	/* before Linux 6.6 the usual wake-ups, which only cost time */
	(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	u->lfd[i] = fd;
	keeper_start(u);
	if (u->shm != NULL && i < KEEPER_SLOTS)
		memset(&u->shm[i], 0, sizeof(u->shm[i]));
	keeper_send(u, KEEP_ADD, i, fd);
	if (pidmap_get(&u->procs, tgid) == NULL && proc_make(u, tgid, image, active) != NULL)
		(void)task_of(u, tid);
	return 0;
}

/* No process uses the filter of listener i any more. */
static void
listener_close(struct unotifier *u, size_t i)
{
	(void)epoll_ctl(u->epfd, EPOLL_CTL_DEL, u->lfd[i], NULL);
	close(u->lfd[i]);
	u->lfd[i] = -1;
	keeper_send(u, KEEP_DEL, i, -1);
	fds_freed(u);
}

/* Is fd a seccomp listener (and not anything a client may send)? */
static int
is_listener(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "anon_inode:seccomp notify") == 0;
}

/* A hand-over on connection c (preload/unotify.c): a hello and the
 * listener, from a process of ours. */
static void
on_conn(struct unotifier *u, int c)
{
	struct sb_unotify_hello h;
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr m = { .msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.b,
		.msg_controllen = sizeof(ctl.b) };
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	char ack = SB_UNOTIFY_ACK;
	int fd = -1;
	ssize_t n;

	/* the place held for this listener is its own now */
	reserve_pop(u);
	n = recvmsg(c, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		(void)reserve_push(u);
		return;
	}
	u->nconn--;
	for (struct cmsghdr *x = CMSG_FIRSTHDR(&m); x != NULL; x = CMSG_NXTHDR(&m, x)) {
		if (x->cmsg_level != SOL_SOCKET || x->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (x->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t j = 0; j < k; j++) {
			int f;
			memcpy(&f, CMSG_DATA(x) + j * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = f;
			else
				close(f);
		}
	}
	(void)epoll_ctl(u->epfd, EPOLL_CTL_DEL, c, NULL);
	/* the pid as we see it (the sender may be in a pid namespace of
	 * its own), and only a process of our user, or any when we are
	 * root, which could trace it anyway */
	if (n == (ssize_t)sizeof(h) && h.magic == SB_UNOTIFY_MAGIC && fd >= 0 &&
	    getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 &&
	    (cr.uid == getuid() || getuid() == 0) && is_listener(fd) &&
	    listener_add(u, fd, cr.pid, (pid_t)h.pid == cr.pid ? (pid_t)h.tid : cr.pid, h.image,
		0) == 0) {
		fd = -1;
		(void)send(c, &ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	if (fd >= 0)
		close(fd);
	close(c);
	fds_freed(u);
}

/* Turn a hand-over away before its process installs the filter: it
 * reads the end of the connection, not SB_UNOTIFY_READY, and runs on
 * untraced rather than with a listener nobody could take. */
static void
refuse(struct unotifier *u, int c)
{
	close(c);
	u->refused++;
}

/* accept4 with no descriptor left: the spare makes room for the
 * connection, which is turned away; without a spare the socket leaves
 * epoll until descriptors are freed, so that we do not spin on it. */
static int
accept_full(struct unotifier *u)
{
	struct epoll_event ev = { .events = 0, .data.u64 = EV(EV_SOCK, 0) };
	int c;

	if (u->spare < 0)
		u->spare = place_holder(u);
	if (u->spare < 0) {
		if (epoll_ctl(u->epfd, EPOLL_CTL_MOD, u->sock, &ev) == 0)
			u->sock_off = 1;
		return -1;
	}
	close(u->spare);
	u->spare = -1;
	c = accept4(u->sock, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0)
		refuse(u, c);
	u->spare = place_holder(u);
	return c >= 0 ? 0 : -1;
}

static void
on_sock(struct unotifier *u)
{
	struct epoll_event ev = { .events = EPOLLIN };
	const char ready = SB_UNOTIFY_READY;
	int c;

	for (;;) {
		c = accept4(u->sock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c == -1 && (errno == EMFILE || errno == ENFILE)) {
			if (accept_full(u) == 0)
				continue;
			return;
		}
		if (c == -1)
			return;
		if (reserve_push(u) == -1) {
			refuse(u, c);
			continue;
		}
		ev.data.u64 = EV(EV_CONN, c);
		if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, c, &ev) == -1 ||
		    send(c, &ready, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
			(void)epoll_ctl(u->epfd, EPOLL_CTL_DEL, c, NULL);
			reserve_pop(u);
			refuse(u, c);
			continue;
		}
		u->nconn++;
	}
}

/* Serve what epoll_wait(timeout) finds ready; its count. */
static int
handle_events(struct unotifier *u, int timeout)
{
	struct epoll_event ev[64];
	int n;

	if ((n = epoll_wait(u->epfd, ev, 64, timeout)) > 0)
		for (int i = 0; i < n; i++) {
			uint32_t what = (uint32_t)(ev[i].data.u64 >> 32),
				 num = (uint32_t)ev[i].data.u64;
			switch (what) {
			case EV_SOCK:
				on_sock(u);
				break;
			case EV_CONN:
				on_conn(u, (int)num);
				break;
			case EV_LISTENER:
				if (num >= u->nlfd || u->lfd[num] < 0)
					break;
				if (ev[i].events & EPOLLIN)
					on_notification(u, num);
				else if (ev[i].events & (EPOLLHUP | EPOLLERR))
					listener_close(u, num);
				break;
			case EV_PIDFD:
				proc_ended(u, (pid_t)num);
				break;
			}
		}
	return n;
}

void
unotifier_handle(struct unotifier *u)
{
	for (int round = 0; round < HANDLE_ROUNDS; round++)
		if (handle_events(u, 0) <= 0)
			return;
}

/*
 * sbtrace ends.  A hand-over under way must still have its listener
 * taken (the keeper serves it from now on), or its process would be
 * left with a filter nobody answers; new ones are refused first (with
 * the socket's file gone they cannot connect, and run untraced).
 */
static void
finish_handovers(struct unotifier *u)
{
	int64_t end = now_mono_ns() + HANDOVER_GRACE_MS * 1000000LL, left;

	if (u->path[0] != '\0') {
		(void)unlink(u->path);
		u->path[0] = exit_unlink[0] = '\0';
	}
	on_sock(u);
	close(u->sock);
	u->sock = -1;
	while (u->nconn > 0 && (left = end - now_mono_ns()) > 0)
		(void)handle_events(u, (int)(left / 1000000) + 1);
}

/* --- setting up -------------------------------------------------------- */

int
unotify_probe(char *why, size_t len)
{
	const unsigned nl = SB_SECCOMP_FILTER_FLAG_NEW_LISTENER;
	struct utsname un;
	int maj = 0, min = 0, e, scope;

	/* the flags are checked before the filter is read: EFAULT says
	 * they are known, and nothing is installed */
	syscall(SYS_seccomp, SB_SECCOMP_SET_MODE_FILTER,
	    nl | SB_SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, NULL);
	e = errno;
	if (e == EINVAL) {
		syscall(SYS_seccomp, SB_SECCOMP_SET_MODE_FILTER, nl, NULL);
		e = errno;
		/* Linux 5.0 to 5.18: CONTINUE came with 5.5, and the end of
		 * a listener's processes (POLLHUP) with 5.8 */
		if (e == EFAULT &&
		    (uname(&un) == -1 || sscanf(un.release, "%d.%d", &maj, &min) != 2 ||
			maj * 1000 + min < 5008)) {
			snprintf(why, len,
			    "the kernel lacks what the backend needs of seccomp user notification "
			    "(Linux 5.8)");
			return -1;
		}
	}
	if (e == EINVAL) {
		snprintf(why, len,
		    "the kernel has no seccomp user notification (Linux 5.8 is needed)");
		return -1;
	}
	if (e != EFAULT) {
		snprintf(why, len,
		    "seccomp(2) fails with %s: a seccomp filter (a container profile) or the kernel "
		    "refuses it",
		    strerror(e));
		return -1;
	}
	/* the paths are read from the tracees' memory, which Yama's
	 * scopes 2 and 3 guard as they guard ptrace */
	scope = permit_yama_scope();
	if (scope >= 2 && getuid() != 0) {
		snprintf(why, len,
		    "kernel.yama.ptrace_scope is %d: the paths of the traced processes cannot be "
		    "read from their memory (set kernel.yama.ptrace_scope=1)",
		    scope);
		return -1;
	}
	return 0;
}

/* The socket the library hands listeners over to: dir/unotify, or a
 * random abstract name when that path does not fit a sun_path. */
static int
listen_on(struct unotifier *u, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t sl;
	int n;

	if ((u->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SOCK_NAME, dir);
	if (n > 0 && (size_t)n < sizeof(sa.sun_path)) {
		strlcpy(u->path, sa.sun_path, sizeof(u->path));
		strlcpy(u->addr, sa.sun_path, sizeof(u->addr));
		sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n + 1);
	} else {
		n = snprintf(u->addr, sizeof(u->addr), "@sbtrace-%d-%016llx", (int)getpid(),
		    (unsigned long long)hash_u64((uint64_t)now_realtime_ns(), u->self_image));
		memcpy(sa.sun_path, u->addr, (size_t)n);
		sa.sun_path[0] = '\0';
		sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n);
	}
	if (bind(u->sock, (struct sockaddr *)&sa, sl) == -1 || listen(u->sock, 64) == -1)
		return -1;
	if (u->path[0] != '\0') {
		strlcpy(exit_unlink, u->path, sizeof(exit_unlink));
		if (atexit(unlink_at_exit) != 0)
			return -1;
	}
	return 0;
}

struct unotifier *
unotifier_new(int hybrid, const char *dir)
{
	struct unotifier *u = calloc(1, sizeof(*u));
	struct seccomp_notif_sizes sz = { 0 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(EV_SOCK, 0) };
	const void *rnd = (const void *)getauxval(AT_RANDOM);
	int e;

	if (u == NULL)
		return NULL;
	u->hybrid = hybrid;
	u->epfd = u->sock = u->kfd = u->root_err_fd = u->spare = -1;
	u->out.backend = "seccomp";
	if (rnd != NULL)
		memcpy(&u->self_image, rnd, sizeof(u->self_image));
	/* the kernel's structures may be larger than our headers' */
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == -1)
		goto fail;
	u->notif_size = sz.seccomp_notif > sizeof(*u->notif) ? sz.seccomp_notif : sizeof(*u->notif);
	u->resp_size =
	    sz.seccomp_notif_resp > sizeof(*u->resp) ? sz.seccomp_notif_resp : sizeof(*u->resp);
	if ((u->notif = calloc(1, u->notif_size)) == NULL ||
	    (u->resp = calloc(1, u->resp_size)) == NULL)
		goto fail;
	if ((u->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 || listen_on(u, dir) == -1 ||
	    epoll_ctl(u->epfd, EPOLL_CTL_ADD, u->sock, &ev) == -1 ||
	    (u->spare = place_holder(u)) == -1)
		goto fail;
	return u;
fail:
	e = errno;
	unotifier_free(u);
	errno = e;
	return NULL;
}

void
unotifier_set_model(struct unotifier *u, struct model *m)
{
	u->out.model = m;
}

void
unotifier_set_sync(struct unotifier *u, void (*fn)(void *), void *ctx)
{
	u->sync = fn;
	u->sync_ctx = ctx;
}

const char *
unotifier_address(const struct unotifier *u)
{
	return u->addr;
}

int
unotifier_fd(const struct unotifier *u)
{
	return u->epfd;
}

/* The child's side of unotifier_spawn: the filter, the listener to sv,
 * its answer, the exec.  Async-signal-safe calls only. */
static void __attribute__((noreturn))
spawn_child(int sv, int ep, char *const argv[], const sigset_t *mask)
{
	char byte = 0;
	int fd, e;

	sigprocmask(SIG_SETMASK, mask, NULL);
	nofile_restore();
	if ((fd = sb_unotify_install()) == -1)
		goto fail;
	/* sbtrace serves the listener before we go on: no call of the
	 * command runs unseen, none fails for want of a listener */
	if (send_fd(sv, &byte, 1, fd) != 1 || read(sv, &byte, 1) != 1)
		_exit(126);
	close(fd);
	close(sv);
	execvp(argv[0], argv);
fail:
	e = errno;
	(void)!write(ep, &e, sizeof(e));
	_exit(e == ENOENT ? 127 : 126);
}

pid_t
unotifier_spawn(struct unotifier *u, char *const argv[], const sigset_t *mask)
{
	char byte;
	int sv[2], ep[2], fd, e;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (pipe2(ep, O_CLOEXEC) == -1) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if ((pid = fork()) == -1) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		close(ep[0]);
		close(ep[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		spawn_child(sv[1], ep[1], argv, mask);
	}
	close(sv[1]);
	close(ep[1]);
	u->root_err_fd = ep[0];
	/* the child's image is ours until its exec; it reports failing to
	 * get that far through ep, like a failed exec */
	if (recv_fd(sv[0], &byte, 1, &fd) != 1 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && listener_add(u, fd, pid, pid, u->self_image, 0) == 0) {
		byte = SB_UNOTIFY_ACK;
		(void)!write(sv[0], &byte, 1);
	} else if (fd >= 0) {
		close(fd);
	}
	close(sv[0]);
	return pid;
}

int
unotifier_exec_error(struct unotifier *u)
{
	if (u->root_err_fd >= 0) {
		if (read(u->root_err_fd, &u->root_exec_error, sizeof(u->root_exec_error)) !=
		    sizeof(u->root_exec_error))
			u->root_exec_error = 0;
		close(u->root_err_fd);
		u->root_err_fd = -1;
	}
	return u->root_exec_error;
}

unsigned long long
unotifier_unrecorded(const struct unotifier *u, int *error)
{
	*error = u->unrecorded_errno;
	return u->unrecorded;
}

unsigned long long
unotifier_refused(const struct unotifier *u)
{
	return u->refused;
}

static void
free_one(void *p, void *u)
{
	proc_free(u, p);
}

void
unotifier_free(struct unotifier *u)
{
	if (u == NULL)
		return;
	if (u->sock >= 0 && u->epfd >= 0)
		finish_handovers(u);
	if (u->sock >= 0)
		close(u->sock);
	if (u->path[0] != '\0')
		(void)unlink(u->path);
	exit_unlink[0] = '\0';
	/* the keeper answers from here on */
	if (u->kfd >= 0)
		close(u->kfd);
	for (size_t i = 0; i < u->nlfd; i++)
		if (u->lfd[i] >= 0)
			close(u->lfd[i]);
	free(u->lfd);
	while (u->nreserve > 0)
		reserve_pop(u);
	free(u->reserve);
	if (u->spare >= 0)
		close(u->spare);
	pidmap_each(&u->procs, free_one, u);
	pidmap_free(&u->procs);
	pidmap_free(&u->tasks);
	if (u->epfd >= 0)
		close(u->epfd);
	if (u->root_err_fd >= 0)
		close(u->root_err_fd);
	if (u->shm != NULL)
		munmap(u->shm, KEEPER_SLOTS * sizeof(struct kslot));
	tracee_out_free(&u->out);
	tracee_call_free(&u->call);
	buf_free(&u->tmp);
	free(u->notif);
	free(u->resp);
	free(u);
}
