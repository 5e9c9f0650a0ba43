/*
 * bin/ of a bundle: the static launcher copied in, host mode's shim
 * beside it, and a relative symlink to the launcher per entry
 * (sidebundle-launcher(7)).
 */
#ifndef SB_LAUNCH_H
#define SB_LAUNCH_H

#include "closure.h"
#include "create.h"

/* The static launcher to copy into bundles (malloc'd path): next to our
 * own executable, else ../lib/sidebundle/ from it, else SB_LIBDIR; NULL
 * with errno when there is none. */
char *launcher_find(void);
/* Copy launcher to bin/.sidebundle-launcher under bindirfd. */
int launcher_install(int bindirfd, const char *launcher);
/* bin/<entry>: a relative symlink to the launcher, after checking that
 * the entry and its interpreter are in the payload. */
int launch_link_write(int bindirfd, const struct closure *c, const struct entry *e);

/* The bin-file records of manifest.lock: every regular file of bin/
 * under buildfd (the launcher, the shim) with its mode and hash, into
 * m->bins (malloc'd; launch_bin_records_free).  -1 with a message. */
int launch_bin_records(int buildfd, struct manifest *m);
void launch_bin_records_free(struct manifest *m);

#endif
