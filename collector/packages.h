/*
 * The packages table (sbtrace-db(5)): the Debian package that owns each
 * path a run used, from dpkg's database read directly (common/dpkg.h),
 * for sbtrace --packages and sbtrace packages DB.
 */
#ifndef SB_COLLECTOR_PACKAGES_H
#define SB_COLLECTOR_PACKAGES_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct packages_stats {
	uint64_t paths;	     /* paths looked up */
	uint64_t attributed; /* of them, given a package */
};

/*
 * Give the paths of run run (0: every run) that the packages table lacks
 * their package: the one package whose file list names the path (a path
 * several list, such as a directory, and one none lists get no row).
 * Commits.  -1 with a message in err: no dpkg database (errno ENOENT:
 * not a Debian system), or the database write failed.
 */
int packages_fill(struct db *db, int64_t run, struct packages_stats *st, char *err, size_t errlen);

/* sbtrace packages [-r RUN] DB: the same for a database made before. */
int packages_main(int argc, char **argv);

#endif
