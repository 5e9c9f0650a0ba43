/*
 * The JSON documents of an image (index, manifest, config), read through
 * SQLite's JSON1 functions on an in-memory database: no JSON library of
 * our own.  Every document is checked first (ojson_check), because
 * SQLite takes the first of two equal keys where Go, which wrote most
 * image tools, takes the last: a document with a duplicate key means
 * two things and is refused.  So is one that Go's encoding/json reads
 * otherwise: it binds a key to a struct field ignoring case and after
 * decoding escapes, where SQLite's path matches a key's text exactly,
 * and SQLite ends a string at "\u0000" where Go keeps the rest.
 *
 * Paths are SQLite JSON paths ("$.config.Env", "$.annotations.\"a.b\"").
 * Every getter returns 1 when the value is there with the wanted type,
 * 0 when it is absent or null, -1 (errno EINVAL) when it has another
 * type or a string holds a NUL, -1 (ENOMEM) when out of memory.
 */
#ifndef SB_OJSON_H
#define SB_OJSON_H

#include <stddef.h>
#include <stdint.h>

struct ojson {
	void *db; /* sqlite3 *, in memory */
};

int ojson_open(struct ojson *j);
void ojson_close(struct ojson *j);

/* Is doc[0..len) one JSON object, well formed, no object in it having
 * a key twice, nor two keys that differ in case only (but in a map:
 * annotations, Labels, ...), nor a key Go binds to a field we read that
 * is not written exactly as its name, and no string "\u0000"?  0, or
 * -1 with why in err. */
int ojson_check(struct ojson *j, const char *doc, size_t len, char *err, size_t errlen);
/* The same for one JSON array (a docker archive's manifest.json). */
int ojson_check_array(struct ojson *j, const char *doc, size_t len, char *err, size_t errlen);

/* The JSON type name at path ("object", "array", "text", "integer",
 * "real", "true", "false", "null") into type, or "" when absent. */
int ojson_type(struct ojson *j, const char *doc, const char *path, char *type, size_t len);
int ojson_text(struct ojson *j, const char *doc, const char *path, char **out);
int ojson_int(struct ojson *j, const char *doc, const char *path, int64_t *out);
/* An object, as JSON text. */
int ojson_object(struct ojson *j, const char *doc, const char *path, char **out);
/* An array of strings, NULL-terminated, its length in *n; free it with
 * words_free (words.h). */
int ojson_strs(struct ojson *j, const char *doc, const char *path, char ***out, size_t *n);
/* An array of anything: each element as JSON text; words_free too. */
int ojson_elems(struct ojson *j, const char *doc, const char *path, char ***out, size_t *n);

#endif
