#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newdb.h"
#include "schema.h"

static const char schema_sql[] = {
#include "schema_sql.h"
	0
};

static const char views_sql[] = {
#include "views_sql.h"
	0
};

/* views.sql says CREATE VIEW IF NOT EXISTS for each view; the TEMP form
 * is the same text with TEMP in it. */
#define VIEW_DDL "CREATE VIEW IF NOT EXISTS "
#define TEMP_DDL "CREATE TEMP VIEW IF NOT EXISTS "

/* views_sql with every VIEW_DDL made TEMP_DDL; NULL when out of memory. */
static char *
temp_views(void)
{
	size_t n = 0, extra = sizeof(TEMP_DDL) - sizeof(VIEW_DDL);
	const char *p, *from = views_sql;
	char *out, *o;

	for (p = views_sql; (p = strstr(p, VIEW_DDL)) != NULL; p += sizeof(VIEW_DDL) - 1)
		n++;
	if ((out = malloc(sizeof(views_sql) + n * extra)) == NULL)
		return NULL;
	o = out;
	while ((p = strstr(from, VIEW_DDL)) != NULL) {
		memcpy(o, from, (size_t)(p - from));
		o += p - from;
		memcpy(o, TEMP_DDL, sizeof(TEMP_DDL) - 1);
		o += sizeof(TEMP_DDL) - 1;
		from = p + sizeof(VIEW_DDL) - 1;
	}
	memcpy(o, from, strlen(from) + 1);
	return out;
}

int
newdb_create_views(sqlite3 *h, int temp)
{
	char *sql;
	int rc;

	if (!temp)
		return sqlite3_exec(h, views_sql, NULL, NULL, NULL);
	if ((sql = temp_views()) == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	free(sql);
	return rc;
}

int
newdb_create_schema(sqlite3 *h)
{
	char app[64], version[64];
	const char *const steps[] = {
		"BEGIN IMMEDIATE",
		schema_sql,
		views_sql,
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
