/*
 * chroot mode (root or CAP_SYS_ADMIN + CAP_SYS_CHROOT): new mount and
 * PID namespaces (and a network namespace with SIDEBUNDLE_NET=0, its
 * loopback brought up as bwrap does).  The launcher forks the sandbox's init (pid 1), which
 * binds the payload read-only on itself with /proc (the kernel's
 * sensitive files masked), a /dev of the safe nodes only and a /tmp
 * mounted inside, chroots into it and forks the entry (pid 2).  Before
 * the exec, the entry's process takes the invoking user
 * (SIDEBUNDLE_USER, else SUDO_UID/SUDO_GID, else who ran us), an empty
 * capability bounding set, no capabilities left in any set,
 * NO_NEW_PRIVS and a seccomp filter (harden.c); each step is checked
 * after it is made.  Init keeps CAP_KILL alone (to pass signals on to
 * an entry of another user), reaps whatever is orphaned in the sandbox
 * and hands the entry's wait status to the launcher, which exits with
 * it; init stays until the last process of the sandbox is gone, as
 * bwrap's does.  The namespaces die with their processes: nothing stays
 * mounted on the host.
 *
 * Signals: one sent to the launcher (kill, timeout(1)) is passed on to
 * init and from there to the entry; one the terminal sends to the
 * foreground process group (SI_KERNEL) reaches the entry by itself and
 * is not passed again.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "layout.h"
#include "userns.h"

/* <linux/capability.h>, which musl does not ship */
#define SB_CAP_VERSION_3 0x20080522
struct sb_cap_header {
	uint32_t version;
	int pid;
};
struct sb_cap_data {
	uint32_t effective, permitted, inheritable;
};
#define SB_CAP_KILL 5
#define SB_CAP_SYS_ADMIN 21

/* mount(2) that names the path on failure. */
static int
do_mount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) == 0)
		return 0;
	warn("chroot mode: mount %s on %s", type ? type : src ? src : "(remount)", dst);
	return -1;
}

/* Bind dir on itself read-only (the remount is what makes it so). */
static int
bind_ro(const char *dir, unsigned long extra)
{
	if (do_mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return do_mount(NULL, dir, NULL,
	    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | extra, NULL);
}

/* /proc, with what Docker masks: files under /dev/null, directories
 * under an empty read-only tmpfs, kernel tunables read-only. */
static int
mount_proc(const char *proc)
{
	static const char *const nullfiles[] = { "kcore", "keys", "timer_list", "sched_debug",
		"latency_stats", "sysrq-trigger", "kallsyms", NULL };
	static const char *const hidden[] = { "acpi", "scsi", "asound", "firmware", NULL };
	static const char *const ro[] = { "sys", "bus", "fs", "irq", NULL };
	struct stat st;

	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		int e = errno;
		char why[1024];
		/* in a user namespace the kernel has rules of its own */
		if (e == EPERM && sb_userns_proc_refusal(why, sizeof why) != NULL)
			warnx("chroot mode needs %s; or use SIDEBUNDLE_RUN_MODE=host", why);
		else {
			errno = e;
			warn("chroot mode: mount proc on %s", proc);
		}
		return -1;
	}
	for (int i = 0; nullfiles[i]; i++) {
		char *p = xjoin(proc, nullfiles[i]);
		int rc = stat(p, &st) < 0 ? 0 : do_mount("/dev/null", p, NULL, MS_BIND, NULL);
		free(p);
		if (rc < 0)
			return -1;
	}
	for (int i = 0; hidden[i]; i++) {
		char *p = xjoin(proc, hidden[i]);
		int rc = stat(p, &st) < 0
		    ? 0
		    : do_mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0");
		free(p);
		if (rc < 0)
			return -1;
	}
	for (int i = 0; ro[i]; i++) {
		char *p = xjoin(proc, ro[i]);
		int rc = stat(p, &st) < 0 ? 0 : bind_ro(p, MS_NOEXEC);
		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A tmpfs /dev with null zero full random urandom tty bound from the
 * host, the usual links, a private devpts and /dev/shm; read-only. */
static int
mount_dev(const char *dev)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty",
		NULL };
	static const char *const links[][2] = { { "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" } };
	const char *opts = "mode=0755,size=64k";

	if (do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, opts) < 0)
		return -1;
	for (int i = 0; nodes[i]; i++) {
		char host[32], *p = xjoin(dev, nodes[i]);
		struct stat st;
		snprintf(host, sizeof host, "/dev/%s", nodes[i]);
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode)) {
			free(p);
			continue;
		}
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 || close(fd) < 0 || do_mount(host, p, NULL, MS_BIND, NULL) < 0) {
			if (fd < 0)
				warn("chroot mode: %s", p);
			free(p);
			return -1;
		}
		free(p);
	}
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		char *p = xjoin(dev, links[i][0]);
		if (symlink(links[i][1], p) < 0) {
			warn("chroot mode: %s", p);
			free(p);
			return -1;
		}
		free(p);
	}
	char *pts = xjoin(dev, "pts"), *shm = xjoin(dev, "shm");
	int rc = mkdir(pts, 0755) < 0 || mkdir(shm, 01777) < 0 ? -1 : 0;
	if (rc < 0)
		warn("chroot mode: %s", dev);
	/* a private devpts instance: only the sandbox's own terminals */
	if (rc == 0 &&
	    mount("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		"newinstance,ptmxmode=0666,mode=0620") < 0)
		rmdir(pts);
	if (rc == 0)
		rc = do_mount("tmpfs", shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777");
	free(pts);
	free(shm);
	if (rc == 0)
		rc =
		    do_mount(NULL, dev, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, opts);
	return rc;
}

static int
parse_id(const char *s, const char *what, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v >= (unsigned long)UINT32_MAX) {
		warnx("chroot mode: %s%s: want a numeric id", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Who to run as: SIDEBUNDLE_USER=UID[:GID], else an image's User
 * (entry-user UID:GID), else sudo's SUDO_UID and SUDO_GID, else our real
 * ids. */
static int
target_ids(const struct launch *l, uid_t *uid, gid_t *gid)
{
	const char *u = setting(l, SB_ENV_USER), *from = SB_ENV_USER "=";

	if ((u == NULL || *u == '\0') && l->e->user != NULL) {
		u = l->e->user;
		from = "the manifest's entry-user ";
	}
	unsigned long a, b;

	*uid = getuid();
	*gid = getgid();
	if (u && *u) {
		char buf[64], *colon;
		snprintf(buf, sizeof buf, "%s", u);
		if ((colon = strchr(buf, ':')) != NULL)
			*colon = '\0';
		if (parse_id(buf, from, &a) < 0 || (colon && parse_id(colon + 1, from, &b) < 0))
			return -1;
		*uid = (uid_t)a;
		*gid = colon ? (gid_t)b : (gid_t)a;
		return 0;
	}
	const char *su = caller_env(l, "SUDO_UID"), *sg = caller_env(l, "SUDO_GID");
	if (su && sg) {
		if (parse_id(su, "SUDO_UID=", &a) < 0 || parse_id(sg, "SUDO_GID=", &b) < 0)
			return -1;
		*uid = (uid_t)a;
		*gid = (gid_t)b;
	}
	return 0;
}

static int
last_cap(void)
{
	/* probe rather than read /proc: it works before and after chroot */
	int c = 0;
	while (prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
		c++;
	return c;
}

/* Does setgroups(2) refuse us because this user namespace denies it
 * (/proc/self/setgroups, read in the sandbox's own /proc)? */
static int
setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

/* Drop every capability but those of keep (CAP_* bits of the first
 * word), switch to uid and gid, set NO_NEW_PRIVS; then check that it
 * all shows.  what names the process in messages. */
static int
drop_privileges(const char *what, uid_t uid, gid_t gid, uint32_t keep)
{
	int last = last_cap();
	struct sb_cap_header h = { SB_CAP_VERSION_3, 0 };
	struct sb_cap_data d[2] = { { keep, keep, 0 }, { 0, 0, 0 } };

	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			warn("chroot mode: %s: dropping capability %d from the bounding set", what,
			    c);
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		warn("chroot mode: %s: clearing the ambient capabilities", what);
		return -1;
	}
	/* a user namespace that denies setgroups(2) leaves the groups we
	 * have (the kernel keeps them so that none can be shed to get
	 * around a deny rule): nothing is gained by them */
	if ((setgroups(1, &gid) < 0 && !(errno == EPERM && setgroups_denied())) ||
	    setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		warn("chroot mode: %s: switching to uid %lu gid %lu", what, (unsigned long)uid,
		    (unsigned long)gid);
		return -1;
	}
	if (syscall(SYS_capset, &h, d) < 0) {
		warn("chroot mode: %s: clearing the capability sets", what);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		warn("chroot mode: %s: PR_SET_NO_NEW_PRIVS", what);
		return -1;
	}

	/* the checks: each drop must show */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (syscall(SYS_capget, &h, d) < 0 || d[0].effective != keep || d[0].permitted != keep ||
	    (d[0].inheritable | d[1].effective | d[1].permitted | d[1].inheritable) != 0)
		goto bad;
	for (int c = 0; c <= last; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 0)
			goto bad;
	if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
		goto bad;
	if (uid != 0 && setuid(0) == 0)
		goto bad;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		goto bad;
	return 0;
bad:
	warnx("chroot mode: %s: the privileges were not dropped as asked: not running", what);
	return -1;
}

/* Has this process cap (< 32) in its effective set? */
static int
has_cap(int cap)
{
	struct sb_cap_header h = { SB_CAP_VERSION_3, 0 };
	struct sb_cap_data d[2];

	return syscall(SYS_capget, &h, d) == 0 && (d[0].effective >> cap & 1);
}

/* Say why unshare(2) failed with e, and what to do. */
static void
unshare_failed(int e)
{
	char why[1024];

	if (sb_ns_filter_refusal(why, sizeof why) != NULL)
		warnx("chroot mode needs %s; or use SIDEBUNDLE_RUN_MODE=host", why);
	else if (e == EPERM && geteuid() != 0)
		warnx("chroot mode needs root (CAP_SYS_ADMIN and CAP_SYS_CHROOT): "
		      "run it with sudo, or use SIDEBUNDLE_RUN_MODE=bwrap or host");
	else if (e == EPERM && !has_cap(SB_CAP_SYS_ADMIN))
		warnx("chroot mode needs CAP_SYS_ADMIN and CAP_SYS_CHROOT, and this process is "
		      "root without them (the container or service that started it dropped "
		      "them): run it where root keeps them, or use SIDEBUNDLE_RUN_MODE=host");
	else if (e == ENOSPC)
		warnx("chroot mode needs a new mount and PID namespace, and the limit is "
		      "reached (user.max_mnt_namespaces, user.max_pid_namespaces, or the "
		      "nesting depth): raise it, or use SIDEBUNDLE_RUN_MODE=host");
	else {
		errno = e;
		warn("chroot mode: unshare");
	}
}

/* A new network namespace has a loopback, down: up, as bwrap brings
 * it, so the program can still talk to itself. */
static int
loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		warn("chroot mode: no network: socket");
		return -1;
	}
	memcpy(ifr.ifr_name, "lo", sizeof "lo");
	int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0)
		warn("chroot mode: no network: bringing up the loopback");
	close(fd);
	return rc;
}

/* Where a forwarded signal goes: init, in the launcher; the entry, in
 * init.  0: nowhere (yet, or any more). */
static volatile pid_t forward_to;

static void
forward(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	/* SI_KERNEL: the terminal's, sent to the whole foreground process
	 * group, the entry included */
	if (si->si_code != SI_KERNEL && forward_to > 0)
		kill(forward_to, sig);
	errno = saved;
}

static int
forward_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
		SIGWINCH };
	struct sigaction sa = { 0 };

	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}

/* The exit status that passes a wait status on: its code, or 128 plus
 * the signal that killed it. */
static int
passed_on(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_CANNOT_RUN;
}

/* pid 2: the entry, as the user, without privilege.  Returns only on
 * failure, with the exit status. */
static int
exec_entry(struct launch *l, uid_t uid, gid_t gid)
{
	if (drop_privileges("the entry", uid, gid, 0) < 0)
		return EXIT_CANNOT_RUN;
	if (seccomp_install() < 0) {
		warn("chroot mode: seccomp filter");
		return EXIT_CANNOT_RUN;
	}
	/* an image's WorkingDir, as an engine starts its program there */
	if (l->e->cwd != NULL && chdir(l->e->cwd) < 0) {
		warn("chroot mode: %s: cannot start in %s", l->e->name, l->e->cwd);
		return EXIT_CANNOT_RUN;
	}
	char **argv = xmalloc(((size_t)l->nargs + 2) * sizeof *argv);
	argv[0] = l->e->path;
	for (int i = 0; i < l->nargs; i++)
		argv[i + 1] = l->args[i];
	argv[l->nargs + 1] = NULL;
	execv(l->e->path, argv);
	warn("%s: cannot run %s in the bundle", l->e->name, l->e->path);
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

/* The sandbox's init (pid 1): the mounts, the chroot, the entry; then
 * it reaps.  The entry's wait status goes to statfd once it is known.
 * Returns the exit status. */
static int
sandbox_init(struct launch *l, uid_t uid, gid_t gid, int statfd)
{
	const char *p = l->payload;
	int st, entry_st = 0, done = 0;

	/* the launcher killed (SIGKILL) while the entry runs: so is the
	 * sandbox, as pid 1's end ends it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
		warn("chroot mode: PR_SET_PDEATHSIG");
		return EXIT_CANNOT_RUN;
	}
	char *proc = xjoin(p, "proc"), *dev = xjoin(p, "dev"), *tmp = xjoin(p, "tmp");
	/* private first, so that nothing below propagates to the host */
	if (do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || bind_ro(p, 0) < 0 ||
	    mount_proc(proc) < 0 || mount_dev(dev) < 0 ||
	    do_mount("tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return EXIT_CANNOT_RUN;
	if (chdir(p) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		warn("chroot mode: chroot %s", p);
		return EXIT_CANNOT_RUN;
	}
	pid_t entry = fork();
	if (entry < 0) {
		warn("chroot mode: fork");
		return EXIT_CANNOT_RUN;
	}
	if (entry == 0) {
		close(statfd);
		_exit(exec_entry(l, uid, gid));
	}
	forward_to = entry;
	/* init keeps its user (root) but only CAP_KILL, and the entry's filter */
	if (drop_privileges("init", getuid(), getgid(), 1U << SB_CAP_KILL) < 0 ||
	    seccomp_install() < 0 || forward_signals() < 0) {
		warn("chroot mode: init");
		kill(entry, SIGKILL);
		return EXIT_CANNOT_RUN;
	}
	/* hold no terminal and no pipe of the caller's open while only the
	 * entry's leftovers keep the sandbox alive */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup2(null, fd);
	for (;;) {
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break; /* ECHILD: the last one is gone */
		if (pid != entry)
			continue;
		/* the launcher is about to go, and the leftovers stay */
		forward_to = 0;
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		entry_st = st;
		done = 1;
		ssize_t n;
		do
			n = write(statfd, &st, sizeof st);
		while (n < 0 && errno == EINTR);
		close(statfd);
	}
	return done ? passed_on(entry_st) : EXIT_CANNOT_RUN;
}

int
run_chroot(struct launch *l)
{
	uid_t uid;
	gid_t gid;
	int sp[2], st;

	if (target_ids(l, &uid, &gid) < 0)
		return EXIT_CANNOT_RUN;
	env_scrub_loader(l);
	int net = setting_bool(l, SB_ENV_NET, 1);
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | (net ? 0 : CLONE_NEWNET)) < 0) {
		unshare_failed(errno);
		return EXIT_CANNOT_RUN;
	}
	if (!net && loopback_up() < 0)
		return EXIT_CANNOT_RUN;
	if (pipe2(sp, O_CLOEXEC) < 0) {
		warn("chroot mode: pipe");
		return EXIT_CANNOT_RUN;
	}
	/* the first child is pid 1 of the new PID namespace */
	pid_t init = fork();
	if (init < 0) {
		warn("chroot mode: fork");
		return EXIT_CANNOT_RUN;
	}
	if (init == 0) {
		close(sp[0]);
		_exit(sandbox_init(l, uid, gid, sp[1]));
	}
	close(sp[1]);
	forward_to = init;
	if (forward_signals() < 0)
		warn("chroot mode: signals");
	ssize_t n;
	do
		n = read(sp[0], &st, sizeof st);
	while (n < 0 && errno == EINTR);
	if (n == sizeof st)
		return passed_on(st);
	/* init ended before the entry did: its own status says why */
	while (waitpid(init, &st, 0) < 0) {
		if (errno != EINTR) {
			warn("chroot mode: wait");
			return EXIT_CANNOT_RUN;
		}
	}
	return passed_on(st);
}
