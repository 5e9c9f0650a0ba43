#include <string.h>

#include "textout.h"

/* The length of the well-formed UTF-8 sequence at s[0..n), or 0 (RFC
 * 3629's table: the second byte's range depends on the first). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* no overlong form */
	else if (c == 0xed)
		hi = 0x9f; /* no surrogate */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f; /* nothing above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void
out_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		/* C1 controls (U+0080..U+009F) too: a terminal may obey them */
		if (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) {
			fprintf(f, "\\x%02x\\x%02x", p[i], p[i + 1]);
		} else if (k > 1) {
			fwrite(p + i, 1, k, f);
		} else if (k == 0 || p[i] < 0x20 || p[i] == 0x7f) {
			if (p[i] == '\n')
				fputs("\\n", f);
			else if (p[i] == '\t')
				fputs("\\t", f);
			else if (p[i] == '\r')
				fputs("\\r", f);
			else
				fprintf(f, "\\x%02x", p[i]);
			k = 1;
		} else if (p[i] == '\\') {
			fputs("\\\\", f);
		} else {
			putc(p[i], f);
		}
		i += k;
	}
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

void
out_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	putc('"', f);
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		unsigned char c = p[i];
		if (k == 0) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fwrite(p + i, 1, k, f);
		i += k;
	}
	putc('"', f);
}

void
out_json_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\": ", key);
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	out_json_string(f, s);
	if (utf8_valid(s, strlen(s)))
		return;
	fprintf(f, ", \"%s_hex\": \"", key);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fprintf(f, "%02X", *p); /* as SQL's hex() and sbtrace report write it */
	putc('"', f);
}
