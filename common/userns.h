/*
 * Why this host refuses the user namespaces bwrap(1) needs, read from
 * the kernel's settings: shared by bwrap mode (the launcher) and
 * `sidebundle check`, which both run bwrap unprivileged.  libc only: the
 * static launcher links it.
 */
#ifndef SB_USERNS_H
#define SB_USERNS_H

#include <stddef.h>

/*
 * NULL when no setting refuses them (or bwrap is set-user-ID root and
 * needs none; bwrap's own error then tells the rest), else "user
 * namespaces, and they are disabled here (SETTING = V): as root, run
 * ..." into buf, to follow "... needs ".
 */
const char *sb_userns_refusal(const char *bwrap, char *buf, size_t len);

#endif
