#include <string.h>

#include "textenc.h"
#include "textesc.h"

static const char hexdigits[] = "0123456789ABCDEF";

int
textenc_add_utf8(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, run = 0;

	/* valid runs are copied whole: most paths are one such run */
	while (i < n) {
		if ((k = sb_utf8_len(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if (buf_add(b, s + run, i - run) == -1 ||
		    buf_add(b, SB_UTF8_REPLACEMENT, sizeof(SB_UTF8_REPLACEMENT) - 1) == -1)
			return -1;
		run = ++i;
	}
	return buf_add(b, s + run, n - run);
}

int
textenc_add_hex(struct buf *b, const char *s, size_t n)
{
	size_t i;

	if (n > (SIZE_MAX - 1) / 2 || buf_reserve(b, 2 * n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		b->p[b->len++] = hexdigits[c >> 4];
		b->p[b->len++] = hexdigits[c & 15];
	}
	b->p[b->len] = '\0';
	return 0;
}

static int
csv_needs_quotes(const char *s, size_t n)
{
	size_t i;

	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

int
textenc_add_csv(struct buf *b, const char *s, size_t n)
{
	struct buf t = { 0 };
	size_t i, start;
	int rc = -1;

	if (!csv_needs_quotes(s, n))
		return textenc_add_utf8(b, s, n);
	if (textenc_add_utf8(&t, s, n) == -1)
		goto out;
	if (buf_add(b, "\"", 1) == -1)
		goto out;
	for (i = start = 0; i < t.len; i++) {
		if (t.p[i] != '"')
			continue;
		/* the quote itself, and then its double */
		if (buf_add(b, t.p + start, i + 1 - start) == -1 || buf_add(b, "\"", 1) == -1)
			goto out;
		start = i + 1;
	}
	if (buf_add(b, t.p + start, t.len - start) == -1 || buf_add(b, "\"", 1) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&t);
	return rc;
}

int
textenc_add_human(struct buf *b, const char *s, size_t n)
{
	return sb_escape_human(s, n, buf_put, b);
}

/* Does s[0..n) need no quoting in any shell? */
static int
shell_plain(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			strchr("@%+=:,./-_", c) != NULL))
			return 0;
	}
	/* '=' first would read as an assignment in some places; '-' is fine */
	return s[0] != '=';
}

/* Is s[0..n) valid UTF-8 with no control character at all? */
static int
printable(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = sb_utf8_len(u + i, n - i)) == 0)
			return 0;
		if (k == 1 && (u[i] < 0x20 || u[i] == 0x7f))
			return 0;
		if (k == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)
			return 0;
		i += k;
	}
	return 1;
}

static int
add_single_quoted(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	if (buf_add(b, "'", 1) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] != '\'')
			continue;
		if (buf_add(b, s + start, i - start) == -1 || buf_add(b, "'\\''", 4) == -1)
			return -1;
		start = i + 1;
	}
	return buf_add(b, s + start, n - start) == -1 ? -1 : buf_add(b, "'", 1);
}

int
textenc_add_shell(struct buf *b, const char *s, size_t n)
{
	size_t i, start = 0;

	if (shell_plain(s, n))
		return buf_add(b, s, n);
	if (printable(s, n))
		return add_single_quoted(b, s, n);
	if (buf_add(b, "$'", 2) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] != '\'')
			continue;
		if (textenc_add_human(b, s + start, i - start) == -1 || buf_add(b, "\\'", 2) == -1)
			return -1;
		start = i + 1;
	}
	if (textenc_add_human(b, s + start, n - start) == -1)
		return -1;
	return buf_add(b, "'", 1);
}

size_t
textenc_width(const char *s, size_t n)
{
	size_t i, w = 0;

	/* every byte but a continuation byte starts a character */
	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

size_t
textenc_fit(const char *s, size_t n, size_t cols)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (w == cols)
			return i;
		w++;
	}
	return n;
}
