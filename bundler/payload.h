/*
 * Writing payload/ from the closure: files copied and deduplicated by
 * content and mode, directories, symlinks verbatim, all through
 * O_NOFOLLOW walks so nothing in the tree can redirect a write.
 */
#ifndef SB_PAYLOAD_H
#define SB_PAYLOAD_H

#include "closure.h"

/* Create payload/ under buildfd from c's items (sorted here). */
int payload_write(struct closure *c, int buildfd);
/* Open payload directory dir ("/" or absolute, below payfd) walking one
 * component at a time with O_NOFOLLOW: a link anywhere fails (ELOOP or
 * ENOTDIR) instead of leading elsewhere. */
int payload_open_dir(int payfd, const char *dir);
/* Remove the tree name under dirfd without following any symlink. */
int tree_remove(int dirfd, const char *name);

#endif
