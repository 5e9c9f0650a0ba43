/*
 * Unit tests of collector/textenc.c and json_add_text: how sbtrace report
 * writes path bytes as text.  UTF-8 validity is checked against a
 * decoder written the other way round (decode, then judge the code
 * point), over every sequence of one and two bytes and the edges of the
 * longer ones; the escapes against literals.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "json.h"
#include "textenc.h"

#include "check.h"

/* The reference: decode by the bit patterns, then refuse overlong
 * forms, surrogates and what is above U+10FFFF.  0 when invalid. */
static size_t
ref_len(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static int bad_len;

static void
check_len(const unsigned char *s, size_t n)
{
	size_t got = sb_utf8_len(s, n), want = ref_len(s, n);

	checks++;
	if (got != want) {
		failures++;
		if (bad_len++ < 20) {
			printf("FAIL: utf8_len of");
			for (size_t i = 0; i < n; i++)
				printf(" %02x", s[i]);
			printf(": %zu, not %zu\n", got, want);
		}
	}
}

static void
check_all_lengths(void)
{
	static const unsigned char edges[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0 };
	unsigned char s[4];

	for (unsigned a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		check_len(s, 1);
		for (unsigned b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			check_len(s, 2);
			for (size_t c = 0; c < sizeof(edges) && a >= 0xe0; c++) {
				s[2] = edges[c];
				check_len(s, 3);
				for (size_t d = 0; d < sizeof(edges) && a >= 0xf0; d++) {
					s[3] = edges[d];
					check_len(s, 4);
				}
			}
		}
	}
}

/* f(s[0..n)) into a buffer equals want. */
static void
check_out(int line, int (*f)(struct buf *, const char *, size_t), const char *s, size_t n,
    const char *want)
{
	struct buf b = { 0 };

	checks++;
	if (f(&b, s, n) != 0 || b.len != strlen(want) || memcmp(b.p ? b.p : "", want, b.len) != 0) {
		failures++;
		printf("FAIL line %d: got \"%.*s\", want \"%s\"\n", line, (int)b.len, b.p ? b.p : "",
		    want);
	}
	buf_free(&b);
}

#define OUT(f, lit, want) check_out(__LINE__, f, lit, sizeof(lit) - 1, want)

/* json_add_text's literal is valid JSON to SQLite, is valid UTF-8, and
 * decodes to want. */
static void
check_json(int line, sqlite3 *db, const char *s, size_t n, const char *want)
{
	struct buf b = { 0 };
	sqlite3_stmt *st;

	checks++;
	if (json_add_text(&b, s, n) != 0 || !sb_utf8_valid(b.p, b.len) ||
	    sqlite3_prepare_v2(db, "SELECT json_valid(?1), json_extract(?1, '$')", -1, &st,
		NULL) != SQLITE_OK) {
		failures++;
		printf("FAIL line %d: json_add_text\n", line);
		buf_free(&b);
		return;
	}
	sqlite3_bind_text(st, 1, b.p, (int)b.len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1 ||
	    (size_t)sqlite3_column_bytes(st, 1) != strlen(want) ||
	    memcmp(sqlite3_column_text(st, 1), want, strlen(want)) != 0) {
		failures++;
		printf("FAIL line %d: %s does not decode to %s\n", line, b.p, want);
	}
	sqlite3_finalize(st);
	buf_free(&b);
}

#define JSON(lit, want) check_json(__LINE__, db, lit, sizeof(lit) - 1, want)

int
main(void)
{
	sqlite3 *db;

	check_all_lengths();
	CHECK(sb_utf8_valid("", 0), "empty");
	CHECK(sb_utf8_valid("/usr/caf\xc3\xa9/\xf0\x9f\x98\x80", 15), "valid mix");
	CHECK(!sb_utf8_valid("/tmp/a\xff", 7), "0xff");
	CHECK(!sb_utf8_valid("\xc3", 1), "cut short");
	CHECK(!sb_utf8_valid("\xed\xa0\x80", 3), "a surrogate");
	CHECK(!sb_utf8_valid("\xc0\xaf", 2), "an overlong '/'");

	/* U+FFFD for each bad byte, valid runs as they are */
	OUT(textenc_add_utf8, "plain", "plain");
	OUT(textenc_add_utf8, "a\xff\xfe" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b");
	OUT(textenc_add_utf8, "caf\xc3\xa9\xc3", "caf\xc3\xa9\xef\xbf\xbd");
	OUT(textenc_add_utf8, "\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd");

	OUT(textenc_add_hex, "/\xff\n", "2FFF0A");
	OUT(textenc_add_hex, "", "");

	/* RFC 4180: quoted only when needed, quotes doubled */
	OUT(textenc_add_csv, "/usr/bin/ls", "/usr/bin/ls");
	OUT(textenc_add_csv, "", "");
	OUT(textenc_add_csv, "a,b", "\"a,b\"");
	OUT(textenc_add_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	OUT(textenc_add_csv, "\"", "\"\"\"\"");
	OUT(textenc_add_csv, "two\nlines", "\"two\nlines\"");
	OUT(textenc_add_csv, "cr\r", "\"cr\r\"");
	OUT(textenc_add_csv, " lead", "\" lead\"");
	OUT(textenc_add_csv, "/a\xff\xfe\n\"q,", "\"/a\xef\xbf\xbd\xef\xbf\xbd\n\"\"q,\"");
	OUT(textenc_add_csv, "x\xff", "x\xef\xbf\xbd");

	/* for people: readable, unambiguous, nothing that moves the cursor */
	OUT(textenc_add_human, "/usr/caf\xc3\xa9", "/usr/caf\xc3\xa9");
	OUT(textenc_add_human, "a\\b", "a\\\\b");
	OUT(textenc_add_human, "\n\t\r", "\\n\\t\\r");
	OUT(textenc_add_human, "\x01\x1b[2J\x7f", "\\x01\\x1B[2J\\x7F");
	OUT(textenc_add_human, "\xc2\x85", "\\xC2\\x85");
	OUT(textenc_add_human, "\xc2\xa0", "\xc2\xa0");
	OUT(textenc_add_human, "\xff\xfe", "\\xFF\\xFE");

	/* shell words that paste back as the same bytes */
	OUT(textenc_add_shell, "ls", "ls");
	OUT(textenc_add_shell, "--color=auto", "--color=auto");
	OUT(textenc_add_shell, "/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
	OUT(textenc_add_shell, "", "''");
	OUT(textenc_add_shell, "a b", "'a b'");
	OUT(textenc_add_shell, "$HOME", "'$HOME'");
	OUT(textenc_add_shell, "it's", "'it'\\''s'");
	OUT(textenc_add_shell, "=x", "'=x'");
	OUT(textenc_add_shell, "caf\xc3\xa9", "'caf\xc3\xa9'");
	OUT(textenc_add_shell, "a\nb", "$'a\\nb'");
	OUT(textenc_add_shell, "\xff'\\", "$'\\xFF\\'\\\\'");

	CHECK(textenc_width("caf\xc3\xa9", 5) == 4, "width of café");
	CHECK(textenc_width("\\xFF", 4) == 4, "width of an escape");
	CHECK(textenc_fit("caf\xc3\xa9!", 6, 4) == 5, "café fits in 4");
	CHECK(textenc_fit("caf\xc3\xa9!", 6, 3) == 3, "caf in 3, é not cut");
	CHECK(textenc_fit("\xc3\xa9\xc3\xa9", 4, 1) == 2, "one é");
	CHECK(textenc_fit("abc", 3, 10) == 3, "all of it");

	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		printf("FAIL: sqlite3_open\n");
		return 1;
	}
	/* the JSON of the report: valid UTF-8 whatever the bytes */
	JSON("/usr/bin/ls", "/usr/bin/ls");
	JSON("caf\xc3\xa9", "caf\xc3\xa9");
	JSON("a\xff\xfe\n\"q,\\", "a\xef\xbf\xbd\xef\xbf\xbd\n\"q,\\");
	JSON("\x01\x7f", "\x01\x7f");
	JSON("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* ... and the database's argv keeps the bytes raw, as before */
	OUT(json_add_str, "a\xff", "\"a\xff\"");
	OUT(json_add_text, "a\xff", "\"a\xef\xbf\xbd\"");
	OUT(json_add_text, "\"\\\n", "\"\\\"\\\\\\n\"");
	sqlite3_close(db);

	printf("textenc: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
