/*
 * Unit tests of collector/json.c: the argv encoding must be valid JSON
 * that SQLite's json_each() turns back into the exact bytes, whatever
 * they are (quotes, backslashes, control characters, 0xff).
 * Prints a line per failed check and a summary; exits 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "json.h"

#include "check.h"

static sqlite3 *db;

/* The literal json_add_str (with text, json_add_text) makes of s[0..n)
 * equals want. */
static void
check_encoded(int line, int text, const char *s, size_t n, const char *want)
{
	struct buf b = {0};

	checks++;
	if ((text ? json_add_text : json_add_str)(&b, s, n) != 0 || b.len != strlen(want) ||
	    memcmp(b.p, want, b.len) != 0) {
		failures++;
		printf("FAIL line %d: expected %s, got %.*s\n", line, want,
		    (int)b.len, b.p ? b.p : "");
	}
	buf_free(&b);
}

#define check_literal(line, s, n, want) check_encoded(line, 0, s, n, want)
#define check_text(line, s, n, want) check_encoded(line, 1, s, n, want)

/* Encode v[0..n) as an array, decode it with json_each, compare bytes. */
static void
check_roundtrip(int line, const struct str *v, size_t n)
{
	struct buf b = {0};
	sqlite3_stmt *st = NULL;
	size_t i = 0;
	int rc, ok = 1;

	checks++;
	if (json_add_array(&b, v, n) != 0) {
		failures++;
		printf("FAIL line %d: json_add_array\n", line);
		return;
	}
	rc = sqlite3_prepare_v2(db,
	    "SELECT json_valid(?1), value, type FROM json_each(?1)", -1, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		printf("FAIL line %d: prepare: %s\n", line, sqlite3_errmsg(db));
		failures++;
		buf_free(&b);
		return;
	}
	sqlite3_bind_text(st, 1, b.p, (int)b.len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *val = sqlite3_column_blob(st, 1);
		int len = sqlite3_column_bytes(st, 1);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		if (sqlite3_column_int(st, 0) != 1) {
			printf("FAIL line %d: json_valid is 0 for %s\n", line, b.p);
			ok = 0;
			break;
		}
		if (i >= n || (size_t)len != v[i].n ||
		    (len > 0 && memcmp(val, v[i].p, (size_t)len) != 0) ||
		    type == NULL || strcmp(type, "text") != 0) {
			printf("FAIL line %d: element %zu does not round-trip "
			       "(%d bytes, type %s) in %s\n",
			    line, i, len, type ? type : "?", b.p);
			ok = 0;
		}
		i++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		printf("FAIL line %d: json_each: %s on %s\n", line,
		    sqlite3_errmsg(db), b.p);
		ok = 0;
	}
	if (ok && i != n) {
		printf("FAIL line %d: %zu elements back, not %zu\n", line, i, n);
		ok = 0;
	}
	failures += !ok;
	sqlite3_finalize(st);
	buf_free(&b);
}

#define S(lit) {lit, sizeof(lit) - 1}

int
main(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		printf("FAIL: sqlite3_open\n");
		return 1;
	}
	check_literal(__LINE__, "abc", 3, "\"abc\"");
	check_literal(__LINE__, "", 0, "\"\"");
	check_literal(__LINE__, "a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_literal(__LINE__, "\n\t\r\b\f", 5, "\"\\n\\t\\r\\b\\f\"");
	check_literal(__LINE__, "\x01\x1f", 2, "\"\\u0001\\u001f\"");
	check_literal(__LINE__, "\x7f\xff", 2, "\"\x7f\xff\"");
	check_literal(__LINE__, "a\0b", 3, "\"a\\u0000b\"");
	check_literal(__LINE__, "/", 1, "\"/\"");
	/* text: valid UTF-8 kept, each stray byte U+FFFD, escapes as above */
	check_text(__LINE__, "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	check_text(__LINE__, "a\xe9\n\xed\xa0\x80z", 7,
	    "\"a\xef\xbf\xbd\\n\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\"");
	check_text(__LINE__, "\xc3", 1, "\"\xef\xbf\xbd\"");
	check_text(__LINE__, "\x7f\"", 2, "\"\x7f\\\"\"");

	struct str plain[] = {S("echo"), S("hello world")};
	check_roundtrip(__LINE__, plain, 2);
	struct str none[1];
	check_roundtrip(__LINE__, none, 0);
	struct str odd[] = {S("a\"b"), S("c\\d"), S("e\nf"), S("\t"), S(""),
	    S("\x01\x02\x1f"), S("\xff"), S("caf\xc3\xa9"), S("\xc3"),
	    S("\\u0041"), S("[\"x\"]"), S("\x7f")};
	check_roundtrip(__LINE__, odd, sizeof(odd) / sizeof(odd[0]));

	/* every byte value but NUL, one string each */
	static char bytes[255];
	struct str each[255];
	for (int c = 1; c < 256; c++) {
		bytes[c - 1] = (char)c;
		each[c - 1].p = &bytes[c - 1];
		each[c - 1].n = 1;
	}
	check_roundtrip(__LINE__, each, 255);

	/* a long element */
	static char big[100000];
	memset(big, 'x', sizeof(big));
	big[500] = '"';
	big[50000] = '\n';
	struct str longv[] = {{big, sizeof(big)}};
	check_roundtrip(__LINE__, longv, 1);

	/* json_add_argv matches json_add_array */
	char *argv[] = {"sh", "-c", "echo \"$x\"", NULL};
	struct buf a = {0}, b = {0};
	struct str sv[] = {S("sh"), S("-c"), S("echo \"$x\"")};
	CHECK(json_add_argv(&a, argv) == 0 && json_add_array(&b, sv, 3) == 0 &&
		a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
	    "argv %s vs array %s", a.p, b.p);
	CHECK(strcmp(a.p, "[\"sh\",\"-c\",\"echo \\\"$x\\\"\"]") == 0, "got %s",
	    a.p);
	buf_free(&a);
	buf_free(&b);

	sqlite3_close(db);
	printf("json: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
