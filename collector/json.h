/*
 * JSON text (RFC 8259) for the argv and command columns, and for
 * sbtrace report --json.
 */
#ifndef SB_COLLECTOR_JSON_H
#define SB_COLLECTOR_JSON_H

#include <stddef.h>

#include "util.h"

/*
 * Append s[0..n) as a JSON string literal.  '"' and '\' are escaped,
 * control characters become \n \t \r \b \f or \u00XX, and every other
 * byte, those >= 0x80 included, is copied as it is: argv is bytes, not
 * text, and SQLite's json_each() accepts such strings unchanged, so the
 * exact bytes come back out.  -1 with errno on allocation failure.
 */
int json_add_str(struct buf *b, const char *s, size_t n);

/*
 * The same, for output that must be valid UTF-8 (sbtrace report): each
 * byte that is not part of a valid UTF-8 sequence becomes U+FFFD; the
 * caller gives the exact bytes beside it (textenc.h).
 */
int json_add_text(struct buf *b, const char *s, size_t n);

/* Append a JSON array of the n strings v[]. */
int json_add_array(struct buf *b, const struct str *v, size_t n);

/* A JSON object of the n "NAME=value" strings v[] (a string without '='
 * is a name with an empty value; a repeated name is kept twice, as the
 * environment holds it). */
int json_add_env(struct buf *b, const struct str *v, size_t n);

/* Same for a NULL-terminated vector of C strings (a command line). */
int json_add_argv(struct buf *b, char *const *argv);

#endif
