#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathglob.h"

/*
 * Globs for --include and --exclude.  fnmatch(3) with FNM_PATHNAME has no
 * "**", and glob(3) follows symlinks and would read the host instead of
 * -r ROOT, so both the matcher and the walker are here: '*', '?' and
 * '[...]' work inside one component, a component "**" stands for any
 * number of components (none included).
 */

static int
has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Copy the component at *s into buf and advance *s past it and its '/'. */
static int
take(const char **s, char *buf, size_t len)
{
	size_t n = strcspn(*s, "/");

	if (n >= len)
		return -1;
	memcpy(buf, *s, n);
	buf[n] = '\0';
	*s += n;
	if (**s == '/')
		(*s)++;
	return 0;
}

static int
match(const char *p, const char *s)
{
	char pc[NAME_MAX * 2 + 1], sc[NAME_MAX * 2 + 1];

	for (;;) {
		if (*p == '\0')
			return *s == '\0';
		if (strncmp(p, "**", 2) == 0 && (p[2] == '/' || p[2] == '\0')) {
			const char *rest = p[2] ? p + 3 : p + 2;
			if (*rest == '\0')
				return 1;
			for (const char *t = s;;) {
				if (match(rest, t))
					return 1;
				if ((t = strchr(t, '/')) == NULL)
					return 0;
				t++;
			}
		}
		if (*s == '\0')
			return 0;
		int pend = strchr(p, '/') == NULL, send = strchr(s, '/') == NULL;
		if (take(&p, pc, sizeof pc) < 0 || take(&s, sc, sizeof sc) < 0)
			return 0;
		if (fnmatch(pc, sc, 0) != 0)
			return 0;
		if (pend || send)
			return pend && send && *p == '\0' && *s == '\0';
	}
}

int
glob_match(const char *pat, const char *path)
{
	while (*pat == '/')
		pat++;
	while (*path == '/')
		path++;
	return match(pat, path);
}

struct gw {
	int rootfd;
	int nofollow;
	int (*fn)(const char *, void *);
	void *arg;
};

static int gw_dir(struct gw *g, const char *dir, const char *pat);

static int
join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
is_dir(struct gw *g, const char *path)
{
	struct stat st;
	return fstatat(g->rootfd, path[1] ? path + 1 : ".", &st,
		   g->nofollow ? AT_SYMLINK_NOFOLLOW : 0) == 0 &&
	    S_ISDIR(st.st_mode);
}

/* Call fn on every name in dir (sorted, so output is reproducible) that
 * matches comp, then go on with rest below the directories among them. */
static int
gw_list(struct gw *g, const char *dir, const char *comp, const char *rest, int all)
{
	struct dirent **names;
	int n = scandirat(g->rootfd, dir[1] ? dir + 1 : ".", &names, NULL, alphasort);
	int rc = 0;

	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		const char *nm = names[i]->d_name;
		if (rc == 0 && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0 &&
		    (all || fnmatch(comp, nm, 0) == 0) && join(path, sizeof path, dir, nm) == 0) {
			if (all) {
				struct stat st;
				/* "**" never follows a link: no loops */
				rc = g->fn(path, g->arg);
				if (rc == 0 &&
				    fstatat(g->rootfd, path + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode))
					rc = gw_list(g, path, NULL, NULL, 1);
			} else if (rest == NULL) {
				rc = g->fn(path, g->arg);
			} else if (is_dir(g, path)) {
				rc = gw_dir(g, path, rest);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
gw_dir(struct gw *g, const char *dir, const char *pat)
{
	char comp[NAME_MAX + 1], path[PATH_MAX];
	const char *rest = pat;

	while (*rest == '/')
		rest++;
	if (take(&rest, comp, sizeof comp) < 0)
		return 0;
	if (*rest == '\0')
		rest = NULL;
	if (strcmp(comp, "**") == 0) {
		if (rest == NULL)
			return gw_list(g, dir, NULL, NULL, 1);
		int rc = gw_dir(g, dir, rest);
		struct dirent **names;
		int n =
		    rc ? -1 : scandirat(g->rootfd, dir[1] ? dir + 1 : ".", &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			struct stat st;
			const char *nm = names[i]->d_name;
			if (rc == 0 && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0 &&
			    join(path, sizeof path, dir, nm) == 0 &&
			    fstatat(g->rootfd, path + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode))
				rc = gw_dir(g, path, pat);
			free(names[i]);
		}
		if (n >= 0)
			free(names);
		return rc;
	}
	if (has_magic(comp))
		return gw_list(g, dir, comp, rest, 0);
	if (join(path, sizeof path, dir, comp) < 0)
		return 0;
	if (rest == NULL) {
		struct stat st;
		if (fstatat(g->rootfd, path + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		return g->fn(path, g->arg);
	}
	return is_dir(g, path) ? gw_dir(g, path, rest) : 0;
}

int
glob_walk(int rootfd, const char *pat, int (*fn)(const char *, void *), void *arg)
{
	struct stat rst, hst;
	struct gw g = { rootfd, 0, fn, arg };

	/* under -r ROOT an absolute link would be read on the host: do not
	 * follow links while listing there (closure_add resolves them) */
	if (fstat(rootfd, &rst) < 0 || stat("/", &hst) < 0)
		return -1;
	g.nofollow = rst.st_dev != hst.st_dev || rst.st_ino != hst.st_ino;
	if (pat[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	return gw_dir(&g, "/", pat);
}
