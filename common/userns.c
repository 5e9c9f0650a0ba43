#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userns.h"

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

const char *
sb_userns_refusal(const char *bwrap, char *buf, size_t len)
{
	struct stat st;

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
