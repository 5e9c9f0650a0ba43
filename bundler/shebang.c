/*
 * "#!" parsing: the kernel's split of the line is binfmt.h's (one
 * splitter for every component); here it is copied out, and env(1)'s
 * reading of the argument added.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "shebang.h"

int
shebang_parse(const void *data, size_t len, struct shebang *sb)
{
	struct sb_shebang line;
	int rc = sb_shebang_split(data, len, &line);

	sb->interp = sb->arg = NULL;
	if (rc != SB_SHEBANG_OK)
		return rc;
	if ((sb->interp = strdup(line.interp)) == NULL)
		return -1;
	if (line.arg != NULL && (sb->arg = strdup(line.arg)) == NULL) {
		shebang_free(sb);
		return -1;
	}
	return SHEBANG_OK;
}

int
shebang_read(int fd, struct shebang *sb)
{
	char buf[SHEBANG_BUF_SIZE];
	size_t got = 0;

	sb->interp = sb->arg = NULL;
	while (got < sizeof(buf)) {
		ssize_t r = pread(fd, buf + got, sizeof(buf) - got, (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return shebang_parse(buf, got, sb);
}

void
shebang_free(struct shebang *sb)
{
	free(sb->interp);
	free(sb->arg);
	sb->interp = sb->arg = NULL;
}

const char *
shebang_strerror(int rc)
{
	switch (rc) {
	case SHEBANG_OK:
		return "ok";
	case SHEBANG_NONE:
		return "no #! line";
	case SHEBANG_EMPTY:
		return "#! line names no interpreter";
	case SHEBANG_TOOLONG:
		return "#! interpreter path longer than the kernel reads "
		       "(256 bytes)";
	default:
		return "bad #! line";
	}
}

int
shebang_is_env(const char *interp)
{
	const char *b = strrchr(interp, '/');

	return strcmp(b != NULL ? b + 1 : interp, "env") == 0;
}

void
shebang_argv_free(char **v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

struct words {
	char **v;
	size_t n;
};

static int
words_add(struct words *w, const char *s, size_t len)
{
	char **v = reallocarray(w->v, w->n + 2, sizeof(*v));

	if (v == NULL)
		return -1;
	w->v = v;
	if ((w->v[w->n] = strndup(s, len)) == NULL)
		return -1;
	w->v[++w->n] = NULL;
	return 0;
}

/*
 * Split s as env -S does (coreutils env.c, split_quoted).  Returns 0 or
 * -1 (ENOMEM).  An unterminated quote ends the string, where env would
 * fail: the words so far are what we report.
 */
static int
split_env(const char *s, struct words *w)
{
	size_t len = strlen(s);
	char *tok = malloc(len + 1);
	size_t t = 0, ws = 0;
	int in_word = 0;

	if (tok == NULL)
		return -1;
	for (size_t i = 0; i < len;) {
		char c = s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
			if (in_word && words_add(w, tok, t) == -1)
				goto nomem;
			in_word = 0;
			t = 0;
			i++;
			continue;
		}
		if (c == '#' && !in_word)
			break; /* a comment to the end */
		if (!in_word)
			ws = i;
		in_word = 1;
		if (c == '\'') {
			for (i++; i < len && s[i] != '\''; i++)
				tok[t++] = s[i];
			i++;
			continue;
		}
		if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len &&
				    strchr("\"\\$_", s[i + 1]) != NULL) {
					i++;
					tok[t++] = s[i] == '_' ? ' ' : s[i];
				} else {
					tok[t++] = s[i];
				}
			}
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < len) {
			char e = s[i + 1];
			i += 2;
			switch (e) {
			case '_': /* outside quotes: a separator */
				if (words_add(w, tok, t) == -1)
					goto nomem;
				in_word = 0;
				t = 0;
				continue;
			case 'c':
				/* "\c" alone starts no word. */
				if (ws == i - 2)
					in_word = 0;
				goto done;
			case 'n':
				tok[t++] = '\n';
				continue;
			case 't':
				tok[t++] = '\t';
				continue;
			case 'r':
				tok[t++] = '\r';
				continue;
			case 'f':
				tok[t++] = '\f';
				continue;
			case 'v':
				tok[t++] = '\v';
				continue;
			default:
				tok[t++] = e;
				continue;
			}
		}
		tok[t++] = c;
		i++;
	}
done:
	if (in_word && words_add(w, tok, t) == -1)
		goto nomem;
	free(tok);
	return 0;
nomem:
	free(tok);
	return -1;
}

int
shebang_env(const char *arg, char **cmd, char ***args)
{
	struct words w = { 0 };
	size_t i = 0;
	const char *split = NULL;

	*cmd = NULL;
	*args = NULL;
	if (arg == NULL)
		return 1;
	/* The kernel passes the rest of the line as one argv element. */
	if (arg[0] == '-' && arg[1] != '-' && arg[1] != '\0') {
		/* A cluster of short options; -S takes the rest. */
		for (const char *p = arg + 1; *p != '\0'; p++) {
			if (*p == 'S') {
				split = p + 1;
				break;
			}
			if (*p == 'u' || *p == 'C')
				return 1; /* its operand would be the script */
			if (strchr("i0v", *p) == NULL)
				return 1; /* env would fail */
		}
		if (split == NULL)
			return 1;
	} else if (strncmp(arg, "--split-string=", 15) == 0) {
		split = arg + 15;
	} else if (arg[0] == '-' && arg[1] == '\0') {
		return 1;
	}
	if (split != NULL) {
		if (split_env(split, &w) == -1)
			goto nomem;
	} else if (words_add(&w, arg, strlen(arg)) == -1) {
		/* Without -S the whole argument is one name. */
		goto nomem;
	}
	/* env's own options and NAME=VALUE settings come first. */
	while (i < w.n && split != NULL) {
		const char *x = w.v[i];
		if (strcmp(x, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(x, "-u") == 0 || strcmp(x, "-C") == 0) {
			i += 2;
			continue;
		}
		if (x[0] == '-' && x[1] != '\0' && x[1] != '-' &&
		    strspn(x + 1, "i0v") == strlen(x + 1)) {
			i++;
			continue;
		}
		if (strcmp(x, "-") == 0) {
			i++;
			continue;
		}
		break;
	}
	while (i < w.n && strchr(w.v[i], '=') != NULL)
		i++;
	if (i >= w.n) {
		shebang_argv_free(w.v);
		return 1;
	}
	*cmd = w.v[i];
	w.v[i] = NULL;
	char **rest = calloc(w.n - i, sizeof(*rest));
	if (rest == NULL) {
		free(*cmd);
		*cmd = NULL;
		goto nomem;
	}
	for (size_t k = i + 1; k < w.n; k++) {
		rest[k - i - 1] = w.v[k];
		w.v[k] = NULL;
	}
	shebang_argv_free(w.v);
	*args = rest;
	return 0;
nomem:
	shebang_argv_free(w.v);
	errno = ENOMEM;
	return -1;
}
