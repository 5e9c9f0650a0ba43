/*
 * Writing payload/: every item of the closure at its payload path.
 *
 * Safety: everything is created relative to a directory descriptor that
 * was reached from payload/ one component at a time with O_NOFOLLOW, and
 * with O_CREAT|O_EXCL, mkdirat or symlinkat, none of which follows a link
 * in its last component.  A symlink in the payload (we write them, with
 * whatever text the source had) therefore never redirects a write, and
 * nothing can land outside the build directory.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "create.h"
#include "layout.h"
#include "payload.h"

struct writer {
	struct closure *c;
	int payfd;
	char cached[PATH_MAX]; /* the directory cachefd is */
	int cachefd;
	struct strmap dedup; /* "sha256:mode" -> first item */
	size_t linked, copies;
};

static int
cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->path, ((const struct item *)b)->path);
}

int
payload_open_dir(int payfd, const char *dir)
{
	int fd = openat(payfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char comp[NAME_MAX + 1];

	for (const char *s = dir; fd >= 0;) {
		s += strspn(s, "/");
		if (*s == '\0')
			break;
		size_t n = strcspn(s, "/");
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, s, n);
		comp[n] = '\0';
		s += n;
		int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = nfd;
	}
	return fd;
}

/* The descriptor of path's parent directory (cached: items come sorted,
 * so neighbours mostly share it); *base gets the last component. */
static int
parent_fd(struct writer *w, const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t dl = (size_t)(slash - path);
	char dir[PATH_MAX];

	*base = slash + 1;
	if (dl == 0)
		dl = 1; /* the parent is the payload root */
	if (dl >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	if (w->cachefd >= 0 && strcmp(dir, w->cached) == 0)
		return w->cachefd;
	if (w->cachefd >= 0)
		close(w->cachefd);
	w->cachefd = payload_open_dir(w->payfd, dir);
	if (w->cachefd >= 0)
		strlcpy(w->cached, dir, sizeof w->cached);
	return w->cachefd;
}

/* Copy the source of it to pfd/base while hashing it. */
static int
copy_file(struct writer *w, struct item *it, int pfd, const char *base)
{
	static unsigned char buf[1 << 16];
	int in =
	    openat(w->c->rootfd, it->src[1] ? it->src + 1 : ".", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, rc = -1;
	struct stat st;
	SHA2_CTX ctx;
	unsigned char md[SHA256_DIGEST_LENGTH];

	if (in < 0 || fstat(in, &st) < 0) {
		warn("%s%s", w->c->root, it->src);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("%s%s: no longer a regular file", w->c->root, it->src);
		goto out;
	}
	out = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		warn("payload%s", it->path);
		goto out;
	}
	SHA256Init(&ctx);
	it->size = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			warn("%s%s", w->c->root, it->src);
			goto out;
		}
		if (n == 0)
			break;
		SHA256Update(&ctx, buf, (size_t)n);
		if (sb_write_all(out, buf, (size_t)n) < 0) {
			warn("payload%s", it->path);
			goto out;
		}
		it->size += (uint64_t)n;
	}
	SHA256Final(md, &ctx);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(it->sha + 2 * i, 3, "%02x", md[i]);
	it->mode = st.st_mode & 07777;
	if (it->mode & (S_ISUID | S_ISGID)) {
		warnx("%s: set-user/group-ID bit dropped in the bundle", it->src);
		it->mode &= ~(unsigned)(S_ISUID | S_ISGID);
	}
	/* the modification time is kept for programs that compare it (a
	 * Python .pyc records its source's); it is not in the manifest */
	it->mtime = st.st_mtim;
	it->has_mtime = 1;
	struct timespec ts[2] = { st.st_mtim, st.st_mtim };
	if (fchmod(out, it->mode) < 0 || futimens(out, ts) < 0) {
		warn("payload%s", it->path);
		goto out;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && rc == 0) {
		warn("payload%s", it->path);
		rc = -1;
	}
	return rc;
}

/*
 * Identical content with the same mode and mtime is stored once: the
 * later copies become hard links to the first.  Different modes or
 * mtimes are never merged (a link shares the inode, and so both; two
 * empty __init__.py of different ages must keep their own, or the .pyc
 * beside one goes stale).  When linking is refused (EMLINK, EXDEV, EPERM
 * on some filesystems) the copy is written again.
 */
static int
dedup(struct writer *w, struct item *it, size_t idx, int pfd, const char *base)
{
	char key[128];
	int added;

	snprintf(key, sizeof key, "%s:%04o:%lld.%09ld", it->sha, it->mode,
	    (long long)it->mtime.tv_sec, (long)it->mtime.tv_nsec);
	size_t *first = strmap_put(&w->dedup, key, idx, &added);
	if (first == NULL) {
		warn("payload%s", it->path);
		return -1;
	}
	if (added)
		return 0;
	const struct item *f = &w->c->items[*first];
	const char *fbase = strrchr(f->path, '/') + 1;
	char fdir[PATH_MAX];
	size_t dl = (size_t)(fbase - 1 - f->path);
	memcpy(fdir, f->path, dl ? dl : 1);
	fdir[dl ? dl : 1] = '\0';
	int ffd = payload_open_dir(w->payfd, fdir);
	if (ffd < 0) {
		warn("payload%s", fdir);
		return -1;
	}
	int rc = unlinkat(pfd, base, 0);
	if (rc == 0 && linkat(ffd, fbase, pfd, base, 0) < 0) {
		if (errno != EMLINK && errno != EXDEV && errno != EPERM) {
			warn("payload%s", it->path);
			rc = -1;
		} else {
			rc = copy_file(w, it, pfd, base);
			w->copies++;
		}
	} else if (rc == 0) {
		w->linked++;
	} else {
		warn("payload%s", it->path);
	}
	close(ffd);
	return rc;
}

static int
write_item(struct writer *w, size_t idx)
{
	struct item *it = &w->c->items[idx];
	const char *base;
	int pfd = parent_fd(w, it->path, &base);

	if (pfd < 0) {
		warn("payload%s: parent directory", it->path);
		return -1;
	}
	switch (it->type) {
	case MF_DIR:
		/* writable while we fill it; its mode is set at the end */
		if (mkdirat(pfd, base, 0700) < 0) {
			warn("payload%s", it->path);
			return -1;
		}
		return 0;
	case MF_SYMLINK:
		if (symlinkat(it->target, pfd, base) < 0) {
			warn("payload%s", it->path);
			return -1;
		}
		if (it->has_mtime) {
			struct timespec ts[2] = { it->mtime, it->mtime };
			if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0) {
				warn("payload%s", it->path);
				return -1;
			}
		}
		return 0;
	case MF_FILE:
		if (copy_file(w, it, pfd, base) < 0)
			return -1;
		return dedup(w, it, idx, pfd, base);
	}
	return -1;
}

/*
 * Give directories their modes and the host's mtimes, deepest first
 * (the items are sorted), once everything inside was written: a
 * read-only directory is closed only after it was filled, and a
 * directory's mtime is set after the last entry made in it (fontconfig
 * checks its caches against it).
 */
static int
fix_dirs(struct writer *w)
{
	for (size_t i = w->c->n; i-- > 0;) {
		const struct item *it = &w->c->items[i];
		struct timespec ts[2] = { it->mtime, it->mtime };
		if (it->type != MF_DIR)
			continue;
		int fd = payload_open_dir(w->payfd, it->path);
		if (fd < 0 || fchmod(fd, it->mode) < 0 || (it->has_mtime && futimens(fd, ts) < 0)) {
			warn("payload%s", it->path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return fchmod(w->payfd, 0755);
}

int
payload_write(struct closure *c, int buildfd)
{
	struct writer w = { .c = c, .payfd = -1, .cachefd = -1 };
	int rc = -1;

	/* sorted, a directory comes before everything inside it */
	qsort(c->items, c->n, sizeof *c->items, cmp_item);
	for (size_t i = 0; i < c->n; i++) {
		size_t *v = strmap_get(&c->index, c->items[i].path);
		if (v)
			*v = i;
	}
	if (mkdirat(buildfd, SB_LAYOUT_PAYLOAD, 0700) < 0 ||
	    (w.payfd = openat(buildfd, SB_LAYOUT_PAYLOAD,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		warn(SB_LAYOUT_PAYLOAD);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (sb_interrupted || write_item(&w, i) < 0)
			goto out;
	}
	if (w.cachefd >= 0)
		close(w.cachefd);
	w.cachefd = -1;
	if (fix_dirs(&w) < 0)
		goto out;
	rc = 0;
out:
	if (w.cachefd >= 0)
		close(w.cachefd);
	close(w.payfd);
	strmap_free(&w.dedup);
	return rc;
}

int
tree_remove(int parent, const char *name)
{
	struct stat st;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0);
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* a read-only directory of ours must be writable to empty it */
	if ((st.st_mode & 0700) != 0700 && fchmod(fd, 0700) < 0) {
		close(fd);
		return -1;
	}
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = tree_remove(dirfd(d), de->d_name);
	}
	closedir(d);
	if (rc == 0)
		rc = unlinkat(parent, name, AT_REMOVEDIR);
	return rc;
}
