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
#include <sys/stat.h>
#include <time.h>
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
	EX_PRIVATE, /* under the trace's working directory or $HOME */
	EX_SECRET,  /* passwords, private keys, credentials */
	EX_COUNT
};

/* How a path was asked for, which decides the exclusions that apply:
 * the user's own choices are never second-guessed by the defaults. */
enum ask {
	ASK_USED,    /* a trace or a rule: every exclusion applies */
	ASK_INCLUDE, /* --include: all but the trace's cwd and $HOME, and
		      * secrets */
	ASK_NAMED,   /* the static closure, --copy-dir: --exclude and
		      * secrets only */
	ASK_ENTRY,   /* an entry itself: nothing */
};

/* A directory whose contents are the user's, not the program's (the
 * trace's working directory, $HOME): left out unless --include'd. */
struct private_dir {
	char *path;
	const char *what; /* "the trace's working directory", "$HOME" */
	size_t left_out;
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
	struct timespec mtime; /* the source's, kept in the payload */
	int has_mtime;	       /* 0: none known (a directory we made) */
	/* why it is in, for the bundle's why file: the reason given with
	 * the add that set its origin (interned in the closure), or NULL */
	const char *why;
	char *package;	/* the owning packages' ids, "a,b" (closure_packages) */
	int pkg_looked; /* package was looked up */
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
	struct private_dir *priv;
	size_t npriv;
	char **secrets; /* the paths left out as EX_SECRET, each once */
	size_t nsecrets;
	size_t excluded[EX_COUNT];
	int verbose;
	struct strmap whys; /* reason -> whytext[] */
	char **whytext;
	size_t nwhy;
	const char *why; /* the reason of the add being made */
};

int closure_init(struct closure *c, const char *root);
void closure_free(struct closure *c);
/* Add host path (absolute; normalised here), asked for as ask says,
 * for reason ("DT_NEEDED of /usr/bin/x"; NULL keeps what the items
 * had).  Returns 0 when added, 1 when excluded or missing (and
 * counted), -1 on a system error (errno; message printed). */
int closure_add(struct closure *c, const char *path, enum origin o, enum how how, enum ask ask,
    const char *reason);
/* --copy-dir SRC[:DEST]. */
int closure_copy_dir(struct closure *c, const char *src, const char *dest);
/* Add a payload directory that exists whatever the inputs (mount
 * points), with the mtime of st when not NULL. */
int closure_add_dir(struct closure *c, const char *path, unsigned mode, const struct stat *st,
    enum origin o, const char *reason);
struct dpkg;
/* The packages of the files and links not looked up yet, from db (NULL:
 * none known).  The source path in the root is asked, so a --copy-dir
 * DEST keeps the package of what it copied.  -1 on ENOMEM. */
int closure_packages(struct closure *c, struct dpkg *db);
/* Leave out what is below dir (a private directory, what names it)
 * unless it is asked for by --include or more; -1 on ENOMEM. */
int closure_add_private(struct closure *c, const char *dir, const char *what);
struct item *closure_find(const struct closure *c, const char *path);
/* The payload path path leads to after following the closure's symlinks
 * (malloc'd), or NULL if it leads nowhere inside the closure. */
char *closure_resolve(const struct closure *c, const char *path);
/* Why path is left out when asked for so, EX_NONE if not. */
enum excl_reason closure_excluded(const struct closure *c, const char *path, enum ask ask);
/* What secret path (in c's root) holds ("password hashes", "an SSH
 * private key", ...), or NULL: the paths EX_SECRET leaves out. */
const char *closure_secret(const struct closure *c, const char *path);
/* Rewrite each absolute symbolic link whose target is in the closure
 * (and each relative one that climbs above the root) as a relative one
 * that stays inside, so that it leads inside the payload wherever the
 * payload is (host mode: the kernel resolves an absolute link against
 * the host's root).  -1 on ENOMEM. */
int closure_relative_links(struct closure *c);
void closure_note_excluded(struct closure *c, const char *path, enum excl_reason r);
void closure_report(const struct closure *c, int quiet);

#endif
