/*
 * Why this host refuses the namespaces the sandboxes need, and what to
 * do: the kernel's settings for user namespaces, a seccomp filter that
 * refuses new namespaces of any kind, and a user namespace that cannot
 * mount a new /proc.  Shared by bwrap and chroot modes (the launcher)
 * and `sidebundle check`, which runs bwrap unprivileged.  libc only:
 * the static launcher links it.  Each message is written into buf, to
 * follow "... needs ", and says what to change.
 */
#ifndef SB_USERNS_H
#define SB_USERNS_H

#include <stddef.h>

/*
 * NULL when nothing refuses them (or bwrap is set-user-ID root and
 * needs none; bwrap's own error then tells the rest), else "user
 * namespaces, and they are disabled here (SETTING = V): as root, run
 * ..." or the seccomp filter's message below.
 */
const char *sb_userns_refusal(const char *bwrap, char *buf, size_t len);

/* What a seccomp filter on this process refuses, or'ed. */
#define SB_NS_UNSHARE 1 /* unshare(2) with a namespace flag */
#define SB_NS_CLONE 2	/* clone(2) with a namespace flag */

/*
 * Does a seccomp filter on this process refuse new namespaces?  0 when
 * there is no filter (no child is made then) or it lets them through,
 * else SB_NS_* bits.  Probed in a child, which a filter may kill.
 */
int sb_ns_filtered(void);

/* NULL when sb_ns_filtered() finds nothing, else "new namespaces, and a
 * seccomp filter on this process refuses them ...: allow ...". */
const char *sb_ns_filter_refusal(char *buf, size_t len);

/*
 * After mount(2) of a new proc failed with EPERM: NULL unless this
 * process is in a user namespace other than the first, else "a new
 * /proc, which the kernel refuses in a user namespace (uid 0 here is
 * uid N outside) ...", naming the paths mounted over below /proc when
 * there are (a container's masks: the kernel wants all of /proc
 * visible).
 */
const char *sb_userns_proc_refusal(char *buf, size_t len);

/*
 * Would the kernel refuse bwrap a new /proc here?  In a user namespace
 * other than the first (bwrap makes one) it mounts one only where the
 * /proc there is all visible, which a container's masks or an outer
 * bwrap's read-only binds below it are not.  1 when a probe (new user,
 * mount and PID namespaces, as bwrap makes them) was refused, 0 when it
 * was not or there is nothing to ask (nothing mounted below /proc);
 * -1 when it cannot tell.
 */
int sb_new_proc_refused(void);

#endif
