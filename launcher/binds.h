/*
 * bwrap mode's binds of host paths: $HOME, the current directory, the
 * workspace and the binds asked for (SIDEBUNDLE_BIND, SIDEBUNDLE_RO_BIND,
 * --bind, --ro-bind), checked and put in mount order before anything
 * runs.  bwrap.c mirrors the payload around them.
 */
#ifndef SB_LAUNCHER_BINDS_H
#define SB_LAUNCHER_BINDS_H

#include <stddef.h>

#include "launcher.h"

/* What a bind may take the place of at its path in the payload. */
enum replace {
	REPLACE_FILE,  /* a file (or nothing), not a directory */
	REPLACE_EMPTY, /* an empty directory (or nothing) */
	REPLACE_ANY,   /* anything: the user asked for it there */
};

struct split {
	const char *path; /* in the sandbox, absolute and normal */
	const char *src;  /* on the host */
	const char *what; /* for messages: "$HOME", "SIDEBUNDLE_BIND" */
	enum replace replace;
	int ro;	   /* read-only */
	int try;   /* --ro-bind-try: the host may not have it */
	int asked; /* an option or setting named it: not bound is an error */
	int ok;	   /* set by mirror(): the bind can be made */
};

struct splits {
	struct split *v;
	size_t n, cap;
};

void split_add(struct splits *sp, const char *path, const char *src, const char *what,
    enum replace replace, int ro);

/* The binds SIDEBUNDLE_WORKSPACE, SIDEBUNDLE_BIND and SIDEBUNDLE_RO_BIND
 * ask for, into sp (asked, REPLACE_ANY).  -1 when one is malformed,
 * names a host path that is not there, a DEST that is not absolute, is
 * / or below /proc, or a DEST twice; said why.  *workspace is set to the
 * host directory of the workspace, or NULL. */
int binds_asked(const struct launch *l, struct splits *sp, const char **workspace);

/* Sort sp->v[from..] so that a bind comes after every bind above its
 * path, keeping the order otherwise: the one below is mounted on top. */
void binds_order(struct splits *sp, size_t from);

#endif
