/*
 * An image's files in a directory or an archive: see imgsrc.h.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgsrc.h"
#include "path.h"

/* Links followed from one member to another, at most. */
#define MEMBER_HOPS 8
/* An image archive holds a few files per layer: more is not one (and
 * the index is searched linearly). */
#define MEMBERS_MAX 20000

/* name cleaned for the index: leading "./" and '/' and "." components
 * dropped, '/' runs collapsed, ".." kept lexical (never above the
 * archive's top).  Links inside an archive only ever name other
 * members, so nothing here is a path on our file system. */
static char *
clean_name(const char *base, const char *name)
{
	size_t n;
	char *p = path_normalize(base, strlen(base), name, strlen(name), &n);

	if (p == NULL)
		return NULL;
	memmove(p, p + 1, n); /* drop the leading '/' */
	return p;
}

static void
members_free(struct imgsrc *s)
{
	for (size_t i = 0; i < s->nm; i++) {
		free(s->m[i].name);
		free(s->m[i].link);
	}
	free(s->m);
	s->m = NULL;
	s->nm = 0;
}

int
imgsrc_open_dir(struct imgsrc *s, const char *dir, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* A reader of the archive file with the filters a saved image may have:
 * none, gzip, zstd, all built into libarchive (never an external
 * program). */
static struct archive *
archive_open_file(const char *file, char *err, size_t errlen)
{
	struct archive *a = archive_read_new();

	if (a == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK) {
		snprintf(err, errlen, "libarchive cannot read tar, gzip and zstd by itself: %s",
		    archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	if (archive_read_open_filename(a, file, 65536) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static struct src_member *
find_member(const struct imgsrc *s, const char *name)
{
	for (size_t i = 0; i < s->nm; i++)
		if (strcmp(s->m[i].name, name) == 0)
			return &s->m[i];
	return NULL;
}

int
imgsrc_open_archive(struct imgsrc *s, const char *file, char *err, size_t errlen)
{
	struct archive_entry *e;
	int rc;

	memset(s, 0, sizeof *s);
	s->dirfd = -1;
	struct archive *a = archive_open_file(file, err, errlen);
	if (a == NULL)
		return -1;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		if (name == NULL)
			continue;
		char *c = clean_name("/", name);
		if (c == NULL)
			goto nomem;
		if (*c == '\0') {
			free(c);
			continue;
		}
		if (s->nm >= MEMBERS_MAX) {
			free(c);
			snprintf(err, errlen, "%s: more than %d members: not an image archive",
			    file, MEMBERS_MAX);
			goto fail;
		}
		struct src_member *dup = find_member(s, c);
		if (dup != NULL) {
			dup->count++;
			free(c);
			continue;
		}
		struct src_member *v = reallocarray(s->m, s->nm + 1, sizeof *v);
		if (v == NULL) {
			free(c);
			goto nomem;
		}
		s->m = v;
		struct src_member *m = memset(&v[s->nm++], 0, sizeof *v);
		m->name = c;
		m->count = 1;
		const char *hl = archive_entry_hardlink(e);
		const char *sl = archive_entry_symlink(e);
		if (hl != NULL) {
			m->link = clean_name("/", hl);
		} else if (sl != NULL && archive_entry_filetype(e) == AE_IFLNK) {
			/* relative to the member's own directory */
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "/%s", c);
			*strrchr(dir, '/') = '\0';
			m->link = clean_name(dir[0] ? dir : "/", sl);
		} else {
			m->regular = archive_entry_filetype(e) == AE_IFREG;
		}
		if ((hl != NULL || (sl != NULL && archive_entry_filetype(e) == AE_IFLNK)) &&
		    m->link == NULL)
			goto nomem;
	}
	if (rc != ARCHIVE_EOF) {
		snprintf(err, errlen, "%s: %s", file, archive_error_string(a));
		goto fail;
	}
	archive_read_free(a);
	if ((s->file = strdup(file)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		members_free(s);
		return -1;
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
fail:
	archive_read_free(a);
	members_free(s);
	return -1;
}

void
imgsrc_close(struct imgsrc *s)
{
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
	free(s->file);
	s->file = NULL;
	members_free(s);
}

/* Open name in the directory, one component at a time, never through a
 * symbolic link; a regular file only. */
static int
dir_open(int dirfd, const char *name)
{
	char comp[NAME_MAX + 1];
	int fd = dup(dirfd), nfd;

	for (const char *s = name; fd >= 0;) {
		size_t n = strcspn(s, "/");
		if (n == 0 || n > NAME_MAX) {
			close(fd);
			errno = n == 0 ? EINVAL : ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, s, n);
		comp[n] = '\0';
		int last = s[n] == '\0';
		nfd = openat(fd, comp,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY));
		close(fd);
		fd = nfd;
		if (last)
			break;
		s += n + 1;
	}
	struct stat st;
	if (fd >= 0) {
		int e = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
		if (e == 0 && fcntl(fd, F_SETFL, 0) < 0)
			e = errno;
		if (e != 0) {
			close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

/* The member name leads to, through links; NULL with errno. */
static const struct src_member *
resolve_member(const struct imgsrc *s, const char *name)
{
	const struct src_member *m = find_member(s, name);

	for (int hops = 0; m != NULL && m->link != NULL; hops++) {
		if (hops == MEMBER_HOPS || m->count > 1) {
			errno = m->count > 1 ? EEXIST : ELOOP;
			return NULL;
		}
		m = find_member(s, m->link);
	}
	if (m == NULL)
		errno = ENOENT;
	else if (m->count > 1)
		errno = EEXIST;
	else if (!m->regular)
		errno = EINVAL;
	else
		return m;
	return NULL;
}

int
imgsrc_has(struct imgsrc *s, const char *name)
{
	if (s->file != NULL)
		return resolve_member(s, name) != NULL;
	int fd = dir_open(s->dirfd, name);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static const char *
member_why(int e)
{
	switch (e) {
	case EEXIST:
		return "two members of the archive have this name";
	case ELOOP:
		return "too many links between members";
	case EINVAL:
		return "not a regular file";
	default:
		return strerror(e);
	}
}

int
blob_open(struct imgsrc *s, const char *name, uint64_t limit, struct blob *b, char *err,
    size_t errlen)
{
	struct archive_entry *e;
	int rc;

	memset(b, 0, sizeof *b);
	b->fd = -1;
	b->limit = limit;
	SHA256Init(&b->sha);
	if (s->file == NULL) {
		if ((b->fd = dir_open(s->dirfd, name)) < 0) {
			int en = errno;
			snprintf(err, errlen, "%s: %s", name,
			    errno == EINVAL ? "not a regular file" : strerror(errno));
			errno = en;
			return -1;
		}
		return 0;
	}
	const struct src_member *m = resolve_member(s, name);
	if (m == NULL) {
		int en = errno;
		snprintf(err, errlen, "%s: %s", name, member_why(en));
		errno = en;
		return -1;
	}
	if ((b->a = archive_open_file(s->file, err, errlen)) == NULL)
		return -1;
	while ((rc = archive_read_next_header(b->a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		const char *n = archive_entry_pathname(e);
		char *c = n ? clean_name("/", n) : NULL;
		int hit = c != NULL && strcmp(c, m->name) == 0;
		free(c);
		if (hit)
			return 0;
	}
	snprintf(err, errlen, "%s: %s: %s", s->file, m->name,
	    rc == ARCHIVE_EOF ? "gone from the archive" : archive_error_string(b->a));
	archive_read_free(b->a);
	b->a = NULL;
	errno = EIO;
	return -1;
}

long
blob_read(struct blob *b, void *buf, size_t len)
{
	long n;

	/* An end is final: libarchive can say 0 and then give the data of
	 * a damaged sparse member, which blob_finish would hash although
	 * what was returned before ended (and a file may grow).  What is
	 * hashed must be exactly what was returned. */
	if (b->eof)
		return 0;
	if (b->n == b->limit) {
		/* one byte more says whether there is more */
		char c;
		n = b->a ? (long)archive_read_data(b->a, &c, 1) : (long)read(b->fd, &c, 1);
		if (n > 0)
			errno = EFBIG;
		else if (n < 0 && b->a)
			errno = EIO;
		b->eof = n == 0;
		return n == 0 ? 0 : -1;
	}
	if (len > b->limit - b->n)
		len = (size_t)(b->limit - b->n);
	do {
		n = b->a ? (long)archive_read_data(b->a, buf, len) : (long)read(b->fd, buf, len);
	} while (n < 0 && b->a == NULL && errno == EINTR);
	if (n < 0) {
		if (b->a)
			errno = EIO;
		return -1;
	}
	b->eof = n == 0;
	SHA256Update(&b->sha, buf, (size_t)n);
	b->n += (uint64_t)n;
	return n;
}

int
blob_finish(struct blob *b, char hex[65], uint64_t *size)
{
	char buf[65536];
	long n;

	while ((n = blob_read(b, buf, sizeof buf)) > 0)
		;
	if (n < 0)
		return -1;
	SHA256End(&b->sha, hex);
	*size = b->n;
	return 0;
}

void
blob_close(struct blob *b)
{
	if (b->fd >= 0)
		close(b->fd);
	if (b->a)
		archive_read_free(b->a);
	b->fd = -1;
	b->a = NULL;
}

int
imgsrc_slurp(struct imgsrc *s, const char *name, uint64_t limit, char **buf, size_t *len,
    char hex[65], char *err, size_t errlen)
{
	struct blob b;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	long r;

	*buf = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (blob_open(s, name, limit, &b, err, errlen) < 0) {
		free(p);
		return -1;
	}
	for (;;) {
		if (cap - n < 2) {
			char *q = realloc(p, cap * 2);
			if (q == NULL)
				goto fail;
			p = q;
			cap *= 2;
		}
		if ((r = blob_read(&b, p + n, cap - n - 1)) <= 0)
			break;
		n += (size_t)r;
	}
	uint64_t size;
	if (r < 0 || blob_finish(&b, hex, &size) < 0)
		goto fail;
	blob_close(&b);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", name,
	    errno == EFBIG ? "larger than any such file should be" : strerror(errno));
	blob_close(&b);
	free(p);
	return -1;
}
