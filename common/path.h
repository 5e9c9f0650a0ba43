#ifndef SB_PATH_H
#define SB_PATH_H

#include <stddef.h>

/*
 * Join raw onto base (when raw is relative) and normalise lexically:
 * collapse "//", drop ".", and let ".." remove the previous component
 * (never climbing above "/").  Symlinks are not consulted: the result is
 * what the text of the path says, which is what the trace can promise.
 * Any byte but NUL may appear; lengths are explicit.  A relative raw
 * with an empty base stays relative (normalised).
 * Returns a malloc'd NUL-terminated string and its length in *outlen,
 * or NULL with errno set.
 */
char *path_normalize(const char *base, size_t baselen, const char *raw, size_t rawlen,
    size_t *outlen);

#endif
