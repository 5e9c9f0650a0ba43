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

#include <linux/ptrace.h>

#include "permit.h"
#include "pidmap.h"
#include "ptrace.h"
#include "syscalls.h"
#include "tracee.h"
#include "util.h"
#include "wire.h"

#define PT_OPTIONS                                                                                 \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |  \
	    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

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
	struct tracee_call c;
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
	struct tracee_out out;
	int hybrid;
	pid_t root;
	int root_exec_error;
	int err_fd; /* the root child reports a failed exec here */
	size_t ntasks;
	struct pidmap tasks; /* tid -> struct task */
	struct buf tmp;
};

/* --- the task table --------------------------------------------------- */

static struct task *
task_get(struct ptracer *t, pid_t tid)
{
	return pidmap_get(&t->tasks, tid);
}

static void
task_free(struct task *k)
{
	tracee_call_free(&k->sc.c);
	free(k);
}

static void
task_drop(struct ptracer *t, struct task *k)
{
	void **s = pidmap_slot(&t->tasks, k->tid, 0);

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
	void **s = pidmap_slot(&t->tasks, tid, 1);
	struct task *k;

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
	t->out.model = m;
}

struct ptracer *
ptracer_new(int hybrid)
{
	struct ptracer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->hybrid = hybrid;
	t->err_fd = -1;
	t->out.backend = "ptrace";
	return t;
}

static void
drop_one(void *k, void *t)
{
	task_drop(t, k);
}

void
ptracer_free(struct ptracer *t)
{
	if (t == NULL)
		return;
	pidmap_each(&t->tasks, drop_one, t);
	pidmap_free(&t->tasks);
	if (t->err_fd >= 0)
		close(t->err_fd);
	tracee_out_free(&t->out);
	buf_free(&t->tmp);
	free(t);
}

/* --- a path syscall between its entry and exit stops --------------- */

/* A seccomp (or syscall-entry) stop of an active image on nr with args
 * a: note what is needed at the exit.  0 when nothing is to record. */
static int
syscall_entry(struct ptracer *t, struct task *k, uint64_t nr, const uint64_t *a)
{
	struct pending *p = &k->sc;

	p->active = 0;
	if (tracee_call_take(&p->c, k->tid, k->proc->tgid, nr, a) != 1)
		return 0;
	if (p->c.op == SB_OP_EXEC) {
		/* as the library's wrapper does before the real call: the
		 * model learns the outcome from the new image */
		tracee_send_exec(&t->out, &p->c, k->proc->tgid, k->tid, k->proc->image);
		k->exec_pending = 1;
	}
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
	p->active = 0;
	if (p->c.op == SB_OP_EXEC) {
		/* success was seen as PTRACE_EVENT_EXEC */
		if (err != 0 && k->exec_pending)
			tracee_send_exec_fail(&t->out, err, k->proc->tgid, k->tid, k->proc->image);
		k->exec_pending = 0;
		return;
	}
	if (err != EFAULT)
		tracee_send_access(&t->out, &p->c, err, k->proc->tgid, k->proc->image);
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
	pid_t tgid = tracee_tgid(tid, &t->tmp), ppid = 0;
	struct task *leader = task_get(t, tgid), *parent, *k;
	struct tproc *p;
	uint64_t st = 0;

	if (tgid != tid && leader != NULL) {
		/* a thread: it has the filter its process has, or none */
		if ((k = task_add(t, tid, leader->proc)) != NULL)
			k->sysmode = leader->sysmode;
		return k;
	}
	if (tracee_stat(tgid, &ppid, &st, &t->tmp) == -1)
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
	if (p->active)
		tracee_send_fork(&t->out, tgid, ppid, st, p->image);
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
			tracee_call_free(&k->sc.c);
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
	p->active = !t->hybrid || !tracee_loads_library(p->tgid, &t->tmp);
	if (p->active)
		tracee_send_start(&t->out, p->tgid, &p->image);
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
			model_backend_exit(t->out.model, (uint32_t)k->proc->tgid, k->proc->image,
			    status, now_realtime_ns());
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
		int rc = tracee_read_file(need[i], &b);

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
	int scope;

	if (permit_seccomp_mode() != 0)
		return ptrace_probe(why, len);
	/* no Yama is scope 0; one that cannot be read is asked by the probe */
	scope = permit_yama_scope();
	return scope == -1 || scope == 0 || scope == 1 ? 0 : ptrace_probe(why, len);
}

int
ptrace_probe(char *why, size_t len)
{
	pid_t pid;
	int status, e = 0, scope, mode;

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
	scope = permit_yama_scope();
	if ((mode = permit_seccomp_mode()) > 0)
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
	else if (scope == 2 && !permit_cap_ptrace())
		snprintf(why, len,
		    "kernel.yama.ptrace_scope is 2 and sbtrace "
		    "lacks CAP_SYS_PTRACE; set kernel.yama.ptrace_scope=1, "
		    "grant CAP_SYS_PTRACE (setcap cap_sys_ptrace+ep) or "
		    "use -b preload");
	else if (permit_cap_ptrace())
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
		tracee_send_start(&t->out, k->proc->tgid, &k->proc->image);
}

struct tid_list {
	pid_t *v;
	size_t i, n;
};

static void
list_one(void *k, void *ctx)
{
	struct tid_list *l = ctx;

	if (l->i < l->n)
		l->v[l->i++] = ((struct task *)k)->tid;
}

pid_t *
ptracer_tids(const struct ptracer *t, size_t *n)
{
	struct tid_list l = { .n = t->ntasks };

	*n = t->ntasks;
	if (t->ntasks == 0 || (l.v = calloc(t->ntasks, sizeof(*l.v))) == NULL)
		return NULL;
	pidmap_each(&t->tasks, list_one, &l);
	*n = l.i;
	return l.v;
}

void
ptracer_forget(struct ptracer *t, pid_t tid)
{
	struct task *k = task_get(t, tid);

	if (k != NULL)
		task_drop(t, k);
}
