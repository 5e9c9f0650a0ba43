/*
 * Applying an image's layers, in order, to a directory that becomes the
 * image's root (sidebundle(1), IMAGES): each layer a tar stream,
 * compressed or not, read with libarchive (reading only), written by us
 * with calls that cannot leave the root:
 *
 * - an entry's name is refused when it is absolute or has a ".."
 *   component, and a "." or "/" entry must be a directory;
 * - its parent is resolved inside the root, symbolic links followed as
 *   the kernel would if the root were "/" (common/rootwalk.h), missing
 *   directories made; the resolved path holds no link and is opened with
 *   openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), or one component at a
 *   time with O_NOFOLLOW where openat2 is missing;
 * - the last component is never followed: what is there is removed,
 *   and the entry made anew with O_CREAT|O_EXCL|O_NOFOLLOW, mkdirat,
 *   symlinkat or linkat, so a write never goes into an existing file
 *   (nor through a hard link into another); modes and times are set
 *   through the new descriptor, directories' times once at the end
 *   through an O_NOFOLLOW walk, so that a link that took a directory's
 *   place is never followed;
 * - a hard link must name a file or link already in the root, never a
 *   directory, and is not followed either;
 * - set-ID bits are dropped, files get u+rw and directories u+rwx (we
 *   must read them), device nodes, fifos and sockets are left out; what
 *   the layer said of those, and every owner but root, goes into the
 *   side table;
 * - whiteouts (.wh.NAME, and .wh..wh..opq for a directory whose lower
 *   contents are hidden) remove what lower layers made;
 * - the uncompressed bytes (each layer's stream, and what is written)
 *   and the number of entries are capped, and the compression must be
 *   the one the media type names.
 */
#ifndef SB_LAYER_H
#define SB_LAYER_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "imgsrc.h"
#include "strmap.h"

/* The compression a layer's media type names. */
enum layer_comp { LC_NONE, LC_GZIP, LC_ZSTD, LC_ANY };

struct unpack {
	int rootfd;
	uint64_t max_bytes; /* uncompressed stream bytes, and bytes written */
	uint64_t streamed, written;
	uint64_t max_entries, entries;
	FILE *owners;	     /* the side table, or NULL */
	uint64_t left_out;   /* devices, fifos, sockets */
	struct strmap layer; /* real paths the current layer made */
	struct strmap dirs;  /* real path of a directory -> dirtimes[] */
	struct timespec *dirtimes;
	size_t ndirs;
	char err[1024];
};

/* Start on the directory rootfd (empty).  owners: where the side table
 * goes, its header written here.  -1 with errno. */
int unpack_init(struct unpack *u, int rootfd, uint64_t max_bytes, uint64_t max_entries,
    FILE *owners);
/* Apply the layer read from b, compressed as comp says; its
 * uncompressed SHA-256 (the diff_id) must be diff_id (hex) unless that
 * is NULL; it goes into got.  -1 with why in u->err (the root is then
 * half made: throw it away). */
int unpack_layer(struct unpack *u, struct blob *b, enum layer_comp comp, const char *diff_id,
    char got[65]);
/* The directories' times, once every layer is applied. */
int unpack_finish(struct unpack *u);
void unpack_free(struct unpack *u);

/* Open the directory at path inside the root at rootfd, resolving it as
 * unpacking does (links followed inside the root), making what is
 * missing when create; its real path ("/" or "/a/b") into real.  An fd,
 * or -1 with errno. */
int layer_open_dir(int rootfd, const char *path, int create, char *real, size_t reallen);

#endif
