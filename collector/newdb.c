#include <stdio.h>

#include "newdb.h"
#include "schema.h"

static const char schema_sql[] = {
#include "schema_sql.h"
	0
};

int
newdb_create_schema(sqlite3 *h)
{
	char app[64], version[64];
	const char *const steps[] = {
		"BEGIN IMMEDIATE",
		schema_sql,
		app,
		"INSERT OR REPLACE INTO meta (key, value) VALUES ('application', 'sbtrace')",
		version,
		"COMMIT",
	};
	int rc = SQLITE_OK;

	snprintf(app, sizeof(app), "PRAGMA application_id = %d", SB_DB_APPLICATION_ID);
	snprintf(version, sizeof(version), "PRAGMA user_version = %d", SB_DB_VERSION);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && rc == SQLITE_OK; i++)
		rc = sqlite3_exec(h, steps[i], NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(h)) {
		/* keep the failure's message, not the rollback's */
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}
