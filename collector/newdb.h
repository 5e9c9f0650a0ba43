/*
 * The schema of a new sbtrace database, in one place for those that
 * make one: the build, which makes the template sbtrace copies into
 * every new database (collector/mktemplate.c), and sbtrace itself, for
 * an empty SQLite file it is given to append to.  The views
 * (collector/views.sql) are also made again after a migration, and as
 * TEMP views by sbtrace report.
 */
#ifndef SB_COLLECTOR_NEWDB_H
#define SB_COLLECTOR_NEWDB_H

#include <sqlite3.h>

/* Turn the empty database h into a version-SB_DB_VERSION sbtrace one, in
 * one transaction.  Returns an SQLite result code; on failure nothing is
 * left behind and sqlite3_errmsg(h) says why. */
int newdb_create_schema(sqlite3 *h);

/*
 * Make the views of views.sql that h does not have yet; with temp, as
 * TEMP views, which shadow h's own and write nothing to its file (the
 * tables they read must be there, in main or temp).  No transaction of
 * its own.  Returns an SQLite result code.
 */
int newdb_create_views(sqlite3 *h, int temp);

#endif
