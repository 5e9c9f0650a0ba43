/*
 * Unpacking layers into a root: see layer.h for the rules.  Two
 * libarchive readers are chained: the first undoes the compression (raw
 * format: the bytes of the tar stream, which we hash for the diff_id
 * and count against the cap), the second reads that stream as tar.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdio.h"
#include "create.h"
#include "layer.h"
#include "manifest.h"
#include "payload.h"
#include "rootwalk.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh." /* aufs bookkeeping (plnk, aufs): skipped */

__attribute__((format(printf, 2, 3))) static int
fail(struct unpack *u, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(u->err, sizeof u->err, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

/* --- resolving inside the root --------------------------------------- */

static const char *
rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static int
rw_lstat(void *ctx, const char *p, struct stat *st)
{
	return fstatat(*(int *)ctx, rel(p), st, AT_SYMLINK_NOFOLLOW);
}

static long
rw_readlink(void *ctx, const char *p, char *buf, size_t size)
{
	return (long)readlinkat(*(int *)ctx, rel(p), buf, size);
}

/* Open the real path (no link in it, by construction) so that the
 * kernel refuses a link anyway: openat2 where there is one, else one
 * component at a time with O_NOFOLLOW. */
static int
open_real(int rootfd, const char *real)
{
	static int no_openat2;
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	if (!no_openat2) {
		long fd = syscall(SYS_openat2, rootfd, rel(real), &how, sizeof how);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
			return (int)fd;
		no_openat2 = 1; /* an old kernel, or a filter that refuses it */
	}
	return payload_open_dir(rootfd, real);
}

int
layer_open_dir(int rootfd, const char *path, int create, char *real, size_t reallen)
{
	static const struct sb_walk_ops ops = { rw_lstat, rw_readlink, NULL };
	struct sb_walk w;
	char name[NAME_MAX + 1];

	/* each round makes one missing directory, so this ends */
	for (int round = 0; round < SB_WALK_MAX; round++) {
		if (sb_walk(&w, &ops, &rootfd, "", path, 0) == 0) {
			if (!S_ISDIR(w.st.st_mode)) {
				errno = ENOTDIR;
				return -1;
			}
			if (snprintf(real, reallen, "%s", w.len ? w.path : "/") >= (int)reallen) {
				errno = ENAMETOOLONG;
				return -1;
			}
			return open_real(rootfd, real);
		}
		if (errno != ENOENT || !create)
			return -1;
		/* w.path resolved; the first component of w.rest is missing
		 * there (a plain name, or one from a dangling link's text) */
		const char *s = w.rest + strspn(w.rest, "/");
		size_t n = strcspn(s, "/");
		if (n == 0 || n > NAME_MAX || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.')) {
			errno = ENOENT;
			return -1;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		int dfd = open_real(rootfd, w.len ? w.path : "/");
		if (dfd < 0)
			return -1;
		int rc = mkdirat(dfd, name, 0755);
		int e = errno;
		close(dfd);
		if (rc < 0) {
			errno = e;
			return -1;
		}
	}
	errno = ELOOP;
	return -1;
}

/* --- names --------------------------------------------------------------- */

/*
 * The entry's name as components joined by '/', without "." and empty
 * components; -1 for an absolute name or one with "..": a layer is
 * relative to its root and never climbs (a name "usr/../x" is not
 * something a real image holds, so it is refused, not interpreted).
 */
static int
clean(const char *name, char *out, size_t outlen)
{
	size_t o = 0;

	if (name[0] == '/')
		return -1;
	for (const char *s = name; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -1;
		if (n > 0 && !(n == 1 && s[0] == '.')) {
			if (o + n + 2 > outlen)
				return -1;
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
		s += strspn(s, "/");
	}
	out[o] = '\0';
	return 0;
}

/* Split "a/b/c" into parent "a/b" (or "") and base "c", in place. */
static void
split(char *path, const char **parent, const char **base)
{
	char *s = strrchr(path, '/');

	if (s == NULL) {
		*parent = "";
		*base = path;
	} else {
		*s = '\0';
		*parent = path;
		*base = s + 1;
	}
}

static int
join(char *out, size_t len, const char *dir, const char *base)
{
	int n = snprintf(out, len, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, base);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* --- the side table ------------------------------------------------------ */

static char
type_char(mode_t t)
{
	switch (t) {
	case AE_IFDIR:
		return 'd';
	case AE_IFLNK:
		return 'l';
	case AE_IFCHR:
		return 'c';
	case AE_IFBLK:
		return 'b';
	case AE_IFIFO:
		return 'p';
	case AE_IFSOCK:
		return 's';
	default:
		return 'f';
	}
}

/* One line "TYPE UID GID MODE PATH" when the root does not keep what
 * the layer said: an owner but root, a mode we changed, an entry left
 * out. */
static int
note_owner(struct unpack *u, struct archive_entry *e, const char *real, unsigned kept, int left_out)
{
	unsigned mode = archive_entry_perm(e) & 07777;
	int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);

	if (u->owners == NULL || (uid == 0 && gid == 0 && mode == kept && !left_out))
		return 0;
	char *esc = mf_escape(real);
	if (esc == NULL)
		return -1;
	int rc = fprintf(u->owners, "%c %lld %lld %04o %s\n", type_char(archive_entry_filetype(e)),
	    (long long)uid, (long long)gid, mode, esc);
	free(esc);
	return rc < 0 ? -1 : 0;
}

/* --- entries ------------------------------------------------------------- */

/* real, and every directory above it, as made by this layer: an
 * opaque whiteout later in the layer keeps them (the directories the
 * layer's names implied without entries of their own too). */
static int
mark(struct unpack *u, const char *real)
{
	char buf[PATH_MAX];
	size_t n = strlen(real), len = n;
	int added;

	if (n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, real, n + 1);
	while (n > 0) {
		if (strmap_put(&u->layer, buf, 0, &added) == NULL)
			return -1;
		if (!added && n != len)
			break; /* and so are the directories above it */
		while (n > 0 && buf[n - 1] != '/')
			n--;
		if (n > 0)
			n--;
		buf[n] = '\0';
	}
	return 0;
}

static int
note_dirtime(struct unpack *u, const char *real, struct archive_entry *e)
{
	int added;
	size_t *slot = strmap_put(&u->dirs, real, u->ndirs, &added);

	if (slot == NULL)
		return -1;
	if (added) {
		struct timespec *t = reallocarray(u->dirtimes, u->ndirs + 1, sizeof *t);
		if (t == NULL)
			return -1;
		u->dirtimes = t;
		u->ndirs++;
	}
	u->dirtimes[*slot].tv_sec = archive_entry_mtime(e);
	u->dirtimes[*slot].tv_nsec = archive_entry_mtime_nsec(e);
	return 0;
}

static int
make_file(struct unpack *u, struct archive *t, struct archive_entry *e, int pfd, const char *base,
    const char *real)
{
	char buf[65536];
	la_ssize_t n;
	unsigned kept = (archive_entry_perm(e) & 0777) | 0600;
	struct timespec ts[2] = { { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };

	ts[1] = ts[0];
	if (tree_remove(pfd, base) < 0)
		return fail(u, "%s: removing what was there: %s", real, strerror(errno));
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(u, "%s: %s", real, strerror(errno));
	while ((n = archive_read_data(t, buf, sizeof buf)) > 0) {
		u->written += (uint64_t)n;
		if (u->written > u->max_bytes) {
			close(fd);
			errno = EFBIG;
			return fail(u, "%s: the image is larger than %llu bytes unpacked", real,
			    (unsigned long long)u->max_bytes);
		}
		if (sb_write_all(fd, buf, (size_t)n) < 0) {
			close(fd);
			return fail(u, "%s: %s", real, strerror(errno));
		}
	}
	if (n < 0) {
		close(fd);
		errno = EIO;
		if (u->streamed > u->max_bytes)
			return -1; /* tar_read said why */
		return fail(u, "%s: %s", real, archive_error_string(t));
	}
	if (fchmod(fd, kept) < 0 || futimens(fd, ts) < 0 || close(fd) < 0)
		return fail(u, "%s: %s", real, strerror(errno));
	return note_owner(u, e, real, kept, 0);
}

static int
make_dir(struct unpack *u, struct archive_entry *e, int pfd, const char *base, const char *real)
{
	struct stat st;
	unsigned kept = (archive_entry_perm(e) & 01777) | 0700;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
	    unlinkat(pfd, base, 0) < 0)
		return fail(u, "%s: removing what was there: %s", real, strerror(errno));
	if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
		return fail(u, "%s: %s", real, strerror(errno));
	int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, kept) < 0) {
		if (fd >= 0)
			close(fd);
		return fail(u, "%s: %s", real, strerror(errno));
	}
	close(fd);
	if (note_dirtime(u, real, e) < 0)
		return fail(u, "%s", strerror(errno));
	return note_owner(u, e, real, kept, 0);
}

static int
make_symlink(struct unpack *u, struct archive_entry *e, int pfd, const char *base, const char *real)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2] = { { archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };

	ts[1] = ts[0];
	if (target == NULL || *target == '\0')
		return fail(u, "%s: a symbolic link without a target", real);
	if (tree_remove(pfd, base) < 0)
		return fail(u, "%s: removing what was there: %s", real, strerror(errno));
	/* its text is kept as it is and never followed here */
	if (symlinkat(target, pfd, base) < 0 || utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(u, "%s: %s", real, strerror(errno));
	return note_owner(u, e, real, archive_entry_perm(e) & 07777, 0);
}

/* A hard link to a file or symlink already in the root, resolved as
 * any entry's name is, the link itself not followed.  Its data, if the
 * archive has any, is not written: that would write into the target. */
static int
make_hardlink(struct unpack *u, struct archive_entry *e, int pfd, const char *base,
    const char *real)
{
	char tname[PATH_MAX], treal[PATH_MAX];
	const char *tparent, *tbase;
	struct stat st, cur;

	if (clean(archive_entry_hardlink(e), tname, sizeof tname) < 0 || tname[0] == '\0')
		return fail(u, "%s: hard link to %s: outside the image's root", real,
		    archive_entry_hardlink(e));
	split(tname, &tparent, &tbase);
	int tfd = layer_open_dir(u->rootfd, tparent, 0, treal, sizeof treal);
	if (tfd < 0 || fstatat(tfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (tfd >= 0)
			close(tfd);
		return fail(u, "%s: hard link to %s: %s", real, archive_entry_hardlink(e),
		    strerror(errno));
	}
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		close(tfd);
		return fail(u, "%s: hard link to %s: %s", real, archive_entry_hardlink(e),
		    S_ISDIR(st.st_mode) ? "a directory" : "not a file");
	}
	if (fstatat(pfd, base, &cur, AT_SYMLINK_NOFOLLOW) == 0 && cur.st_dev == st.st_dev &&
	    cur.st_ino == st.st_ino) {
		close(tfd);
		return 0;
	}
	int rc = tree_remove(pfd, base) < 0 ? -1 : linkat(tfd, tbase, pfd, base, 0);
	int en = errno;
	close(tfd);
	errno = en;
	if (rc < 0)
		return fail(u, "%s: hard link to %s: %s", real, archive_entry_hardlink(e),
		    strerror(errno));
	return 0;
}

/*
 * Remove the contents of the directory dfd (real path dir) that lower
 * layers made: everything this layer did not make, and inside what it
 * did make, the same again.
 */
static int
opaque(struct unpack *u, int dfd, const char *dir)
{
	char path[PATH_MAX];
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return fail(u, "%s: %s", dir, strerror(errno));
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (join(path, sizeof path, dir, de->d_name) < 0) {
			rc = fail(u, "%s: %s", dir, strerror(errno));
			break;
		}
		if (strmap_get(&u->layer, path) == NULL) {
			if (tree_remove(dirfd(d), de->d_name) < 0)
				rc = fail(u, "%s: %s", path, strerror(errno));
			continue;
		}
		int cfd =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0) {
			rc = opaque(u, cfd, path);
			close(cfd);
		}
	}
	if (rc == 0 && errno != 0)
		rc = fail(u, "%s: %s", dir, strerror(errno));
	closedir(d);
	return rc;
}

static int
whiteout(struct unpack *u, const char *parent, const char *base)
{
	char dir[PATH_MAX], path[PATH_MAX];
	const char *victim = base + strlen(WH_PREFIX);

	if (strcmp(base, WH_OPAQUE) != 0 && strncmp(base, WH_META, strlen(WH_META)) == 0)
		return 0;
	if (strcmp(base, WH_OPAQUE) != 0 &&
	    (*victim == '\0' || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0))
		return fail(u, "%s/%s: a whiteout of nothing", parent, base);
	int dfd = layer_open_dir(u->rootfd, parent, 0, dir, sizeof dir);
	if (dfd < 0)
		return errno == ENOENT || errno == ENOTDIR
		    ? 0
		    : fail(u, "%s: %s", parent, strerror(errno));
	int rc = 0;
	if (strcmp(base, WH_OPAQUE) == 0) {
		rc = opaque(u, dfd, dir);
	} else if (join(path, sizeof path, dir, victim) < 0) {
		rc = fail(u, "%s: %s", dir, strerror(errno));
	} else if (strmap_get(&u->layer, path) == NULL && tree_remove(dfd, victim) < 0) {
		/* a whiteout hides what lower layers made, never its own */
		rc = fail(u, "%s: %s", path, strerror(errno));
	}
	close(dfd);
	return rc;
}

static int
apply_entry(struct unpack *u, struct archive *t, struct archive_entry *e)
{
	char name[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
	const char *raw = archive_entry_pathname(e), *parent, *base;
	mode_t type = archive_entry_filetype(e);

	if (raw == NULL)
		return fail(u, "an entry whose name cannot be read");
	if (++u->entries > u->max_entries)
		return fail(u, "more than %llu entries", (unsigned long long)u->max_entries);
	if (clean(raw, name, sizeof name) < 0)
		return fail(u, "%s: %s", raw,
		    raw[0] == '/'		     ? "an absolute name"
			: strlen(raw) >= sizeof name ? "a name longer than PATH_MAX"
						     : "a name that climbs out with \"..\"");
	if (name[0] == '\0') {
		/* the root itself: its mode, never anything but a directory */
		if (type != AE_IFDIR || archive_entry_hardlink(e) != NULL)
			return fail(u, "%s: the root of the image is not a directory", raw);
		unsigned kept = (archive_entry_perm(e) & 01777) | 0700;
		if (fchmod(u->rootfd, kept) < 0 || note_dirtime(u, "/", e) < 0)
			return fail(u, "/: %s", strerror(errno));
		return note_owner(u, e, "/", kept, 0);
	}
	split(name, &parent, &base);
	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0)
		return whiteout(u, parent, base);
	int left_out = archive_entry_hardlink(e) == NULL && type != AE_IFREG && type != AE_IFDIR &&
	    type != AE_IFLNK;
	int pfd = layer_open_dir(u->rootfd, parent, !left_out, dir, sizeof dir);
	if (pfd < 0) {
		if (left_out)
			goto left;
		return fail(u, "%s: its directory %s: %s", raw, parent,
		    errno == ENOTDIR ? "not a directory" : strerror(errno));
	}
	int rc;
	if (join(real, sizeof real, dir, base) < 0) {
		rc = fail(u, "%s: %s", raw, strerror(errno));
	} else if (archive_entry_hardlink(e) != NULL) {
		rc = make_hardlink(u, e, pfd, base, real);
	} else if (type == AE_IFREG) {
		rc = make_file(u, t, e, pfd, base, real);
	} else if (type == AE_IFDIR) {
		rc = make_dir(u, e, pfd, base, real);
	} else if (type == AE_IFLNK) {
		rc = make_symlink(u, e, pfd, base, real);
	} else {
		close(pfd);
		goto left;
	}
	close(pfd);
	if (rc == 0 && mark(u, real) < 0)
		rc = fail(u, "%s", strerror(errno));
	return rc;
left:
	/* device nodes, fifos, sockets: nothing an unprivileged root can
	 * hold or a bundle needs */
	u->left_out++;
	if (snprintf(real, sizeof real, "/%s%s%s", parent, *parent ? "/" : "", base) >=
		(int)sizeof real ||
	    note_owner(u, e, real, 0, 1) < 0)
		return fail(u, "%s: %s", raw, strerror(errno));
	return 0;
}

/* --- the stream ---------------------------------------------------------- */

struct pipe {
	struct unpack *u;
	struct blob *b;
	struct archive *raw; /* decompression */
	SHA2_CTX diff;
	char buf[65536];  /* compressed */
	char tbuf[65536]; /* the tar stream */
	int failed;	  /* the error is in u->err already */
};

static la_ssize_t
raw_read(struct archive *a, void *ctx, const void **buf)
{
	struct pipe *p = ctx;
	long n = blob_read(p->b, p->buf, sizeof p->buf);

	if (n < 0) {
		archive_set_error(a, errno, "%s",
		    errno == EFBIG ? "the blob is larger than its descriptor says"
				   : strerror(errno));
		return -1;
	}
	*buf = p->buf;
	return n;
}

/* The uncompressed tar stream, hashed and counted on its way. */
static la_ssize_t
tar_read(struct archive *a, void *ctx, const void **buf)
{
	struct pipe *p = ctx;
	char *data = p->tbuf;
	la_ssize_t n = archive_read_data(p->raw, data, sizeof p->tbuf);

	if (n < 0) {
		archive_set_error(a, EIO, "%s", archive_error_string(p->raw));
		return -1;
	}
	p->u->streamed += (uint64_t)n;
	if (p->u->streamed > p->u->max_bytes) {
		fail(p->u, "the image is larger than %llu bytes unpacked",
		    (unsigned long long)p->u->max_bytes);
		p->failed = 1;
		archive_set_error(a, EFBIG, "too large");
		return -1;
	}
	SHA256Update(&p->diff, (const unsigned char *)data, (size_t)n);
	*buf = data;
	return n;
}

static const char *
comp_name(int code)
{
	switch (code) {
	case ARCHIVE_FILTER_NONE:
		return "uncompressed";
	case ARCHIVE_FILTER_GZIP:
		return "gzip";
	case ARCHIVE_FILTER_ZSTD:
		return "zstd";
	default:
		return "compressed another way";
	}
}

static struct archive *
open_raw(struct unpack *u, struct pipe *p, enum layer_comp comp)
{
	static const int want[] = { [LC_NONE] = ARCHIVE_FILTER_NONE,
		[LC_GZIP] = ARCHIVE_FILTER_GZIP,
		[LC_ZSTD] = ARCHIVE_FILTER_ZSTD };
	struct archive *a = archive_read_new();
	struct archive_entry *e;

	if (a == NULL) {
		fail(u, "%s", strerror(ENOMEM));
		return NULL;
	}
	/* every filter, so a blob compressed otherwise than its media type
	 * says is recognised and refused, not read as something else */
	if (archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK) {
		fail(u, "libarchive cannot decompress gzip and zstd by itself: %s",
		    archive_error_string(a));
		goto fail;
	}
	if (archive_read_open(a, p, NULL, raw_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		fail(u, "%s", archive_error_string(a) ? archive_error_string(a) : "empty layer");
		goto fail;
	}
	int got = archive_filter_code(a, 0), n = archive_filter_count(a);
	if (comp != LC_ANY && (got != want[comp] || n != (comp == LC_NONE ? 1 : 2))) {
		fail(u, "its media type says %s, the blob is %s", comp_name(want[comp]),
		    n > 2 ? "compressed twice" : comp_name(got));
		goto fail;
	}
	if (comp == LC_ANY &&
	    (n > 2 ||
		(got != ARCHIVE_FILTER_NONE && got != ARCHIVE_FILTER_GZIP &&
		    got != ARCHIVE_FILTER_ZSTD))) {
		fail(u, "not a tar, gzip or zstd stream");
		goto fail;
	}
	return a;
fail:
	archive_read_free(a);
	return NULL;
}

int
unpack_layer(struct unpack *u, struct blob *b, enum layer_comp comp, const char *diff_id,
    char got[65])
{
	struct pipe *p = calloc(1, sizeof *p);
	struct archive *t = NULL;
	struct archive_entry *e;
	int rc = -1, r;

	if (p == NULL)
		return fail(u, "%s", strerror(errno));
	p->u = u;
	p->b = b;
	SHA256Init(&p->diff);
	strmap_free(&u->layer);
	if ((p->raw = open_raw(u, p, comp)) == NULL)
		goto out;
	if ((t = archive_read_new()) == NULL || archive_read_support_format_tar(t) != ARCHIVE_OK ||
	    archive_read_open(t, p, NULL, tar_read, NULL) != ARCHIVE_OK) {
		if (!p->failed)
			fail(u, "%s", t ? archive_error_string(t) : strerror(ENOMEM));
		goto out;
	}
	while ((r = archive_read_next_header(t, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (sb_interrupted) {
			fail(u, "interrupted");
			goto out;
		}
		if (apply_entry(u, t, e) < 0)
			goto out;
	}
	if (r != ARCHIVE_EOF) {
		if (!p->failed)
			fail(u, "not a tar stream: %s", archive_error_string(t));
		goto out;
	}
	/* the diff_id is of the whole stream, whatever follows the end of
	 * the tar */
	const void *dummy;
	la_ssize_t n;
	while ((n = tar_read(t, p, &dummy)) > 0)
		;
	if (n < 0) {
		if (!p->failed)
			fail(u, "%s", archive_error_string(t));
		goto out;
	}
	SHA256End(&p->diff, got);
	if (diff_id != NULL && strcmp(got, diff_id) != 0) {
		fail(u, "its uncompressed content has digest sha256:%s, the config says sha256:%s",
		    got, diff_id);
		goto out;
	}
	rc = 0;
out:
	if (t)
		archive_read_free(t);
	if (p->raw)
		archive_read_free(p->raw);
	free(p);
	return rc;
}

int
unpack_init(struct unpack *u, int rootfd, uint64_t max_bytes, uint64_t max_entries, FILE *owners)
{
	memset(u, 0, sizeof *u);
	u->rootfd = rootfd;
	u->max_bytes = max_bytes;
	u->max_entries = max_entries;
	u->owners = owners;
	if (owners != NULL && fputs("sidebundle-owners 1\n", owners) < 0)
		return -1;
	return 0;
}

int
unpack_finish(struct unpack *u)
{
	for (size_t i = 0; i < u->dirs.cap; i++) {
		const char *path = u->dirs.keys[i];
		if (path == NULL)
			continue;
		struct timespec ts[2] = { u->dirtimes[u->dirs.vals[i]],
			u->dirtimes[u->dirs.vals[i]] };
		/* a link or file may have taken its place since: then
		 * nothing, and never through the link */
		int fd = payload_open_dir(u->rootfd, path);
		if (fd < 0)
			continue;
		int rc = futimens(fd, ts);
		close(fd);
		if (rc < 0)
			return fail(u, "%s: %s", path, strerror(errno));
	}
	if (u->owners != NULL && fflush(u->owners) != 0)
		return fail(u, "the side table: %s", strerror(errno));
	return 0;
}

void
unpack_free(struct unpack *u)
{
	strmap_free(&u->layer);
	strmap_free(&u->dirs);
	free(u->dirtimes);
	u->dirtimes = NULL;
}
