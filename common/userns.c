#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns.h"

/* Every CLONE_NEW* flag. */
#define NS_FLAGS                                                                                   \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	    CLONE_NEWPID | CLONE_NEWNET)

static long
read_sysctl(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * The probe asks for every namespace with a flag the kernel refuses
 * with EINVAL before it checks any permission or makes anything:
 * unshare(2) never takes CLONE_PTRACE, and clone(2) never takes
 * CLONE_NEWNS with CLONE_FS.  A filter sees the flags first, so any
 * other answer (EPERM, ENOSYS, a signal) is the filter's.
 */
int
sb_ns_filtered(void)
{
	int st;

	/* 2: a filter (mode 1, strict, would have killed us by now) */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return 0; /* cannot tell: say nothing rather than guess */
	if (pid == 0) {
		int bits = 0;
		if (syscall(SYS_unshare, (unsigned long)(NS_FLAGS | CLONE_PTRACE)) == 0 ||
		    errno != EINVAL)
			bits |= SB_NS_UNSHARE;
		long r =
		    syscall(SYS_clone, (unsigned long)(NS_FLAGS | CLONE_FS | SIGCHLD), 0, 0, 0, 0);
		if (r == 0)
			_exit(0); /* cannot happen: the kernel refuses the flags */
		if (r > 0 || errno != EINVAL)
			bits |= SB_NS_CLONE;
		_exit(bits);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (WIFSIGNALED(st))
		return SB_NS_UNSHARE | SB_NS_CLONE; /* killed by the filter */
	return WIFEXITED(st) ? WEXITSTATUS(st) & (SB_NS_UNSHARE | SB_NS_CLONE) : 0;
}

const char *
sb_ns_filter_refusal(char *buf, size_t len)
{
	int bits = sb_ns_filtered();

	if (bits == 0)
		return NULL;
	snprintf(buf, len,
	    "new namespaces, and a seccomp filter on this process refuses them (%s with "
	    "namespace flags): the container or service that started it forbids them; allow "
	    "unshare, setns and clone with namespace flags in its seccomp profile (Docker, "
	    "Podman: --security-opt seccomp=PROFILE, not --privileged; systemd: "
	    "RestrictNamespaces=)",
	    bits == SB_NS_UNSHARE     ? "unshare(2)"
		: bits == SB_NS_CLONE ? "clone(2)"
				      : "unshare(2) and clone(2)");
	return buf;
}

const char *
sb_userns_refusal(const char *bwrap, char *buf, size_t len)
{
	struct stat st;

	/* a filter stops a set-user-ID bwrap too */
	if (sb_ns_filter_refusal(buf, len) != NULL)
		return buf;
	if (bwrap != NULL && stat(bwrap, &st) == 0 && (st.st_mode & S_ISUID) && st.st_uid == 0)
		return NULL; /* a setuid bwrap needs none */
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0) {
		snprintf(buf, len,
		    "user namespaces, and they are disabled here "
		    "(user.max_user_namespaces = 0): as root, run "
		    "'sysctl -w user.max_user_namespaces=15000'");
		return buf;
	}
	if (geteuid() == 0)
		return NULL;
	if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		snprintf(buf, len,
		    "unprivileged user namespaces, and they are "
		    "disabled here (kernel.unprivileged_userns_clone = 0): as root, run "
		    "'sysctl -w kernel.unprivileged_userns_clone=1', or make bwrap "
		    "setuid root");
		return buf;
	}
	if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
		snprintf(buf, len,
		    "unprivileged user namespaces, and AppArmor "
		    "restricts them here (kernel.apparmor_restrict_unprivileged_userns = 1): "
		    "give bwrap an AppArmor profile that allows userns (Ubuntu: "
		    "the bwrap-userns-restrict profile), or as root run "
		    "'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'");
		return buf;
	}
	return NULL;
}

/* Is this process's user namespace another than the first?  The first
 * maps every id to itself ("0 0 4294967295"); *outer gets the outside
 * id of our uid.  -1 when uid_map cannot be read. */
static int
userns_nested(unsigned long *outer)
{
	char buf[4096];
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	unsigned long uid = (unsigned long)geteuid(), in, out, cnt;
	int nested = 1, off = 0, used;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*outer = uid;
	while (sscanf(buf + off, "%lu %lu %lu%n", &in, &out, &cnt, &used) == 3) {
		if (in == 0 && out == 0 && cnt == 4294967295UL)
			nested = 0;
		if (uid >= in && uid - in < cnt)
			*outer = out + (uid - in);
		off += used;
	}
	return nested;
}

/* The mount points below /proc, from mountinfo (field 5), into buf as
 * "P, P, ..."; the number found.  binfmt_misc's is not counted: the
 * kernel lets a mount on a directory that is always empty be. */
static int
proc_submounts(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = 0;
	size_t used = 0;

	buf[0] = '\0';
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *p = line;
		for (int i = 0; i < 4 && p != NULL; i++)
			p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
		if (p == NULL || strncmp(p, "/proc/", 6) != 0)
			continue;
		p[strcspn(p, " ")] = '\0';
		if (strcmp(p, "/proc/sys/fs/binfmt_misc") == 0)
			continue;
		if (found < 3) {
			int w = snprintf(buf + used, len - used, "%s%s", found ? ", " : "", p);
			if (w > 0 && (size_t)w < len - used)
				used += (size_t)w;
		} else if (found == 3 && len - used > 5) {
			memcpy(buf + used, ", ...", 6);
			used += 5;
		}
		found++;
	}
	fclose(f);
	return found;
}

const char *
sb_userns_proc_refusal(char *buf, size_t len)
{
	unsigned long outer;
	char masked[512];

	if (userns_nested(&outer) != 1)
		return NULL;
	if (proc_submounts(masked, sizeof masked) > 0)
		snprintf(buf, len,
		    "a new /proc, and the kernel refuses one in a user namespace (uid %lu "
		    "here is uid %lu outside) while paths below the /proc it has are mounted "
		    "over (%s: a container's masks): run it as root outside that namespace, "
		    "or where the container shows all of /proc (Docker, Podman: "
		    "--security-opt systempaths=unconfined)",
		    (unsigned long)geteuid(), outer, masked);
	else
		snprintf(buf, len,
		    "a new /proc, and the kernel refuses one in this user namespace (uid %lu "
		    "here is uid %lu outside): run it as root outside that namespace",
		    (unsigned long)geteuid(), outer);
	return buf;
}

/* The probe's child: new user, mount and PID namespaces, and in them
 * (pid 1) a new proc on /proc, as bwrap makes it.  Exits 0 when it was
 * mounted, 1 when the kernel refused it (EPERM), 2 when it cannot tell. */
static void __attribute__((noreturn)) proc_probe(void)
{
	int st;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) < 0)
		_exit(2);
	pid_t pid = fork();
	if (pid < 0)
		_exit(2);
	if (pid == 0) {
		/* private first: nothing of it may reach the namespace we came from */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(2);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
			_exit(0);
		_exit(errno == EPERM ? 1 : 2);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(2);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
}

int
sb_new_proc_refused(void)
{
	char masked[512];
	int st;

	/* the cheap answer first: the probe costs two forks.  Not whether
	 * we are in a user namespace: bwrap makes one, so a container's
	 * masks refuse it also to real root */
	if (proc_submounts(masked, sizeof masked) == 0)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		proc_probe();
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return -1;
	return WEXITSTATUS(st);
}
