/*
 * sbtrace -p: see attach.h.  Seizing follows the kernel's rules for
 * PTRACE_SEIZE of a process we did not start (ptrace(2), "Attaching
 * and detaching"): every thread is a tracee of its own, threads started
 * while we look are caught by PTRACE_O_TRACECLONE of a thread already
 * seized, and a tracee can be detached only from a ptrace stop.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "json.h"
#include "permit.h"
#include "procstat.h"
#include "tracee.h"

/* Passes over /proc/PID/task until one finds no new thread. */
#define THREAD_PASSES 32

/* The number after "name:" in /proc/PID/status text s; -1 if absent. */
static long long
status_field(const char *s, const char *name)
{
	size_t n = strlen(name);
	const char *l = s;

	while (l != NULL && *l != '\0') {
		if (strncmp(l, name, n) == 0 && l[n] == ':')
			return strtoll(l + n + 1, NULL, 10);
		if ((l = strchr(l, '\n')) != NULL)
			l++;
	}
	return -1;
}

static char *
link_of(pid_t pid, const char *what)
{
	char path[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	if ((n = readlink(path, buf, sizeof(buf) - 1)) <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* argv of pid, from its cmdline, as a JSON array into out. */
static int
argv_json(pid_t pid, struct buf *out, struct buf *tmp)
{
	struct str v[4096];
	size_t n = 0, i = 0;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (tracee_read_file(path, tmp) == -1)
		tmp->len = 0;
	while (i < tmp->len && n < sizeof(v) / sizeof(v[0])) {
		v[n].p = tmp->p + i;
		v[n].n = strnlen(tmp->p + i, tmp->len - i);
		i += v[n++].n + 1;
	}
	return json_add_array(out, v, n);
}

int
attach_target(pid_t pid, struct attach_target *a, char *why, size_t len)
{
	struct buf b = { 0 };
	struct sb_procstat ps;
	char path[64];

	memset(a, 0, sizeof(*a));
	why[0] = '\0';
	if (pid == getpid()) {
		snprintf(why, len, "-p %d: that is sbtrace itself", (int)pid);
		return -1;
	}
	if (kill(pid, 0) == -1 && errno == ESRCH) {
		snprintf(why, len, "-p %d: no such process", (int)pid);
		return -1;
	}
	/* a thread id is a way to name its process */
	pid = tracee_tgid(pid, &b);
	a->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int rc = tracee_read_file(path, &b);
	if (rc == -1 || sb_procstat_parse(b.p, b.len, &ps) == -1) {
		snprintf(why, len, "-p %d: %s: %s", (int)pid, path,
		    rc == 0		  ? "not in the form the kernel writes"
			: errno == ENOENT ? "no such process"
					  : strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (ps.state == 'Z' || ps.state == 'X') {
		snprintf(why, len,
		    "-p %d: the process has exited (its parent has not reaped it yet)", (int)pid);
		buf_free(&b);
		return -1;
	}
	a->ppid = (pid_t)ps.ppid;
	a->exe = link_of(pid, "exe");
	if ((a->cwd = link_of(pid, "cwd")) == NULL && (a->cwd = strdup("")) == NULL)
		goto nomem;
	if (argv_json(pid, &a->argv, &b) == -1)
		goto nomem;
	buf_free(&b);
	return 0;
nomem:
	buf_free(&b);
	attach_target_free(a);
	errno = ENOMEM;
	return -1;
}

void
attach_target_free(struct attach_target *a)
{
	free(a->exe);
	free(a->cwd);
	buf_free(&a->argv);
	a->exe = a->cwd = NULL;
}

/*
 * PTRACE_SEIZE of pid failed with EPERM: say why, most certain cause
 * first, and what to do, into why.
 */
static void
explain_eperm(pid_t pid, char *why, size_t len)
{
	struct buf st = { 0 };
	char path[64], probe[512], *exe;
	long long tracer, uid;
	int cap = permit_cap_ptrace(), scope = permit_yama_scope();

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (tracee_read_file(path, &st) == -1) {
		snprintf(why, len, "-p %d: ptrace not permitted (%s)", (int)pid, strerror(EPERM));
		goto out;
	}
	tracer = status_field(st.p, "TracerPid");
	uid = status_field(st.p, "Uid");
	exe = link_of(pid, "exe");
	if (tracer > 0) {
		char *texe = link_of((pid_t)tracer, "exe");

		snprintf(why, len,
		    "-p %d: ptrace not permitted: the process is traced already, by pid %lld (%s); "
		    "a process has one tracer at a time: stop that one first",
		    (int)pid, tracer, texe != NULL ? texe : "?");
		free(texe);
	} else if (exe == NULL && errno == ENOENT) {
		snprintf(why, len, "-p %d: ptrace not permitted: it is a kernel thread", (int)pid);
	} else if (permit_seccomp_mode() > 0 && ptrace_probe(probe, sizeof(probe)) == -1) {
		/* not even a child of ours can be traced: the filter */
		snprintf(why, len,
		    "-p %d: ptrace not permitted: a seccomp filter on sbtrace denies it; run "
		    "sbtrace without that filter (a container: --security-opt seccomp=unconfined "
		    "or a profile that allows ptrace)",
		    (int)pid);
	} else if (scope == 3) {
		snprintf(why, len,
		    "-p %d: ptrace not permitted: kernel.yama.ptrace_scope is 3 (no ptrace until "
		    "reboot); reboot with a lower scope",
		    (int)pid);
	} else if (scope == 2 && !cap) {
		snprintf(why, len,
		    "-p %d: ptrace not permitted: kernel.yama.ptrace_scope is 2 (only with "
		    "CAP_SYS_PTRACE); run sbtrace as root or set kernel.yama.ptrace_scope=1 and "
		    "run it as the process's user",
		    (int)pid);
	} else if (uid >= 0 && uid != (long long)getuid() && !cap) {
		snprintf(why, len,
		    "-p %d: ptrace not permitted: the process runs as uid %lld, sbtrace as uid "
		    "%d; run sbtrace as that user, or as root",
		    (int)pid, uid, (int)getuid());
	} else if (scope == 1 && !cap) {
		snprintf(why, len,
		    "-p %d: ptrace not permitted: kernel.yama.ptrace_scope is 1, which allows only "
		    "descendants to be traced; run sbtrace as root (or with CAP_SYS_PTRACE), or set "
		    "kernel.yama.ptrace_scope=0",
		    (int)pid);
	} else {
		snprintf(why, len,
		    "-p %d: ptrace not permitted (%s): the process may be set-ID or otherwise not "
		    "dumpable, or a security module (AppArmor, SELinux) denies it; run sbtrace "
		    "as root",
		    (int)pid, strerror(EPERM));
	}
	free(exe);
out:
	buf_free(&st);
}

/* Is tid traced by us already (the kernel seized it for us, as a
 * thread started by a thread seized before)? */
static int
traced_by_us(pid_t tid, struct buf *b)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	return tracee_read_file(path, b) == 0 &&
	    status_field(b->p, "TracerPid") == (long long)getpid();
}

/* One pass over the threads of pid: how many were seized anew. */
static int
seize_pass(struct ptracer *t, pid_t pid, struct buf *b)
{
	char path[64];
	struct dirent *de;
	int fresh = 0, r;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0; /* it has gone: the event loop sees its exit */
	while ((de = readdir(d)) != NULL) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid <= 0 || tid == pid)
			continue;
		if ((r = ptracer_seize(t, pid, tid)) == 1)
			fresh++;
		else if (r == -1 && errno != ESRCH && !traced_by_us(tid, b))
			warn("-p %d: thread %d not traced: PTRACE_SEIZE", (int)pid, (int)tid);
	}
	closedir(d);
	return fresh;
}

int
attach_seize(struct ptracer *t, pid_t pid, char *why, size_t len)
{
	struct buf b = { 0 };

	/* the thread group leader first: its threads join its process */
	if (ptracer_seize(t, pid, pid) == -1) {
		if (errno == EPERM)
			explain_eperm(pid, why, len);
		else if (errno == ESRCH)
			snprintf(why, len, "-p %d: no such process", (int)pid);
		else
			snprintf(why, len, "-p %d: PTRACE_SEIZE: %s", (int)pid, strerror(errno));
		return -1;
	}
	/* a thread that starts a thread while we read the directory may
	 * not be seized yet: read again until nothing is new */
	for (int i = 0; i < THREAD_PASSES && seize_pass(t, pid, &b) > 0; i++)
		;
	buf_free(&b);
	return 0;
}

/* The signal a tracee in the stop of wait status status is to get
 * with its detach: only a signal-delivery stop has one to pass on, or
 * it would be lost.  The other stops (PTRACE_EVENT_STOP of an interrupt
 * or a group-stop, syscall stops, fork and exec events) report SIGTRAP,
 * or a stop signal the tracee stays stopped by without it. */
static int
detach_signal(int status)
{
	int sig = WSTOPSIG(status);

	return (status >> 16) != 0 || sig == (SIGTRAP | 0x80) ? 0 : sig;
}

/*
 * Let go of tid.  PTRACE_DETACH works only on a tracee in a ptrace
 * stop, so it is interrupted first and waited for; the stop that comes
 * may be another one already pending.
 */
static void
detach_one(struct ptracer *t, pid_t tid)
{
	int status;
	pid_t r;

	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) == -1) {
		/* gone, or exiting: take its exit if it is there, and never
		 * block on a leader whose exit waits for its threads */
		while ((r = waitpid(tid, &status, __WALL | WNOHANG)) == -1 && errno == EINTR)
			;
		if (r == tid && !WIFSTOPPED(status))
			ptracer_event(t, tid, status);
		else
			ptracer_forget(t, tid);
		return;
	}
	while ((r = waitpid(tid, &status, __WALL)) == -1 && errno == EINTR)
		;
	if (r != tid) {
		ptracer_forget(t, tid);
		return;
	}
	if (!WIFSTOPPED(status)) {
		ptracer_event(t, tid, status); /* it ended: recorded as such */
		return;
	}
	if (ptrace(PTRACE_DETACH, tid, 0, (void *)(long)detach_signal(status)) == -1 &&
	    errno != ESRCH)
		warn("detaching from %d", (int)tid);
	ptracer_forget(t, tid);
}

void
attach_detach(struct ptracer *t)
{
	size_t n;
	pid_t *tids = ptracer_tids(t, &n);
	int status;
	pid_t r;

	if (tids == NULL && n > 0) {
		/* no memory for the list: the kernel detaches everything
		 * when sbtrace exits, without PTRACE_O_EXITKILL */
		return;
	}
	for (size_t i = 0; i < n; i++)
		detach_one(t, tids[i]);
	free(tids);
	/* children a task was starting as we stopped it were seized by
	 * the kernel for us and not yet seen: let them go too */
	while ((r = waitpid(-1, &status, __WALL | WNOHANG)) > 0)
		if (WIFSTOPPED(status) &&
		    ptrace(PTRACE_DETACH, r, 0, (void *)(long)detach_signal(status)) == -1 &&
		    errno != ESRCH)
			warn("detaching from %d", (int)r);
}
