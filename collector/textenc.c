#include <string.h>

#include "textenc.h"

static const char hexdigits[] = "0123456789ABCDEF";

size_t
textenc_utf8_len(const unsigned char *s, size_t n)
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
textenc_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = textenc_utf8_len(u + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
textenc_add_utf8(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, run = 0;

	/* valid runs are copied whole: most paths are one such run */
	while (i < n) {
		if ((k = textenc_utf8_len(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if (buf_add(b, s + run, i - run) == -1 ||
		    buf_add(b, TEXTENC_REPLACEMENT, sizeof(TEXTENC_REPLACEMENT) - 1) == -1)
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

/* Append the escape of one byte or character at u[0..k) for
 * textenc_add_human, or the text itself. */
static int
add_human_char(struct buf *b, const unsigned char *u, size_t k)
{
	char esc[4] = { '\\', 'x', 0, 0 };

	if (k == 1 && u[0] >= 0x20 && u[0] < 0x7f)
		return u[0] == '\\' ? buf_add(b, "\\\\", 2) : buf_add(b, u, 1);
	if (k == 1 && u[0] == '\n')
		return buf_add(b, "\\n", 2);
	if (k == 1 && u[0] == '\t')
		return buf_add(b, "\\t", 2);
	if (k == 1 && u[0] == '\r')
		return buf_add(b, "\\r", 2);
	/* C1 controls (U+0080..U+009F) move a terminal as C0 ones do */
	if (k > 1 && !(k == 2 && u[0] == 0xc2 && u[1] < 0xa0))
		return buf_add(b, u, k);
	for (size_t i = 0; i < (k == 0 ? 1 : k); i++) {
		esc[2] = hexdigits[u[i] >> 4];
		esc[3] = hexdigits[u[i] & 15];
		if (buf_add(b, esc, 4) == -1)
			return -1;
	}
	return 0;
}

int
textenc_add_human(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		k = textenc_utf8_len(u + i, n - i);
		if (add_human_char(b, u + i, k) == -1)
			return -1;
		i += k == 0 ? 1 : k;
	}
	return 0;
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
		if ((k = textenc_utf8_len(u + i, n - i)) == 0)
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
