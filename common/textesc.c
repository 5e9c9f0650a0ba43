#include <string.h>

#include "textesc.h"

static const char hexdigits[] = "0123456789ABCDEF";

size_t
sb_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	/* the second byte's range excludes overlong forms, surrogates and
	 * code points above U+10FFFF (RFC 3629, section 4) */
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

int
sb_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = sb_utf8_len(u + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* One byte or character u[0..k) (k 0: a byte in no valid sequence). */
static int
escape_one(const unsigned char *u, size_t k, int (*put)(void *, const void *, size_t), void *ctx)
{
	char esc[4] = { '\\', 'x', 0, 0 };
	int rc;

	if (k == 1 && u[0] >= 0x20 && u[0] < 0x7f)
		return u[0] == '\\' ? put(ctx, "\\\\", 2) : put(ctx, u, 1);
	if (k == 1 && u[0] == '\n')
		return put(ctx, "\\n", 2);
	if (k == 1 && u[0] == '\t')
		return put(ctx, "\\t", 2);
	if (k == 1 && u[0] == '\r')
		return put(ctx, "\\r", 2);
	if (k > 1 && !(k == 2 && u[0] == 0xc2 && u[1] < 0xa0))
		return put(ctx, u, k);
	for (size_t i = 0; i < (k == 0 ? 1 : k); i++) {
		esc[2] = hexdigits[u[i] >> 4];
		esc[3] = hexdigits[u[i] & 15];
		if ((rc = put(ctx, esc, 4)) != 0)
			return rc;
	}
	return 0;
}

int
sb_escape_human(const char *s, size_t n, int (*put)(void *ctx, const void *p, size_t len),
    void *ctx)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	int rc;

	while (i < n) {
		k = sb_utf8_len(u + i, n - i);
		if ((rc = escape_one(u + i, k, put, ctx)) != 0)
			return rc;
		i += k == 0 ? 1 : k;
	}
	return 0;
}

/* The escape of an ASCII byte JSON does not allow raw (c < 0x20, '"',
 * '\\') in out, its length returned. */
static size_t
json_escape_byte(unsigned char c, char out[6])
{
	static const char shortform[][2] = { { '"', '"' }, { '\\', '\\' }, { '\n', 'n' },
		{ '\t', 't' }, { '\r', 'r' }, { '\b', 'b' }, { '\f', 'f' } };

	out[0] = '\\';
	for (size_t i = 0; i < sizeof shortform / sizeof *shortform; i++)
		if (shortform[i][0] == (char)c) {
			out[1] = shortform[i][1];
			return 2;
		}
	memcpy(out + 1, "u00", 3);
	/* lower case, as JSON writers mostly do; the "\xHH" and _hex forms
	 * follow SQL's hex() instead */
	out[4] = "0123456789abcdef"[c >> 4];
	out[5] = "0123456789abcdef"[c & 15];
	return 6;
}

int
sb_escape_json(const char *s, size_t n, int text, int (*put)(void *ctx, const void *p, size_t len),
    void *ctx)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0, i = 0, k;
	char esc[6];
	int rc;

	if ((rc = put(ctx, "\"", 1)) != 0)
		return rc;
	/* runs of bytes that need no escape go to put in one piece */
	while (i < n) {
		unsigned char c = u[i];
		const char *rep = esc;
		size_t len;

		if (c >= 0x80 && text && (k = sb_utf8_len(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if (c >= 0x80 && text) {
			rep = SB_UTF8_REPLACEMENT;
			len = sizeof(SB_UTF8_REPLACEMENT) - 1;
		} else if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		} else {
			len = json_escape_byte(c, esc);
		}
		if ((i > start && (rc = put(ctx, u + start, i - start)) != 0) ||
		    (rc = put(ctx, rep, len)) != 0)
			return rc;
		start = ++i;
	}
	if (i > start && (rc = put(ctx, u + start, i - start)) != 0)
		return rc;
	return put(ctx, "\"", 1);
}
