#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* Append the components of s[0..n) to out (length *o), resolving . and ..
 * against what is already there.  out always starts with '/' when
 * absolute; *o never drops below root (1 for absolute, 0 for relative). */
static void
append_components(char *out, size_t *o, size_t root, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		size_t start = i;
		while (i < n && s[i] != '/')
			i++;
		size_t len = i - start;
		if (len == 0 || (len == 1 && s[start] == '.'))
			continue;
		if (len == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (*o > root) {
				/* drop the last component, relative paths
				 * keep a leading ".." they cannot resolve */
				size_t k = *o;
				while (k > root && out[k - 1] != '/')
					k--;
				size_t comp = k;
				if (!(*o - comp == 2 && out[comp] == '.' && out[comp + 1] == '.')) {
					*o = k > root ? k - 1 : root;
					continue;
				}
			} else if (root == 1) {
				continue; /* "/.." is "/" */
			}
		}
		if (*o > root)
			out[(*o)++] = '/';
		memcpy(out + *o, s + start, len);
		*o += len;
	}
}

char *
path_normalize(const char *base, size_t baselen, const char *raw, size_t rawlen, size_t *outlen)
{
	int relative = rawlen == 0 || raw[0] != '/';
	size_t cap = rawlen + (relative ? baselen : 0) + 3;
	char *out = malloc(cap);
	size_t o = 0, root;

	if (out == NULL)
		return NULL;
	if (relative && baselen > 0 && base[0] == '/') {
		out[o++] = '/';
		root = 1;
		append_components(out, &o, root, base, baselen);
	} else if (!relative) {
		out[o++] = '/';
		root = 1;
	} else {
		root = 0;
	}
	append_components(out, &o, root, raw, rawlen);
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	*outlen = o;
	return out;
}
