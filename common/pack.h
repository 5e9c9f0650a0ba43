/*
 * The single-file bundle (sidebundle-pack(5)): the static launcher, a
 * zstd-compressed archive of the bundle directory, and a fixed-size
 * trailer at the very end.  Written by `sidebundle pack`, read by the
 * launcher, which extracts it once into a cache.  The format is ours,
 * not tar: a record per path, each file's SHA-256 in its header, and
 * the payload's records in the order and with the contents of the
 * manifest.lock that comes first, so that an archive extracts to exactly
 * what its manifest says or not at all.
 *
 * The archive is untrusted input (a single file is copied around and
 * downloaded): every field is range-checked, every path is relative and
 * normal, nothing is created through a symbolic link or over an existing
 * name.  libc only: the static launcher links it.
 */
#ifndef SB_PACK_H
#define SB_PACK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sha256.h"

#define SB_PACK_VERSION 1
/* 0x89 first, as PNG does: a file put through a 7-bit or text-mode
 * channel loses it, and is not mistaken for a bundle. */
#define SB_PACK_MAGIC "\211SBPACK\n"
#define SB_PACK_MAGIC_LEN 8
#define SB_PACK_TRAILER_LEN 384
#define SB_PACK_ENTRY_MAX 255 /* a file name */
#define SB_PACK_HDR_LEN 64
#define SB_PACK_PATH_MAX 4095 /* bytes of a path or a link's target */
#define SB_PACK_DEPTH_MAX 256 /* components of a path */
/* manifest.lock is read whole to check the payload against it */
#define SB_PACK_MANIFEST_MAX (64u << 20)

/* What the launcher of a single-file bundle reads from its environment
 * (sidebundle-pack(5)): where its cache is, and whether to say what it
 * does with it. */
#define SB_ENV_CACHE "SIDEBUNDLE_CACHE"
#define SB_ENV_VERBOSE "SIDEBUNDLE_VERBOSE"

/* The completion marker written last into an extraction, before it is
 * renamed into place: "sidebundle-pack 1 <key>\n". */
#define SB_PACK_MARKER ".sidebundle-pack"

/*
 * The trailer, little-endian:
 *   0   8  offset of the archive in the file (the launcher ends there)
 *   8   8  its length (compressed)
 *  16   8  its size uncompressed: the most the launcher will write
 *  24  32  the key: SHA-256 of the archive's headers (below)
 *  56  32  SHA-256 of manifest.lock
 *  88   4  format version
 *  92   4  length of the default entry's name, 0: the first entry
 *  96 256  the default entry's name, zero-padded
 * 352  24  zero
 * 376   8  SB_PACK_MAGIC
 */
struct sb_pack_trailer {
	uint64_t offset, length, size;
	unsigned char key[SB_SHA256_LEN];
	unsigned char manifest[SB_SHA256_LEN];
	uint32_t version;
	char entry[SB_PACK_ENTRY_MAX + 1]; /* "" when none was chosen */
};

void sb_pack_trailer_encode(const struct sb_pack_trailer *t,
    unsigned char out[SB_PACK_TRAILER_LEN]);
/* Decode the last SB_PACK_TRAILER_LEN bytes of a file of filesize
 * bytes: 1 when it is a valid trailer, 0 when there is no magic (no
 * single-file bundle), -1 with why in err when it is malformed. */
int sb_pack_trailer_decode(const unsigned char in[SB_PACK_TRAILER_LEN], uint64_t filesize,
    struct sb_pack_trailer *t, char *err, size_t errlen);

/*
 * The archive (uncompressed) is a sequence of records, each a 64-byte
 * header, the path, then the data, and an end record:
 *   0   1  type (enum below)
 *   1   3  zero
 *   4   4  mode: permission bits, at most 07777
 *   8   8  mtime, seconds (signed)
 *  16   4  mtime, nanoseconds
 *  20   4  path length: 1..SB_PACK_PATH_MAX (0 in the end record)
 *  24   8  file: its size; symlink and hardlink: the target's length;
 *          dir: 0; end: the number of records before it
 *  32  32  file: SHA-256 of its bytes; else zero
 * The key is the SHA-256 of every header, path and target in order: the
 * files' bytes enter through their digests, so it names the content.
 */
enum sb_pack_type { SB_PK_DIR = 1, SB_PK_FILE, SB_PK_SYMLINK, SB_PK_HARDLINK, SB_PK_END };

struct sb_pack_hdr {
	enum sb_pack_type type;
	uint32_t mode;
	int64_t sec;
	uint32_t nsec;
	uint32_t pathlen;
	uint64_t size;
	unsigned char sha[SB_SHA256_LEN];
};

void sb_pack_hdr_encode(const struct sb_pack_hdr *h, unsigned char out[SB_PACK_HDR_LEN]);
/* -1 with why in err when a field is out of range. */
int sb_pack_hdr_decode(const unsigned char in[SB_PACK_HDR_LEN], struct sb_pack_hdr *h, char *err,
    size_t errlen);

/* A path in the archive: relative, no empty, "." or ".." component, at
 * most SB_PACK_PATH_MAX bytes and SB_PACK_DEPTH_MAX components, no NUL
 * (p[0..n)). */
int sb_pack_path_ok(const char *p, size_t n);

/* Where the archive's bytes come from: next() points *p at up to max
 * bytes and returns how many, 0 at the end of the archive, -1 with why
 * in err. */
struct sb_pack_src {
	long (*next)(struct sb_pack_src *s, const unsigned char **p, size_t max, char *err,
	    size_t errlen);
};

struct sb_pack_result {
	unsigned char key[SB_SHA256_LEN];      /* computed */
	unsigned char manifest[SB_SHA256_LEN]; /* of manifest.lock, checked */
	uint64_t files, dirs, symlinks, bytes;
};

/*
 * Extract the archive into the empty directory dirfd, checking it as it
 * streams: manifest.lock first, each file against the SHA-256 in its
 * header, the payload in the manifest's order with its types, modes,
 * sizes, digests and link targets, then bin/ and check/.  Modes (without
 * set-ID bits) and mtimes are set through the new files' descriptors, a
 * directory's last.  -1 with why in err; what was made is then left for
 * the caller to remove.  The caller compares res->key and res->manifest
 * with the trailer's.
 */
int sb_pack_unpack(struct sb_pack_src *src, int dirfd, struct sb_pack_result *res, char *err,
    size_t errlen);

/* Remove at/name and everything below it, never following a link,
 * making directories writable as needed.  -1 with errno. */
int sb_pack_rmtree(int at, const char *name);

/* Little-endian fields. */
static inline void
sb_le64_put(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t
sb_le64_get(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void
sb_le32_put(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t
sb_le32_get(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
