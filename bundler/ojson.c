/*
 * JSON through SQLite: see ojson.h.
 */
#include <errno.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"
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

/*
 * The keys of a well-formed document, as Go's encoding/json would read
 * them against SQLite's paths.  Go binds a key to a struct field when
 * the two are equal ignoring case (and U+017F, U+212A fold to 's', 'k'),
 * the last such key winning; it decodes escapes first.  SQLite's path
 * "$.size" finds the first key written exactly "size" (3.40: escapes
 * and all, so "\u0073ize" is found by no path).  So a document must
 * not have, in one object, two keys that are one to Go, nor a key that
 * Go binds to a field we read unless written exactly as its name.  The
 * members of a map (annotations, Labels, ...) Go takes exactly; there
 * only the annotation we read is held to be written plainly.
 *
 * A key is written plainly when json_tree's fullkey, made of the raw
 * text of the keys, is the path made of the decoded one.  Columns: the
 * first and last of two keys that are one (the same when a key is
 * there twice as it is), a field's name written otherwise.
 */
static const char keys_sql[] =
    "WITH m AS (SELECT t.parent AS parent, t.key AS k, t.path AS path, t.fullkey AS fk,"
    "  t.path GLOB '*.annotations' OR t.path GLOB '*.Labels' OR t.path GLOB '*.ExposedPorts'"
    "   OR t.path GLOB '*.Volumes' OR t.path GLOB '*.LayerSources' AS map,"
    "  t.fullkey NOT IN (t.path || '.' || t.key, t.path || '.\"' || t.key || '\"') AS esc"
    "  FROM json_tree(?1) t WHERE t.parent IS NOT NULL AND typeof(t.key) = 'text'),"
    " g AS (SELECT *, CASE WHEN map THEN k"
    "  ELSE replace(replace(lower(k), char(383), 's'), char(8490), 'k') END AS fold FROM m),"
    " f(n) AS (VALUES ('schemaVersion'), ('mediaType'), ('manifests'), ('config'), ('layers'),"
    "  ('digest'), ('size'), ('annotations'), ('platform'), ('os'), ('architecture'),"
    "  ('rootfs'), ('type'), ('diff_ids'), ('Entrypoint'), ('Cmd'), ('Env'), ('WorkingDir'),"
    "  ('User'), ('Config'), ('Layers'), ('RepoTags'), ('imageLayoutVersion'))"
    " SELECT d.a, d.b, (SELECT fk FROM g WHERE CASE WHEN map"
    "   THEN esc AND k = 'org.opencontainers.image.ref.name'"
    "   ELSE fold IN (SELECT lower(n) FROM f) AND (esc OR k NOT IN f) END LIMIT 1)"
    " FROM (SELECT 1) LEFT JOIN (SELECT min(path || '.' || k) AS a, max(path || '.' || k) AS b"
    "  FROM g GROUP BY parent, fold HAVING count(*) > 1 LIMIT 1) d";

/* Does the JSON text doc hold the escape "\u0000"?  SQLite's JSON
 * functions end a string there (3.40: "a\u0000b" is "a") where Go
 * keeps the NUL and what follows: such a document means two things.
 * It is an escape when an odd run of backslashes comes before the 'u'
 * (outside strings a backslash is not JSON). */
static int
nul_escape(const char *doc, size_t len)
{
	for (const char *p = doc; (p = memmem(p, len - (size_t)(p - doc), "u0000", 5)) != NULL;
	     p++) {
		size_t bs = 0;
		while (p - bs > doc && p[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (bs % 2 == 1)
			return 1;
	}
	return 0;
}

/* Deeper than SQLite's own JSON limit (2000 in 3.40, 1000 later). */
#define OJSON_DEPTH 2048

/*
 * Does every member of every object in doc, text json_valid() passed,
 * begin with a string for its key?  SQLite 3.40's json_valid() also
 * passes a key that is an array or object whose last value is a string
 * ({["a"]:1}), and json_tree() then crashes on it: so this is checked
 * first, by a scan that need only follow strings and nesting.
 */
static int
keys_are_strings(const char *doc, size_t len)
{
	unsigned char object[OJSON_DEPTH / 8] = { 0 }; /* a bit per open container */
	size_t depth = 0;
	int want_key = 0;

	for (size_t i = 0; i < len; i++) {
		char c = doc[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (want_key && c != '"' && c != '}')
			return 0;
		want_key = 0;
		switch (c) {
		case '"':
			for (i++; i < len && doc[i] != '"'; i++)
				if (doc[i] == '\\')
					i++;
			break;
		case '{':
		case '[':
			if (depth == OJSON_DEPTH)
				return 0;
			if (c == '{')
				object[depth / 8] |= (unsigned char)(1u << depth % 8);
			else
				object[depth / 8] &= (unsigned char)~(1u << depth % 8);
			depth++;
			want_key = c == '{';
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			want_key = depth > 0 && (object[(depth - 1) / 8] >> (depth - 1) % 8 & 1);
			break;
		}
	}
	return 1;
}

/* Is doc[0..len) one JSON value of type want, read alike by SQLite and
 * Go?  0, or -1 with why in err. */
static int
check(struct ojson *j, const char *doc, size_t len, const char *want, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (memchr(doc, '\0', len) != NULL || strlen(doc) != len) {
		snprintf(err, errlen, "not JSON text (a NUL byte)");
		return -1;
	}
	if ((st = prepare(j,
		 "SELECT json_valid(?1), CASE WHEN json_valid(?1) THEN json_type(?1) END", doc,
		 NULL)) == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
		return -1;
	}
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
	else if (sqlite3_column_int(st, 0) != 1 || !keys_are_strings(doc, len))
		snprintf(err, errlen, "not well-formed JSON");
	else if (sqlite3_column_text(st, 1) == NULL ||
	    strcmp((const char *)sqlite3_column_text(st, 1), want) != 0)
		snprintf(err, errlen, "not a JSON %s", want);
	else if (nul_escape(doc, len))
		snprintf(err, errlen, "a string with a NUL in it (\\u0000)");
	else
		rc = 0;
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	if ((st = prepare(j, keys_sql, doc, NULL)) == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
		return -1;
	}
	rc = -1;
	const char *a, *b;
	if (sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(j->db));
	} else if ((a = (const char *)sqlite3_column_text(st, 0)) != NULL) {
		b = (const char *)sqlite3_column_text(st, 1);
		if (b == NULL || strcmp(a, b) == 0)
			snprintf(err, errlen, "key %s appears twice", a);
		else
			snprintf(err, errlen,
			    "keys %s and %s are one key to Go (which ignores case)", a, b);
	} else if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
		snprintf(err, errlen,
		    "key %s is written otherwise than the field it names (escaped, or in "
		    "another case): Go would read it, SQLite would not",
		    sqlite3_column_text(st, 2));
	} else {
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
ojson_check(struct ojson *j, const char *doc, size_t len, char *err, size_t errlen)
{
	return check(j, doc, len, "object", err, errlen);
}

int
ojson_check_array(struct ojson *j, const char *doc, size_t len, char *err, size_t errlen)
{
	return check(j, doc, len, "array", err, errlen);
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
	words_free(v, k);
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
