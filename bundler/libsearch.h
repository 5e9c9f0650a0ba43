/*
 * Finding files the way the loader and the kernel would, inside a root
 * directory (the host "/" or -r ROOT): symlinks are followed inside the
 * root (an absolute link target is taken relative to it, ".." never
 * climbs out of it), and libraries are searched in glibc's order:
 *   DT_RPATH of the requester and of its loaders up to the executable
 *     (only when the requester has no DT_RUNPATH),
 *   LD_LIBRARY_PATH (only when the caller gives one),
 *   DT_RUNPATH of the requester,
 *   ld.so.cache of the root, then the default directories
 *     (both skipped for a requester with DF_1_NODEFLIB),
 * with $ORIGIN, $LIB and $PLATFORM expanded, files of the wrong class,
 * byte order or machine skipped, and glibc-hwcaps subdirectories tried
 * in the order ld.so would on this CPU (host root only).
 */
#ifndef SB_LIBSEARCH_H
#define SB_LIBSEARCH_H

#include <stddef.h>

#include "elfinfo.h"
#include "ldcache.h"
#include "root.h"

struct search {
	struct root root;	     /* where the files are */
	const char *ld_library_path; /* NULL unless asked for */
	struct ldcache cache;
	int cache_state;       /* 0 not read yet, 1 read, -1 unusable */
	const char *hwcaps[4]; /* glibc-hwcaps subdirs active on this
				      * CPU, best first (host root only) */
	size_t nhwcaps;
};

/* One object of the loading chain, requester first, executable last. */
struct search_obj {
	const struct elf_info *ei;
	const char *origin; /* $ORIGIN: its directory (root-relative) */
};

/* A library found: where, and what it is (already parsed). */
struct search_hit {
	char *path; /* root-relative absolute path, not symlink-resolved */
	struct elf_info ei;
};

#define SEARCH_MAX_HITS 5

/*
 * v[0] is the file the loader would load; v[1..] are glibc-hwcaps
 * alternatives of it (the baseline next to a CPU-specific choice, or the
 * variants next to a baseline under -r ROOT) kept so a bundle works on a
 * CPU other than this one.
 */
struct search_result {
	struct search_hit v[SEARCH_MAX_HITS];
	size_t n;
};

/* root: NULL or "/" for the host.  Returns 0, or -1 with errno set. */
int search_init(struct search *s, const char *root, const char *ld_library_path);
void search_free(struct search *s);

/*
 * Look up the DT_NEEDED name for chain[0] (chain[1] loaded chain[0], and
 * so on up to the executable).  Returns 0 with r->n == 0 when not found
 * anywhere, 0 with r->n >= 1 when found, -1 on memory exhaustion.
 * Corrupt candidates are skipped with a warning on stderr.
 */
int search_lib(struct search *s, const char *name, const struct search_obj *chain, size_t nchain,
    struct search_result *r);
void search_result_free(struct search_result *r);

/*
 * execvp-style lookup of name in path_env (NULL: the default PATH):
 * the first regular file with an execute bit.  name holding '/' is taken
 * as is.  Returns a malloc'd root-relative path, or NULL (errno ENOENT).
 */
char *search_path(const struct search *s, const char *name, const char *path_env);

/* The default PATH used when path_env is NULL. */
#define SEARCH_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
