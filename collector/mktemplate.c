/*
 * mktemplate FILE: make the database every new trace starts as, at
 * build time.  Creating the schema was most of what sbtrace did for a
 * short trace (72% of its instructions tracing /bin/true: SQLite parses
 * every CREATE statement, and again each time it updates sqlite_master);
 * copying this file's bytes costs one write.  In WAL mode already, as sbtrace opens it.
 */
#include <err.h>
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "newdb.h"

int
main(int argc, char **argv)
{
	sqlite3 *h = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: mktemplate FILE\n");
		return 2;
	}
	if (unlink(argv[1]) == -1 && access(argv[1], F_OK) == 0)
		err(1, "%s", argv[1]);
	if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		errx(1, "%s: %s", argv[1], h ? sqlite3_errmsg(h) : "out of memory");
	if (sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    newdb_create_schema(h) != SQLITE_OK)
		errx(1, "%s: %s", argv[1], sqlite3_errmsg(h));
	/* closing checkpoints the WAL into the file and removes it */
	if (sqlite3_close(h) != SQLITE_OK)
		errx(1, "%s: cannot close", argv[1]);
	return 0;
}
