/*
 * The schema of a new sbtrace database, in one place for the two that
 * make one: the build, which makes the template sbtrace copies into
 * every new database (collector/mktemplate.c), and sbtrace itself, for
 * an empty SQLite file it is given to append to.
 */
#ifndef SB_COLLECTOR_NEWDB_H
#define SB_COLLECTOR_NEWDB_H

#include <sqlite3.h>

/* Turn the empty database h into a version-SB_DB_VERSION sbtrace one, in
 * one transaction.  Returns an SQLite result code; on failure nothing is
 * left behind and sqlite3_errmsg(h) says why. */
int newdb_create_schema(sqlite3 *h);

#endif
