/*
 * The cache of unpacked images (sidebundle(1), IMAGES):
 *
 *   $XDG_CACHE_HOME/sidebundle/images/        (else ~/.cache/...)
 *     sha256/HEX/            one image, HEX its manifest's digest
 *       rootfs/              its root, every layer applied (layer.h)
 *       owners               the side table: owners and modes not kept
 *       config.json          its config, as the image has it
 *       format               "sidebundle-image 1", written last
 *     sha256/.HEX.lock       flock(2)ed while it is made or used
 *     sha256/.HEX.tmp-XXXXXX where it is made, renamed to HEX whole
 *
 * A create that finds HEX complete uses it without reading a layer;
 * one that finds another making it waits on the lock; an interrupted
 * one leaves a .tmp- directory that the next one for HEX removes.
 */
#ifndef SB_IMGCACHE_H
#define SB_IMGCACHE_H

#include <stdint.h>

#include "oci.h"

#define IMGCACHE_FORMAT "sidebundle-image 1\n"

struct imgcache {
	char *dir;  /* .../images/sha256/HEX */
	char *root; /* dir + "/rootfs" */
	int lockfd; /* held shared while the root is used */
};

/* The root of im in the cache, unpacked first when it is not there,
 * with at most max_bytes uncompressed and max_entries entries, and the
 * directories dirs (NULL-terminated) made in it when missing, as an
 * engine makes them for a container (/proc, /dev, WorkingDir, ...).
 * 0, or -1 with a message printed. */
int imgcache_get(struct imgcache *c, struct oci_image *im, uint64_t max_bytes, uint64_t max_entries,
    const char *const *dirs, int quiet);
void imgcache_free(struct imgcache *c);

/* $XDG_CACHE_HOME/sidebundle/images, or ~/.cache/...: malloc'd. */
char *imgcache_base(void);

#endif
