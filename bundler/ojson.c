/*
 * JSON through SQLite: see ojson.h.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ojson.h"

int
ojson_open(struct ojson *j)
{
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(h);
		errno = ENOMEM;
		return -1;
	}
	j->db = h;
	return 0;
}

void
ojson_close(struct ojson *j)
{
	sqlite3_close(j->db);
	j->db = NULL;
}

static sqlite3_stmt *
prepare(struct ojson *j, const char *sql, const char *doc, const char *path)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
		errno = ENOMEM;
		return NULL;
	}
	sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
	if (path != NULL)
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	return st;
}

int
ojson_check(struct ojson *j, const char *doc, size_t len, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT json_valid(?1), json_type(?1),"
	    " (SELECT t.path || '.' || t.key FROM json_tree(?1) t"
	    "  WHERE json_valid(?1) AND t.parent IS NOT NULL AND typeof(t.key) = 'text'"
	    "  GROUP BY t.parent, t.key HAVING count(*) > 1 LIMIT 1)";
	sqlite3_stmt *st;
	int rc = -1;

	if (memchr(doc, '\0', len) != NULL || strlen(doc) != len) {
		snprintf(err, errlen, "not JSON text (a NUL byte)");
		return -1;
	}
	if ((st = prepare(j, sql, doc, NULL)) == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
		return -1;
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
	else if (sqlite3_column_int(st, 0) != 1)
		snprintf(err, errlen, "not well-formed JSON");
	else if (sqlite3_column_text(st, 1) == NULL ||
	    strcmp((const char *)sqlite3_column_text(st, 1), "object") != 0)
		snprintf(err, errlen, "not a JSON object");
	else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		/* path is the parent's: "$.a" and key "b" say "$.a.b" */
		snprintf(err, errlen, "key %s appears twice", sqlite3_column_text(st, 2));
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

int
ojson_type(struct ojson *j, const char *doc, const char *path, char *type, size_t len)
{
	sqlite3_stmt *st = prepare(j, "SELECT json_type(?1, ?2)", doc, path);

	if (st == NULL)
		return -1;
	int rc = sqlite3_step(st);
	const char *t = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	snprintf(type, len, "%s", t ? t : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		errno = EINVAL; /* a malformed path: ours */
		return -1;
	}
	return 0;
}

/* A text column as a malloc'd string, refusing an inner NUL. */
static int
column_str(sqlite3_stmt *st, int col, char **out)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	int n = sqlite3_column_bytes(st, col);

	if (s == NULL || (size_t)n != strlen(s)) {
		errno = s == NULL ? ENOMEM : EINVAL;
		return -1;
	}
	if ((*out = strdup(s)) == NULL)
		return -1;
	return 0;
}

/* The value at path when its type is want: 1 with *out, 0 absent or
 * null, -1. */
static int
scalar(struct ojson *j, const char *doc, const char *path, const char *want, char **out)
{
	sqlite3_stmt *st = prepare(j, "SELECT json_type(?1, ?2), json_extract(?1, ?2)", doc, path);
	int rc = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		errno = EINVAL;
		goto out;
	}
	const char *t = (const char *)sqlite3_column_text(st, 0);
	if (t == NULL || strcmp(t, "null") == 0) {
		rc = 0;
		goto out;
	}
	if (strcmp(t, want) != 0) {
		errno = EINVAL;
		goto out;
	}
	rc = column_str(st, 1, out) < 0 ? -1 : 1;
out:
	sqlite3_finalize(st);
	return rc;
}

int
ojson_text(struct ojson *j, const char *doc, const char *path, char **out)
{
	*out = NULL;
	return scalar(j, doc, path, "text", out);
}

int
ojson_object(struct ojson *j, const char *doc, const char *path, char **out)
{
	*out = NULL;
	return scalar(j, doc, path, "object", out);
}

int
ojson_int(struct ojson *j, const char *doc, const char *path, int64_t *out)
{
	char *s = NULL, *end;
	int rc = scalar(j, doc, path, "integer", &s);

	if (rc <= 0)
		return rc;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	rc = errno == 0 && *end == '\0' ? 1 : -1;
	free(s);
	*out = v;
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

void
ojson_strs_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The elements of the array at path, each as text (strings: their
 * value, when text_only) or as JSON. */
static int
array(struct ojson *j, const char *doc, const char *path, int text_only, char ***out, size_t *n)
{
	char type[16];
	char **v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (ojson_type(j, doc, path, type, sizeof type) < 0)
		return -1;
	if (type[0] == '\0' || strcmp(type, "null") == 0)
		return 0;
	if (strcmp(type, "array") != 0) {
		errno = EINVAL;
		return -1;
	}
	sqlite3_stmt *st = prepare(j,
	    "SELECT type, CASE WHEN type IN ('object', 'array') THEN json(value)"
	    " WHEN type = 'text' THEN value ELSE json_quote(value) END"
	    " FROM json_each(?1, ?2) ORDER BY key",
	    doc, path);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (text_only && (t == NULL || strcmp(t, "text") != 0)) {
			errno = EINVAL;
			goto fail;
		}
		char **p = reallocarray(v, k + 2, sizeof *p);
		if (p == NULL)
			goto fail;
		v = p;
		v[k + 1] = NULL;
		if (column_str(st, 1, &v[k]) < 0)
			goto fail;
		k++;
	}
	if (rc != SQLITE_DONE) {
		errno = ENOMEM;
		goto fail;
	}
	sqlite3_finalize(st);
	if (v == NULL && (v = calloc(1, sizeof *v)) == NULL)
		return -1;
	*out = v;
	*n = k;
	return 1;
fail:
	sqlite3_finalize(st);
	ojson_strs_free(v, k);
	return -1;
}

int
ojson_strs(struct ojson *j, const char *doc, const char *path, char ***out, size_t *n)
{
	return array(j, doc, path, 1, out, n);
}

int
ojson_elems(struct ojson *j, const char *doc, const char *path, char ***out, size_t *n)
{
	return array(j, doc, path, 0, out, n);
}
