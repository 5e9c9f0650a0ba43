/*
 * Unit tests of bundler/textout.c: which bytes are well-formed UTF-8
 * (RFC 3629's table: no overlong form, no surrogate, nothing above
 * U+10FFFF), what a person sees of a path, and JSON that stays UTF-8
 * and keeps the exact bytes in a _hex member where it cannot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textesc.h"
#include "textout.h"

#include "check.h"

#define VALID(s, want) CHECK(sb_utf8_valid(s, sizeof(s) - 1) == (want), "sb_utf8_valid(%s)", #s)

/* What f(s) writes. */
static char *
capture(void (*f)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		abort();
	f(m, s);
	fclose(m);
	return buf;
}

static void
field(FILE *f, const char *s)
{
	out_json_field(f, "path", s);
}

#define SAME(f, in, want)                                                                          \
	do {                                                                                       \
		char *got_ = capture(f, in);                                                       \
		CHECK(strcmp(got_, want) == 0, "%s(%s): %s, want %s", #f, #in, got_, want);        \
		free(got_);                                                                        \
	} while (0)

int
main(void)
{
	VALID("", 1);
	VALID("/usr/bin/ls", 1);
	VALID("caf\xc3\xa9", 1);
	VALID("\xe2\x82\xac", 1);	  /* U+20AC */
	VALID("\xf0\x9f\x98\x80", 1);	  /* U+1F600 */
	VALID("\xf4\x8f\xbf\xbf", 1);	  /* U+10FFFF */
	VALID("caf\xe9", 0);		  /* Latin-1 */
	VALID("\xc0\xaf", 0);		  /* overlong '/' */
	VALID("\xe0\x80\xaf", 0);	  /* overlong, three bytes */
	VALID("\xed\xa0\x80", 0);	  /* a surrogate */
	VALID("\xf4\x90\x80\x80", 0);	  /* above U+10FFFF */
	VALID("\xe2\x82", 0);		  /* cut short */
	VALID("\x80", 0);		  /* a continuation alone */
	VALID("\xf5\x80\x80\x80", 0);

	SAME(out_escaped, "/usr/bin/ls", "/usr/bin/ls");
	SAME(out_escaped, "a\\b\tc\nd\x7f", "a\\\\b\\tc\\nd\\x7F");
	SAME(out_escaped, "caf\xc3\xa9", "caf\xc3\xa9");
	SAME(out_escaped, "caf\xe9", "caf\\xE9");
	SAME(out_escaped, "x\xc2\x9b[2J", "x\\xC2\\x9B[2J"); /* a C1 CSI */
	SAME(out_escaped, "\x1b[31m", "\\x1B[31m");
	SAME(out_escaped, "a\rb", "a\\rb");

	SAME(field, "/usr/bin/ls", "\"path\": \"/usr/bin/ls\"");
	SAME(field, "a\"b\\c\n\x01", "\"path\": \"a\\\"b\\\\c\\n\\u0001\"");
	SAME(field, "caf\xc3\xa9", "\"path\": \"caf\xc3\xa9\"");
	SAME(field, "caf\xe9", "\"path\": \"caf\xef\xbf\xbd\", \"path_hex\": \"636166E9\"");
	SAME(field, "\xed\xa0\x80",
	    "\"path\": \"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\", \"path_hex\": \"EDA080\"");
	/* the same escaper as the collector's (common/textesc.h): DEL is
	 * allowed raw in JSON, \b and \f have short forms */
	SAME(field, "\x7f\b\f\x1f", "\"path\": \"\x7f\\b\\f\\u001f\"");
	char *got = capture(field, NULL);
	CHECK(strcmp(got, "\"path\": null") == 0, "NULL: %s", got);
	free(got);
	printf("textout: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
