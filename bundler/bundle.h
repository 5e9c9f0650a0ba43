/*
 * The parts of `sidebundle create` and what they share: the closure (the
 * set of payload paths with how each is made), the exclusion rules, the
 * trace reader, the glibc rules, the payload writer and the launch
 * scripts.  Library-style: functions return -1 and leave the message to
 * the caller unless they say they warn.
 */
#ifndef SB_BUNDLE_H
#define SB_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "deps.h"
#include "manifest.h"

/* --- a set of strings with a value each (open addressing) ---------- */
struct strmap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};
/* Index of key's value slot, or NULL. */
size_t *strmap_get(const struct strmap *m, const char *key);
/* Insert key (copied) with val unless present; returns the value slot,
 * NULL on ENOMEM.  *added tells which happened. */
size_t *strmap_put(struct strmap *m, const char *key, size_t val, int *added);
void strmap_free(struct strmap *m);

/* --- words: the ::trace=ARGS splitter ------------------------------- */
int words_split(const char *s, char ***out, size_t *nout, const char **why);
void words_free(char **v, size_t n);

/* --- globs: '*' '?' '[...]' within one component, '**' any depth ---- */
int glob_match(const char *pat, const char *path);
/* Call fn for each existing path under rootfd that matches pat. */
int glob_walk(int rootfd, const char *pat,
    int (*fn)(const char *path, void *arg), void *arg);

/* --- exclusion ------------------------------------------------------ */
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
	char *path;   /* payload path: absolute, normal, no symlink above it */
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
	struct strmap index;	  /* path -> items[] */
	struct strmap created;	  /* paths the traces made */
	char **excludes;	  /* --exclude globs */
	size_t nexcludes;
	const char *outdir;	  /* DIR/NAME as a host path, or NULL */
	const char *tmpdir;	  /* the build directory, or NULL */
	size_t excluded[EX_COUNT];
	int verbose;
};

int closure_init(struct closure *c, const char *root);
void closure_free(struct closure *c);
/* Add host path (absolute; normalised here).  explicit: a path the user
 * named or its static closure, which the default exclusions (/tmp ...)
 * do not apply to.  Returns 0 when added, 1 when excluded or missing (and
 * counted), -1 on a system error (errno; message printed). */
int closure_add(struct closure *c, const char *path, enum origin o,
    enum how how, int explicit);
/* --copy-dir SRC[:DEST]. */
int closure_copy_dir(struct closure *c, const char *src, const char *dest);
/* Add a payload directory that exists whatever the inputs (mount points). */
int closure_add_dir(struct closure *c, const char *path, unsigned mode,
    enum origin o);
struct item *closure_find(const struct closure *c, const char *path);
/* The payload path path leads to after following the closure's symlinks
 * (malloc'd), or NULL if it leads nowhere inside the closure. */
char *closure_resolve(const struct closure *c, const char *path);
/* Why path is left out (explicit as for closure_add), EX_NONE if not. */
enum excl_reason closure_excluded(const struct closure *c, const char *path,
    int explicit);
void closure_note_excluded(struct closure *c, const char *path,
    enum excl_reason r);
void closure_report(const struct closure *c, int quiet);

/* --- traces ---------------------------------------------------------- */
struct trace_result {
	char **elves;	 /* exec'd or loaded files, to analyse statically */
	size_t nelves;
	int nss;	 /* some libnss_*.so was loaded */
};
/* Run sbtrace with argv (the command) into db; 0 ok (a command that
 * exited non-zero only warns), -1 when the trace could not run. */
int trace_run(const char *sbtrace, const char *backend, const char *db,
    char *const argv[]);
/* Find the sbtrace to run: next to our own executable, else on PATH. */
char *trace_find_sbtrace(void);
/* Read every run of db into c: phase 0 the paths the runs created (read
 * every database so first, so that one run's output is never another's
 * input), phase 1 the paths they used. */
int trace_read_db(struct closure *c, const char *db, struct trace_result *tr,
    int phase);
void trace_result_free(struct trace_result *tr);

/* --- glibc runtime rules -------------------------------------------- */
int rules_apply(struct closure *c, const struct trace_result *tr);

/* --- writing ---------------------------------------------------------- */
/* Create payload/ under buildfd from c's items (sorted here). */
int payload_write(struct closure *c, int buildfd);
/* Open payload directory dir ("/" or absolute, below payfd) walking one
 * component at a time with O_NOFOLLOW: a link anywhere fails (ELOOP or
 * ENOTDIR) instead of leading elsewhere. */
int payload_open_dir(int payfd, const char *dir);
/* Remove the tree name under dirfd without following any symlink. */
int tree_remove(int dirfd, const char *name);

struct entry {
	char *name;
	char *path;	 /* normalised path as given */
	char *trace_args;/* ::trace=ARGS, or NULL */
	const char *kind;/* elf-dynamic | elf-static | script */
	char *interp;	 /* PT_INTERP, or the script interpreter; NULL */
	char **args;	 /* #! arguments */
	size_t nargs;
	char *interp_ldso; /* script: the interpreter's PT_INTERP, or NULL */
};

/* The static launcher to copy into bundles (malloc'd path): next to our
 * own executable, else ../lib/sidebundle/ from it, else SB_LIBDIR; NULL
 * with errno when there is none. */
char *launcher_find(void);
/* Copy launcher to bin/.sidebundle-launcher under bindirfd. */
int launcher_install(int bindirfd, const char *launcher);
/* bin/<entry>: a relative symlink to the launcher, after checking that
 * the entry and its interpreter are in the payload. */
int launch_link_write(int bindirfd, const struct closure *c,
    const struct entry *e);

int cmd_create(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Set by the SIGINT/SIGTERM handler; long loops check it. */
extern volatile sig_atomic_t sb_interrupted;

#endif
