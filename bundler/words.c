#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

/*
 * Split s into words as sh(1) does for a simple command, without any
 * expansion: blanks separate words; '...' keeps everything literally;
 * "..." keeps everything but lets a backslash escape $ ` " \ and newline;
 * outside quotes a backslash escapes any character (and backslash-newline
 * disappears).  Written by hand because wordexp(3) would expand $VAR and
 * run $(commands), which a bundle build must never do.
 */
int
words_split(const char *s, char ***out, size_t *nout, const char **why)
{
	size_t len = strlen(s), n = 0;
	char **v = calloc(len / 2 + 2, sizeof *v);
	char *w = NULL;
	size_t wl = 0;
	int inword = 0;

	if (v == NULL)
		goto nomem;
	for (size_t i = 0;; i++) {
		char c = s[i];
		if (c == '\0' || (c == ' ' || c == '\t' || c == '\n')) {
			if (inword) {
				w[wl] = '\0';
				v[n++] = w;
				w = NULL;
				inword = 0;
			}
			if (c == '\0')
				break;
			continue;
		}
		if (!inword) {
			/* a word is never longer than what is left of s */
			w = malloc(len - i + 1);
			if (w == NULL)
				goto nomem;
			wl = 0;
			inword = 1;
		}
		if (c == '\'') {
			const char *e = strchr(s + i + 1, '\'');
			if (e == NULL) {
				*why = "unterminated single quote";
				goto bad;
			}
			size_t k = (size_t)(e - (s + i + 1));
			memcpy(w + wl, s + i + 1, k);
			wl += k;
			i += k + 1;
		} else if (c == '"') {
			for (i++;; i++) {
				if (s[i] == '\0') {
					*why = "unterminated double quote";
					goto bad;
				}
				if (s[i] == '"')
					break;
				if (s[i] == '\\' && s[i + 1] != '\0' &&
				    strchr("$`\"\\\n", s[i + 1]) != NULL) {
					if (s[++i] != '\n')
						w[wl++] = s[i];
					continue;
				}
				w[wl++] = s[i];
			}
		} else if (c == '\\') {
			if (s[i + 1] == '\0') {
				*why = "backslash at the end";
				goto bad;
			}
			if (s[++i] != '\n')
				w[wl++] = s[i];
		} else {
			w[wl++] = c;
		}
	}
	v[n] = NULL;
	*out = v;
	*nout = n;
	return 0;
nomem:
	*why = strerror(ENOMEM);
bad:
	free(w);
	words_free(v, n);
	return -1;
}

void
words_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
words_push(char ***v, size_t *n, const char *s)
{
	char **p = reallocarray(*v, *n + 2, sizeof *p);

	if (p == NULL)
		return -1;
	*v = p;
	if ((p[*n] = strdup(s)) == NULL)
		return -1;
	p[++*n] = NULL;
	return 0;
}

const char *
words_env_get(char *const *env, size_t nenv, const char *name, size_t *at)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < nenv; i++)
		if (strncmp(env[i], name, nl) == 0 && env[i][nl] == '=') {
			if (at)
				*at = i;
			return env[i] + nl + 1;
		}
	return NULL;
}
