/*
 * The SHA-256 of a file as the manifest records it (sidebundle-
 * manifest(5)): for the bin/ records `create` writes and for `verify`.
 */
#ifndef SB_FILEHASH_H
#define SB_FILEHASH_H

#include <stdint.h>

/* Hash dirfd/name (never through a symlink) into out (64 lower-case hex
 * digits) and its length into *size.  -1 with errno. */
int file_sha256(int dirfd, const char *name, char out[65], uint64_t *size);

#endif
