/*
 * The closure of `sidebundle create`: the set of payload paths, each with
 * how it is made (a file copied from the root, a directory, a symlink
 * kept verbatim) and why it is there, and the rules that leave paths
 * out.  Library-style: functions return -1 and leave the message to the
 * caller unless they say they warn.
 */
#ifndef SB_CLOSURE_H
#define SB_CLOSURE_H

#include <stddef.h>
#include <stdint.h>
#include "manifest.h"
#include "strmap.h"

enum excl_reason {
	EX_NONE,
	EX_SYSTEM,  /* /proc /sys /dev /run /tmp */
	EX_GLOB,    /* --exclude */
	EX_CREATED, /* the traced command made it: an output */
	EX_SBTRACE, /* the tracer's own preload library */
	EX_OUTPUT,  /* inside the bundle being written */
	EX_GONE,    /* does not exist (any more) */
	EX_SPECIAL, /* device, fifo or socket */
	EX_COUNT
};

struct item {
	char *path; /* payload path: absolute, normal, no symlink above it */
	enum mf_type type;
	char *src;    /* MF_FILE: path in the source root to copy from */
	char *target; /* MF_SYMLINK: the link text, verbatim */
	unsigned mode;
	enum origin origin;
	uint64_t size;
	char sha[65];
};

enum how {
	HOW_OBJECT, /* the path, its symlink chain, and the object at the end
		     * (a directory: the directory alone) */
	HOW_CHAIN,  /* the chain only: a regular file at the end is left out */
	HOW_TREE,   /* the object and, for a directory, all below it */
};

struct closure {
	int rootfd;
	const char *root;
	struct item *items;
	size_t n, cap;
	struct strmap index;   /* path -> items[] */
	struct strmap created; /* paths the traces made */
	char **excludes;       /* --exclude globs */
	size_t nexcludes;
	const char *outdir; /* DIR/NAME as a host path, or NULL */
	const char *tmpdir; /* the build directory, or NULL */
	size_t excluded[EX_COUNT];
	int verbose;
};

int closure_init(struct closure *c, const char *root);
void closure_free(struct closure *c);
/* Add host path (absolute; normalised here).  explicit: a path the user
 * named or its static closure, which the default exclusions (/tmp ...)
 * do not apply to.  Returns 0 when added, 1 when excluded or missing (and
 * counted), -1 on a system error (errno; message printed). */
int closure_add(struct closure *c, const char *path, enum origin o, enum how how, int explicit);
/* --copy-dir SRC[:DEST]. */
int closure_copy_dir(struct closure *c, const char *src, const char *dest);
/* Add a payload directory that exists whatever the inputs (mount points). */
int closure_add_dir(struct closure *c, const char *path, unsigned mode, enum origin o);
struct item *closure_find(const struct closure *c, const char *path);
/* The payload path path leads to after following the closure's symlinks
 * (malloc'd), or NULL if it leads nowhere inside the closure. */
char *closure_resolve(const struct closure *c, const char *path);
/* Why path is left out (explicit as for closure_add), EX_NONE if not. */
enum excl_reason closure_excluded(const struct closure *c, const char *path, int explicit);
void closure_note_excluded(struct closure *c, const char *path, enum excl_reason r);
void closure_report(const struct closure *c, int quiet);

#endif
