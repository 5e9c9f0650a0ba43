/*
 * DIR/NAME/why: why each payload path is in the bundle ("DT_NEEDED of
 * /usr/bin/python3.11", "traced open by pid 1234 python3.11"), written
 * by `create` and read by `show`; sidebundle-manifest(5) describes it.
 * Beside the manifest, not in it: a reason may name a process, and the
 * manifest stays the same for the same inputs.
 */
#ifndef SB_WHY_H
#define SB_WHY_H

#include <stddef.h>

#include "closure.h"

#define WHY_MAGIC "sidebundle-why"
#define WHY_VERSION 1

struct why {
	char **paths; /* sorted bytewise */
	char **reasons;
	size_t n, cap;
};

/* Write SB_LAYOUT_WHY under bundlefd from c's items (sorted), replacing
 * one there.  -1 with a message printed. */
int why_write(int bundlefd, const struct closure *c);

/* Read it: 0, or -1 with errno (ENOENT: the bundle has none, as one
 * made before it existed) and why in err. */
int why_read(struct why *w, int bundlefd, char *err, size_t errlen);
/* The parser (the fuzz target's way in): buf[0..len). */
int why_parse(struct why *w, const char *buf, size_t len, char *err, size_t errlen);

/* path's reason, or NULL. */
const char *why_get(const struct why *w, const char *path);
void why_free(struct why *w);

#endif
