/*
 * chroot mode (root or CAP_SYS_ADMIN + CAP_SYS_CHROOT): in a private
 * mount namespace, the payload bound read-only on itself with /proc (the
 * kernel's sensitive files masked), a /dev of the safe nodes only and a
 * /tmp mounted inside; chroot into it; then, before exec: the invoking
 * user (SIDEBUNDLE_USER, else SUDO_UID/SUDO_GID, else who ran us), an
 * empty capability bounding set, no capabilities left in any set,
 * NO_NEW_PRIVS and a seccomp filter (harden.c).  Each step is checked
 * after it is made.  The namespace dies with the process: nothing stays
 * mounted on the host.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "layout.h"

/* <linux/capability.h>, which musl does not ship */
#define SB_CAP_VERSION_3 0x20080522
struct sb_cap_header {
	uint32_t version;
	int pid;
};
struct sb_cap_data {
	uint32_t effective, permitted, inheritable;
};

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

	if (do_mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;
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
		warnx("chroot mode: %s=%s: want a numeric id", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Who to run as: SIDEBUNDLE_USER=UID[:GID], else sudo's SUDO_UID and
 * SUDO_GID, else our real ids. */
static int
target_ids(const struct launch *l, uid_t *uid, gid_t *gid)
{
	const char *u = setting(l, SB_ENV_USER);
	unsigned long a, b;

	*uid = getuid();
	*gid = getgid();
	if (u && *u) {
		char buf[64], *colon;
		snprintf(buf, sizeof buf, "%s", u);
		if ((colon = strchr(buf, ':')) != NULL)
			*colon = '\0';
		if (parse_id(buf, SB_ENV_USER, &a) < 0 ||
		    (colon && parse_id(colon + 1, SB_ENV_USER, &b) < 0))
			return -1;
		*uid = (uid_t)a;
		*gid = colon ? (gid_t)b : (gid_t)a;
		return 0;
	}
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	if (su && sg) {
		if (parse_id(su, "SUDO_UID", &a) < 0 || parse_id(sg, "SUDO_GID", &b) < 0)
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

/* Drop everything, then check that it is gone. */
static int
drop_privileges(uid_t uid, gid_t gid)
{
	int last = last_cap();
	struct sb_cap_header h = { SB_CAP_VERSION_3, 0 };
	struct sb_cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			warn("chroot mode: dropping capability %d from the bounding set", c);
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		warn("chroot mode: clearing the ambient capabilities");
		return -1;
	}
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		warn("chroot mode: switching to uid %lu gid %lu", (unsigned long)uid,
		    (unsigned long)gid);
		return -1;
	}
	if (syscall(SYS_capset, &h, d) < 0) {
		warn("chroot mode: clearing the capability sets");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		warn("chroot mode: PR_SET_NO_NEW_PRIVS");
		return -1;
	}

	/* the checks: each drop must show */
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (syscall(SYS_capget, &h, d) < 0 ||
	    (d[0].effective | d[0].permitted | d[0].inheritable | d[1].effective | d[1].permitted |
		d[1].inheritable) != 0)
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
	warnx("chroot mode: the privileges were not dropped as asked: not running");
	return -1;
}

int
run_chroot(struct launch *l)
{
	const char *p = l->payload;
	uid_t uid;
	gid_t gid;

	if (target_ids(l, &uid, &gid) < 0)
		return EXIT_CANNOT_RUN;
	if (unshare(CLONE_NEWNS) < 0) {
		if (errno == EPERM)
			warnx("chroot mode needs root (CAP_SYS_ADMIN and CAP_SYS_CHROOT): "
			      "run it with sudo, or use SIDEBUNDLE_RUN_MODE=bwrap or host");
		else
			warn("chroot mode: unshare");
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
	if (drop_privileges(uid, gid) < 0)
		return EXIT_CANNOT_RUN;
	if (seccomp_install() < 0) {
		warn("chroot mode: seccomp filter");
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
