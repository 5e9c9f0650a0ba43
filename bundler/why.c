/*
 * The why file: one line per payload path with a reason, both fields
 * escaped as the manifest's are (common/manifest.c holds that rule),
 * after a first line naming the format and its version.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "layout.h"
#include "manifest.h"
#include "why.h"

/* Bigger is not a file we wrote. */
#define WHY_MAX (256u << 20)

static int
put_line(FILE *f, const char *path, const char *reason)
{
	char *p = mf_escape(path), *r = mf_escape(reason);
	int rc = p && r && fprintf(f, "%s\t%s\n", p, r) > 0 ? 0 : -1;

	free(p);
	free(r);
	return rc;
}

int
why_write(int bundlefd, const struct closure *c)
{
	char tmp[] = SB_LAYOUT_WHY ".tmp";
	int fd = openat(bundlefd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = 0;

	if (f == NULL) {
		warn("%s", SB_LAYOUT_WHY);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fprintf(f, "%s\t%d\n", WHY_MAGIC, WHY_VERSION) < 0)
		rc = -1;
	for (size_t i = 0; i < c->n && rc == 0; i++)
		if (c->items[i].why != NULL)
			rc = put_line(f, c->items[i].path, c->items[i].why);
	if (fchmod(fd, 0644) < 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && renameat(bundlefd, tmp, bundlefd, SB_LAYOUT_WHY) < 0)
		rc = -1;
	if (rc < 0) {
		warn("%s", SB_LAYOUT_WHY);
		unlinkat(bundlefd, tmp, 0);
	}
	return rc;
}

static int
push(struct why *w, char *path, char *reason)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		char **p = reallocarray(w->paths, cap, sizeof *p);
		if (p == NULL)
			return -1;
		w->paths = p;
		char **r = reallocarray(w->reasons, cap, sizeof *r);
		if (r == NULL)
			return -1;
		w->reasons = r;
		w->cap = cap;
	}
	w->paths[w->n] = path;
	w->reasons[w->n++] = reason;
	return 0;
}

int
why_parse(struct why *w, const char *buf, size_t len, char *err, size_t errlen)
{
	size_t pos = 0, line = 0;
	char ver[16];

	memset(w, 0, sizeof *w);
	snprintf(ver, sizeof ver, "%d", WHY_VERSION);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		char **f;
		size_t nf, n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		line++;
		if (nl == NULL) {
			snprintf(err, errlen, "line %zu: no newline at the end", line);
			goto fail;
		}
		if (mf_split(buf + pos, n, line, &f, &nf, err, errlen) < 0)
			goto fail;
		pos += n + 1;
		if (line == 1) {
			int ok = nf == 2 && strcmp(f[0], WHY_MAGIC) == 0;
			if (!ok)
				snprintf(err, errlen, "line 1: not a why file");
			else if (strcmp(f[1], ver) != 0)
				snprintf(err, errlen, "version %.16s: this sidebundle reads %s",
				    f[1], ver);
			ok = ok && strcmp(f[1], ver) == 0;
			mf_fields_free(f, nf);
			if (!ok)
				goto fail;
			continue;
		}
		if (nf != 2 || f[0][0] != '/' ||
		    (w->n > 0 && strcmp(w->paths[w->n - 1], f[0]) >= 0)) {
			snprintf(err, errlen, "line %zu: want PATH REASON, sorted by PATH", line);
			mf_fields_free(f, nf);
			goto fail;
		}
		if (push(w, f[0], f[1]) < 0) {
			snprintf(err, errlen, "out of memory");
			mf_fields_free(f, nf);
			goto fail;
		}
		free(f);
	}
	if (line == 0) {
		snprintf(err, errlen, "empty");
		goto fail;
	}
	return 0;
fail:
	why_free(w);
	errno = EINVAL;
	return -1;
}

int
why_read(struct why *w, int bundlefd, char *err, size_t errlen)
{
	size_t n;
	char *buf, perr[256];
	int rc, e;

	memset(w, 0, sizeof *w);
	if ((buf = sb_read_file_at(bundlefd, SB_LAYOUT_WHY, WHY_MAX, &n)) == NULL) {
		e = errno;
		snprintf(err, errlen, "%s: %s", SB_LAYOUT_WHY, strerror(e));
		errno = e;
		return -1;
	}
	rc = why_parse(w, buf, n, perr, sizeof perr);
	e = errno;
	free(buf);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", SB_LAYOUT_WHY, perr);
	errno = e;
	return rc;
}

const char *
why_get(const struct why *w, const char *path)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(w->paths[mid], path);
		if (c == 0)
			return w->reasons[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
why_free(struct why *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->paths[i]);
		free(w->reasons[i]);
	}
	free(w->paths);
	free(w->reasons);
	memset(w, 0, sizeof *w);
}
