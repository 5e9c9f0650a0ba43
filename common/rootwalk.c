/*
 * The root walker: see rootwalk.h.  The reference is the kernel's
 * path walk (fs/namei.c) with the root pinned: "." and ".." are
 * lexical on the resolved prefix, which holds no symbolic link, so
 * ".." after a link goes to the parent of where the link led.
 */
#include <errno.h>
#include <string.h>

#include "rootwalk.h"

/* Keep rest as from p on (the part not walked), for the caller. */
static int
fail_at(struct sb_walk *w, const char *p, int e)
{
	memmove(w->rest, p, strlen(p) + 1);
	errno = e;
	return -1;
}

static void
pop(struct sb_walk *w)
{
	while (w->len > w->rootlen && w->path[w->len - 1] != '/')
		w->len--;
	if (w->len > w->rootlen)
		w->len--;
	w->path[w->len] = '\0';
}

/* Put the text of the link at the front of what is left (from e). */
static int
splice(struct sb_walk *w, const char *link, size_t ln, const char *e)
{
	size_t el = strlen(e);

	if (ln + el + 1 > sizeof w->rest) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(w->rest + ln, e, el + 1); /* e points into rest */
	memcpy(w->rest, link, ln);
	return 0;
}

int
sb_walk(struct sb_walk *w, const struct sb_walk_ops *ops, void *ctx, const char *root,
    const char *path, unsigned flags)
{
	char link[SB_WALK_MAX];
	size_t rl = strlen(root), n = strlen(path);
	int isdir = 1, have_st = 0; /* w->st is of w->path */
	char *p;

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	w->links = 0;
	w->rest[0] = '\0';
	if (rl >= sizeof w->path || n >= sizeof w->rest) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w->path, root, rl);
	w->path[rl] = '\0';
	w->rootlen = w->len = rl;
	memcpy(w->rest, path, n + 1);
	for (p = w->rest;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *e = p;
		while (*e != '\0' && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		const char *q = e;
		while (*q == '/')
			q++;
		int last = *q == '\0', slash = *e == '/';
		if (!isdir)
			return fail_at(w, p, ENOTDIR);
		if (cl == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			pop(w);
			have_st = 0;
			p = e;
			continue;
		}
		size_t prev = w->len;
		if (prev + 1 + cl >= sizeof w->path)
			return fail_at(w, p, ENAMETOOLONG);
		w->path[prev] = '/';
		memcpy(w->path + prev + 1, p, cl);
		w->len = prev + 1 + cl;
		w->path[w->len] = '\0';
		if (ops->lstat(ctx, w->path, &w->st) < 0) {
			int err = errno;
			w->len = prev;
			w->path[prev] = '\0';
			return fail_at(w, p, err);
		}
		if (S_ISLNK(w->st.st_mode) && (!last || slash || !(flags & SB_WALK_NOFOLLOW))) {
			/* on failure, path is what resolved before the link */
			long ln = ++w->links > SB_WALK_LINKS
			    ? (errno = ELOOP, -1)
			    : ops->readlink(ctx, w->path, link, sizeof link - 1);
			if (ln <= 0) {
				int err = ln == 0 ? ENOENT : errno; /* "": leads nowhere */
				w->len = prev;
				w->path[prev] = '\0';
				return fail_at(w, p, err);
			}
			link[ln] = '\0';
			if (ops->visit != NULL && ops->visit(ctx, w->path, &w->st, link) < 0)
				return -1;
			if (splice(w, link, (size_t)ln, e) < 0)
				return -1;
			p = w->rest;
			w->len = link[0] == '/' ? w->rootlen : prev;
			w->path[w->len] = '\0';
			isdir = 1;
			have_st = 0;
			continue;
		}
		if (ops->visit != NULL && ops->visit(ctx, w->path, &w->st, NULL) < 0)
			return -1;
		isdir = S_ISDIR(w->st.st_mode);
		have_st = 1;
		if (last && slash && !isdir)
			return fail_at(w, p, ENOTDIR);
		p = e;
	}
	w->rest[0] = '\0';
	/* where ".." or a link last led (the root itself included) */
	if (!have_st && ops->lstat(ctx, w->len > 0 ? w->path : "/", &w->st) < 0)
		return -1;
	return 0;
}
