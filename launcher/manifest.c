/*
 * The launcher's own reader of manifest.lock (sidebundle-manifest(5)):
 * only the header records (name, run-mode, env, entry, libdir), which
 * come before every file, dir and symlink record, so a start reads a few
 * hundred bytes however large the payload.  Records it does not know
 * before the first file record are skipped (a later minor addition must
 * not stop old launchers); a malformed known record is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"

#define HEADER_MAX (4u << 20) /* a header this large is not ours */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape the field s[0..n) (%XX) into a malloc'd string; NULL on a
 * bad escape, an empty field or %00. */
static char *
field_dup(const char *s, size_t n)
{
	char *out, *o;

	if (n == 0)
		return NULL;
	o = out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		int h = i + 2 < n ? hexval(s[i + 1]) : -1;
		int l = h >= 0 ? hexval(s[i + 2]) : -1;
		if (l < 0 || (h | l) == 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(h << 4 | l);
		i += 2;
	}
	*o = '\0';
	return out;
}

static void
free_fields(char **f, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		free(f[i]);
	free(f);
}

/* Split one line into unescaped fields; -1 on a malformed field. */
static int
split(const char *line, size_t n, char ***out, size_t *nout)
{
	size_t nf = 1, k = 0;

	for (size_t i = 0; i < n; i++)
		nf += line[i] == '\t';
	char **f = calloc(nf + 1, sizeof *f);
	if (f == NULL)
		return -1;
	for (size_t start = 0, i = 0; i <= n; i++) {
		if (i < n && line[i] != '\t')
			continue;
		if ((f[k++] = field_dup(line + start, i - start)) == NULL) {
			free_fields(f, k);
			return -1;
		}
		start = i + 1;
	}
	*out = f;
	*nout = nf;
	return 0;
}

static void
push(void *vp, size_t *n, size_t size)
{
	void **v = vp;
	void *p = realloc(*v, (*n + 1) * size);
	if (p == NULL) {
		perror("sidebundle-launcher");
		exit(EXIT_CANNOT_RUN);
	}
	*v = p;
}

/* Take field i out of f (so that free_fields leaves it). */
static char *
take(char **f, size_t i)
{
	char *s = f[i];
	f[i] = NULL;
	return s;
}

/* One header line; 1 at the first record after the header, -1 bad. */
static int
parse_line(struct lmanifest *m, char **f, size_t nf, int first,
    const char **why)
{
	const char *t = f[0];

	if (first) {
		if (strcmp(t, "sidebundle-manifest") != 0 || nf != 2) {
			*why = "not a sidebundle manifest";
			return -1;
		}
		if (strcmp(f[1], "1") != 0) {
			*why = "unsupported manifest version (this launcher reads 1)";
			return -1;
		}
		return 0;
	}
	if (strcmp(t, "file") == 0 || strcmp(t, "dir") == 0 ||
	    strcmp(t, "symlink") == 0)
		return 1;
	if (strcmp(t, "name") == 0 || strcmp(t, "run-mode") == 0) {
		char **slot = t[0] == 'n' ? &m->name : &m->run_mode;
		if (nf != 2 || *slot != NULL) {
			*why = "malformed name or run-mode record";
			return -1;
		}
		*slot = take(f, 1);
	} else if (strcmp(t, "env") == 0) {
		if (nf != 2 || strchr(f[1], '=') == NULL || f[1][0] == '=') {
			*why = "env: want K=V";
			return -1;
		}
		push(&m->env, &m->nenv, sizeof *m->env);
		m->env[m->nenv++] = take(f, 1);
	} else if (strcmp(t, "libdir") == 0) {
		if (nf != 2 || f[1][0] != '/' || strchr(f[1], ':') != NULL) {
			/* ld.so's --library-path splits at ':' */
			*why = "libdir: want one absolute path without ':'";
			return -1;
		}
		push(&m->libdirs, &m->nlibdirs, sizeof *m->libdirs);
		m->libdirs[m->nlibdirs++] = take(f, 1);
	} else if (strcmp(t, "entry") == 0) {
		if (nf < 5 || strchr(f[1], '/') != NULL || f[2][0] != '/' ||
		    (strcmp(f[3], "elf-dynamic") != 0 &&
			strcmp(f[3], "elf-static") != 0 &&
			strcmp(f[3], "script") != 0)) {
			*why = "entry: want NAME PATH KIND INTERP [ARG...]";
			return -1;
		}
		push(&m->entries, &m->nentries, sizeof *m->entries);
		struct lentry *e = &m->entries[m->nentries++];
		e->nargs = nf - 5;
		e->args = calloc(e->nargs + 1, sizeof *e->args);
		if (e->args == NULL) {
			perror("sidebundle-launcher");
			exit(EXIT_CANNOT_RUN);
		}
		for (size_t i = 0; i < e->nargs; i++)
			e->args[i] = take(f, 5 + i);
		e->name = take(f, 1);
		e->path = take(f, 2);
		e->kind = take(f, 3);
		e->interp = take(f, 4);
	}
	return 0;
}

/* Read fd until the header is complete (a file, dir or symlink record
 * has started) or EOF.  The buffer is NUL-terminated. */
static char *
read_header(int fd, size_t *len)
{
	size_t n = 0, cap = 8192;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		if (n == cap) {
			if (cap >= HEADER_MAX) {
				errno = EFBIG;
				break;
			}
			char *p = realloc(buf, cap * 2 + 1);
			if (p == NULL)
				break;
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		buf[n + (size_t)r] = '\0';
		if (r == 0 || strstr(buf + (n > 8 ? n - 8 : 0), "\nfile\t") ||
		    strstr(buf + (n > 8 ? n - 8 : 0), "\ndir\t") ||
		    strstr(buf + (n > 11 ? n - 11 : 0), "\nsymlink\t")) {
			*len = n + (size_t)r;
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	return NULL;
}

int
lmf_read(int dirfd, struct lmanifest *m, char *err, size_t errlen)
{
	int fd = openat(dirfd, "manifest.lock", O_RDONLY | O_CLOEXEC);
	size_t len = 0, pos = 0, line = 0;
	const char *why = NULL;
	char *buf;

	memset(m, 0, sizeof *m);
	if (fd < 0 || (buf = read_header(fd, &len)) == NULL) {
		snprintf(err, errlen, "manifest.lock: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	while (pos < len && why == NULL) {
		char *nl = memchr(buf + pos, '\n', len - pos), **f;
		size_t nf;
		line++;
		if (nl == NULL) {
			why = "line not ended by a newline";
			break;
		}
		if (split(buf + pos, (size_t)(nl - (buf + pos)), &f, &nf) < 0) {
			why = "malformed field";
			break;
		}
		int rc = parse_line(m, f, nf, line == 1, &why);
		free_fields(f, nf);
		if (rc > 0)
			break;
		pos = (size_t)(nl - buf) + 1;
	}
	free(buf);
	if (why == NULL && (m->name == NULL || m->run_mode == NULL)) {
		why = "no name or run-mode record";
		line = 0;
	}
	if (why != NULL) {
		if (line > 0)
			snprintf(err, errlen, "manifest.lock: line %zu: %s", line, why);
		else
			snprintf(err, errlen, "manifest.lock: %s", why);
		return -1;
	}
	return 0;
}

const struct lentry *
lmf_entry(const struct lmanifest *m, const char *name)
{
	for (size_t i = 0; i < m->nentries; i++)
		if (strcmp(m->entries[i].name, name) == 0)
			return &m->entries[i];
	return NULL;
}
