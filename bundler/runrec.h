/*
 * The runs a bundle keeps (DIR/NAME/check/, sidebundle-check(5)): each
 * command `create` traced, where and in which environment it ran, and
 * what came of it, so that `check` can run it again in an empty root
 * and compare.
 */
#ifndef SB_RUNREC_H
#define SB_RUNREC_H

#include <stddef.h>

#include "capture.h"

#define RUNREC_VERSION 1

struct runrec {
	char *label; /* the entry's name, or "--trace N" */
	char **argv; /* NULL-terminated */
	size_t argc;
	char *cwd;
	char **env; /* "K=V", NULL-terminated */
	size_t nenv;
	struct outcome o;
};

struct runrecs {
	struct runrec *v;
	size_t n;
};

/* Is "K=V" one of the variables a run record keeps: PATH, HOME, USER,
 * LOGNAME and those that change what the C library reads (LANG,
 * LANGUAGE, LC_*, TZ, ...).  No other: a bundle is shipped, and an
 * environment holds secrets. */
int runrec_env_keeps(const char *kv);

/* Append a record of argv run in cwd with the kept part of envp; takes
 * o over (left empty).  -1 on ENOMEM. */
int runrecs_add(struct runrecs *r, const char *label, char *const argv[], const char *cwd,
    char *const envp[], struct outcome *o);

/* Write check/ under bundlefd.  -1 with a message printed. */
int runrecs_write(const struct runrecs *r, int bundlefd);

/* Read check/ under bundlefd into r: 0, or -1 with why in err (ENOENT
 * in errno when the bundle keeps no runs). */
int runrecs_read(struct runrecs *r, int bundlefd, char *err, size_t errlen);

void runrecs_free(struct runrecs *r);

/* The parsers of the files (the fuzz target's way in).  A list of
 * NUL-terminated strings, buf[0..len), into *v (NULL-terminated, *n
 * strings); an outcome file, buf[0..len) with buf[len] == '\0', into o
 * (status, sizes and hashes).  -1 with EINVAL when malformed. */
int runrec_parse_strs(const char *buf, size_t len, char ***v, size_t *n);
int runrec_parse_outcome(const char *buf, size_t len, struct outcome *o);
/* The outcome file's text for o into buf (RUNREC_OUTCOME_LEN is enough);
 * its length, as snprintf. */
#define RUNREC_OUTCOME_LEN 256
int runrec_format_outcome(const struct outcome *o, char *buf, size_t len);

#endif
