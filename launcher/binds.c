/*
 * The binds asked for in bwrap mode (binds.h): each SRC resolved on the
 * host (what is bound is what it leads to now, and a missing one is
 * refused here with its name rather than by bwrap after the namespaces
 * are made), each DEST made normal so that mirror() can compare it with
 * the payload's paths byte for byte.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binds.h"
#include "layout.h"
#include "runopts.h"

void
split_add(struct splits *sp, const char *path, const char *src, const char *what,
    enum replace replace, int ro)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 8;
		struct split *v = realloc(sp->v, sp->cap * sizeof *v);
		if (v == NULL)
			err(EXIT_CANNOT_RUN, NULL);
		sp->v = v;
	}
	sp->v[sp->n++] = (struct split){ path, src ? src : path, what, replace, ro, 0, 0, 1 };
}

/* path made absolute against the current directory and normal (no
 * empty, "." or ".." component), malloc'd; NULL when it holds "." or
 * "..", is / or is below /proc, where nothing can be bound. */
static char *
normal_dest(const char *path)
{
	char cwd[PATH_MAX], *out = NULL, *o;
	const char *p = path;

	if (path[0] != '/') {
		if (getcwd(cwd, sizeof cwd) == NULL)
			return NULL;
		out = xjoin(cwd, path);
		p = out;
	}
	char *n = xmalloc(strlen(p) + 2);
	o = n;
	while (*p != '\0') {
		size_t len = strcspn(p, "/");
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		if (len > 0) {
			*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
		p += *p == '/';
	}
	*o = '\0';
	if (n[0] == '\0' || strcmp(n, "/proc") == 0 || strncmp(n, "/proc/", 6) == 0)
		goto bad;
	free(out);
	return n;
bad:
	free(out);
	free(n);
	return NULL;
}

/* Is path already bound by a bind that was asked for? */
static int
dest_taken(const struct splits *sp, const char *path)
{
	for (size_t i = 0; i < sp->n; i++)
		if (sp->v[i].asked && strcmp(sp->v[i].path, path) == 0)
			return 1;
	return 0;
}

/* One bind asked for by name (from where), SRC at DEST (NULL: at SRC's
 * own path).  -1 when it cannot be, said why. */
static int
bind_one(struct splits *sp, const char *name, const char *from, const char *src, const char *dest,
    int ro)
{
	if (dest != NULL && dest[0] != '/') {
		warnx("%s (%s): %s: the place in the sandbox must be an absolute path", name, from,
		    dest);
		return -1;
	}
	char *real = realpath(src, NULL);
	if (real == NULL) {
		warn("%s (%s): %s", name, from, src);
		return -1;
	}
	char *d = normal_dest(dest ? dest : src);
	if (d == NULL) {
		warnx("%s (%s): %s: cannot be bound there (/, below /proc, or a . or .. in it)",
		    name, from, dest ? dest : src);
		free(real);
		return -1;
	}
	if (dest_taken(sp, d)) {
		warnx("%s (%s): %s is bound twice", name, from, d);
		free(real);
		free(d);
		return -1;
	}
	split_add(sp, d, real, name, REPLACE_ANY, ro);
	sp->v[sp->n - 1].asked = 1;
	return 0;
}

/* The binds of a list setting (SIDEBUNDLE_BIND, SIDEBUNDLE_RO_BIND). */
static int
bind_list(const struct launch *l, struct splits *sp, const char *name, int ro)
{
	const char *from, *list = setting_from(l, name, &from), *p = list;
	char *src, *dest;
	int rc;

	if (list == NULL)
		return 0;
	while ((rc = sb_bind_next(&p, &src, &dest)) > 0) {
		rc = bind_one(sp, name, from, src, dest, ro);
		free(src);
		free(dest);
		if (rc < 0)
			return -1;
	}
	if (rc < 0 && errno == ENOMEM)
		err(EXIT_CANNOT_RUN, NULL);
	if (rc < 0) {
		warnx("%s=%s (%s): want SRC[:DEST] items separated by ',' (a \\ before a ',', ':' "
		      "or \\ of a path)",
		    name, list, from);
		return -1;
	}
	return 0;
}

int
binds_asked(const struct launch *l, struct splits *sp, const char **workspace)
{
	const char *from, *ws = setting_from(l, SB_ENV_WORKSPACE, &from);
	struct stat st;

	*workspace = NULL;
	if (ws != NULL && *ws != '\0') {
		char *real = realpath(ws, NULL);
		if (real == NULL || stat(real, &st) < 0) {
			warn(SB_ENV_WORKSPACE " (%s): %s", from, ws);
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			warnx(SB_ENV_WORKSPACE " (%s): %s: not a directory", from, ws);
			return -1;
		}
		split_add(sp, SB_WORKSPACE_DIR, real, SB_ENV_WORKSPACE, REPLACE_ANY, 0);
		sp->v[sp->n - 1].asked = 1;
		*workspace = real;
	}
	if (bind_list(l, sp, SB_ENV_BIND, 0) < 0 || bind_list(l, sp, SB_ENV_RO_BIND, 1) < 0)
		return -1;
	return 0;
}

static size_t
depth(const char *path)
{
	size_t n = 0;
	for (; *path; path++)
		n += *path == '/';
	return n;
}

void
binds_order(struct splits *sp, size_t from)
{
	/* insertion sort by depth: stable, and there are a handful */
	for (size_t i = from + 1; i < sp->n; i++) {
		struct split s = sp->v[i];
		size_t j = i, d = depth(s.path);
		while (j > from && depth(sp->v[j - 1].path) > d) {
			sp->v[j] = sp->v[j - 1];
			j--;
		}
		sp->v[j] = s;
	}
}
