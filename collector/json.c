#include <stdint.h>
#include <string.h>

#include "json.h"
#include "textenc.h"

/*
 * The one JSON string escaper.  '"', '\\' and control characters are
 * escaped; bytes >= 0x80 are copied (raw: the database's argv, bytes as
 * the program had them) or, with text, copied when they form valid UTF-8
 * and each made U+FFFD otherwise (sbtrace report, whose JSON must be
 * valid UTF-8; textenc.h says where the exact bytes go).
 */
static int
add_str(struct buf *b, const char *s, size_t n, int text)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k;

	/* worst case is 6 bytes per input byte (\u00XX; U+FFFD for one
	 * byte is 3); reserving it once keeps the loop free of checks */
	if (n > (SIZE_MAX - 2) / 6 || buf_reserve(b, n * 6 + 2) == -1)
		return -1;
	b->p[b->len++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = u[i];
		char *o = b->p + b->len;

		if (c >= 0x80 && text) {
			if ((k = sb_utf8_len(u + i, n - i)) == 0) {
				memcpy(o, TEXTENC_REPLACEMENT, 3);
				b->len += 3;
			} else {
				memcpy(o, u + i, k);
				b->len += k;
				i += k - 1;
			}
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o = (char)c;
			b->len++;
			continue;
		}
		o[0] = '\\';
		switch (c) {
		case '"':
			o[1] = '"';
			b->len += 2;
			break;
		case '\\':
			o[1] = '\\';
			b->len += 2;
			break;
		case '\n':
			o[1] = 'n';
			b->len += 2;
			break;
		case '\t':
			o[1] = 't';
			b->len += 2;
			break;
		case '\r':
			o[1] = 'r';
			b->len += 2;
			break;
		case '\b':
			o[1] = 'b';
			b->len += 2;
			break;
		case '\f':
			o[1] = 'f';
			b->len += 2;
			break;
		default:
			memcpy(o + 1, "u00", 3);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			b->len += 6;
		}
	}
	b->p[b->len++] = '"';
	b->p[b->len] = '\0';
	return 0;
}

int
json_add_str(struct buf *b, const char *s, size_t n)
{
	return add_str(b, s, n, 0);
}

int
json_add_text(struct buf *b, const char *s, size_t n)
{
	return add_str(b, s, n, 1);
}

int
json_add_array(struct buf *b, const struct str *v, size_t n)
{
	size_t i;

	if (buf_add(b, "[", 1) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (i > 0 && buf_add(b, ",", 1) == -1)
			return -1;
		if (json_add_str(b, v[i].p, v[i].n) == -1)
			return -1;
	}
	return buf_add(b, "]", 1);
}

int
json_add_env(struct buf *b, const struct str *v, size_t n)
{
	size_t i, k;

	if (buf_add(b, "{", 1) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const char *eq = memchr(v[i].p, '=', v[i].n);
		k = eq != NULL ? (size_t)(eq - v[i].p) : v[i].n;
		if ((i > 0 && buf_add(b, ",", 1) == -1) || json_add_str(b, v[i].p, k) == -1 ||
		    buf_add(b, ":", 1) == -1 ||
		    json_add_str(b, v[i].p + k + (eq != NULL), v[i].n - k - (eq != NULL)) == -1)
			return -1;
	}
	return buf_add(b, "}", 1);
}

int
json_add_argv(struct buf *b, char *const *argv)
{
	size_t i;

	if (buf_add(b, "[", 1) == -1)
		return -1;
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0 && buf_add(b, ",", 1) == -1)
			return -1;
		if (json_add_str(b, argv[i], strlen(argv[i])) == -1)
			return -1;
	}
	return buf_add(b, "]", 1);
}
