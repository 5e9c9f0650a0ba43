#include <string.h>

#include "json.h"
#include "textesc.h"

static int
add_str(struct buf *b, const char *s, size_t n, int text)
{
	return sb_escape_json(s, n, text, buf_put, b) == 0 ? 0 : -1;
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
