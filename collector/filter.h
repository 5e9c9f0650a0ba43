/*
 * Record-time filters, sbtrace(1) -e and --exclude-path: which
 * operations become accesses rows, and directories under which nothing
 * does.  The model applies them to every access, whatever backend sent
 * it; process records (start, fork, exec, exit) are never filtered, so
 * the process tree stays whole.
 */
#ifndef SB_COLLECTOR_FILTER_H
#define SB_COLLECTOR_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct filter {
	uint32_t ops;	  /* bit 1 << op: op is recorded */
	const char *expr; /* the -e in force, as given; NULL: none */
	/* absolute, lexically normalised, no trailing slash but "/" */
	struct str *exclude;
	size_t nexclude;
};

/* Everything recorded: no -e, no --exclude-path. */
void filter_init(struct filter *f);
void filter_free(struct filter *f);

/*
 * -e EXPR: the set of operations to record, replacing the one before
 * (as strace's -e trace= does).  expr must outlive f.  0, or -1 with
 * why in err (naming what was not understood): a usage error.
 */
int filter_trace(struct filter *f, const char *expr, char *err, size_t errlen);

/* --exclude-path PREFIX; 0, or -1 with why in err (a relative or empty
 * PREFIX); -1 with errno ENOMEM and err empty when out of memory. */
int filter_exclude(struct filter *f, const char *prefix, char *err, size_t errlen);

/* Was a filter given at all? */
int filter_active(const struct filter *f);

/* Is an access of operation op (SB_OP_*) to path (as the accesses row
 * would have it) to be recorded? */
int filter_keep(const struct filter *f, unsigned op, const char *path, size_t len);

/*
 * The filter as a JSON object, for the database: {"trace": EXPR as
 * given, "ops": [the operations recorded], "exclude_path": [PREFIX,
 * ...]}, each member only when that option was given.  -1 with errno
 * on allocation failure.
 */
int filter_json(const struct filter *f, struct buf *b);

#endif
