/*
 * The single-file bundle's archive: field encoding, and the extraction
 * that treats it as hostile (pack.h).  Extraction happens in a fresh,
 * private directory: every parent is reached from it one component at
 * a time with O_NOFOLLOW, every name is created with O_EXCL, mkdirat or
 * symlinkat (none follows a link in its last component), and modes and
 * times go through descriptors.  So no record, whatever its path or the
 * links before it, can make anything outside that directory, and a
 * record that names an existing path fails instead of writing into it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "layout.h"
#include "manifest.h"
#include "pack.h"

#define CHUNK (1u << 20)

static int
all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

void
sb_pack_trailer_encode(const struct sb_pack_trailer *t, unsigned char out[SB_PACK_TRAILER_LEN])
{
	size_t el = strnlen(t->entry, SB_PACK_ENTRY_MAX);

	memset(out, 0, SB_PACK_TRAILER_LEN);
	sb_le64_put(out, t->offset);
	sb_le64_put(out + 8, t->length);
	sb_le64_put(out + 16, t->size);
	memcpy(out + 24, t->key, SB_SHA256_LEN);
	memcpy(out + 56, t->manifest, SB_SHA256_LEN);
	sb_le32_put(out + 88, t->version);
	sb_le32_put(out + 92, (uint32_t)el);
	memcpy(out + 96, t->entry, el);
	memcpy(out + SB_PACK_TRAILER_LEN - SB_PACK_MAGIC_LEN, SB_PACK_MAGIC, SB_PACK_MAGIC_LEN);
}

int
sb_pack_trailer_decode(const unsigned char in[SB_PACK_TRAILER_LEN], uint64_t filesize,
    struct sb_pack_trailer *t, char *err, size_t errlen)
{
	const unsigned char *magic = in + SB_PACK_TRAILER_LEN - SB_PACK_MAGIC_LEN;

	if (memcmp(magic, SB_PACK_MAGIC, SB_PACK_MAGIC_LEN) != 0)
		return 0;
	memset(t, 0, sizeof *t);
	t->offset = sb_le64_get(in);
	t->length = sb_le64_get(in + 8);
	t->size = sb_le64_get(in + 16);
	memcpy(t->key, in + 24, SB_SHA256_LEN);
	memcpy(t->manifest, in + 56, SB_SHA256_LEN);
	t->version = sb_le32_get(in + 88);
	uint32_t el = sb_le32_get(in + 92);

	if (t->version != SB_PACK_VERSION)
		return sb_say(err, errlen, "format version %u (this launcher reads version %d)",
		    t->version, SB_PACK_VERSION);
	if (el > SB_PACK_ENTRY_MAX || memchr(in + 96, '\0', el) != NULL ||
	    memchr(in + 96, '/', el) != NULL || !all_zero(in + 96 + el, 256 - el) ||
	    !all_zero(in + 352, 24))
		return sb_say(err, errlen, "malformed trailer");
	memcpy(t->entry, in + 96, el);
	t->entry[el] = '\0';
	if (strcmp(t->entry, ".") == 0 || strcmp(t->entry, "..") == 0)
		return sb_say(err, errlen, "malformed trailer");
	/* the archive ends where the trailer starts, and the launcher
	 * before it is at least an ELF header long */
	if (filesize < SB_PACK_TRAILER_LEN + 64 || t->length == 0 ||
	    t->length > filesize - SB_PACK_TRAILER_LEN - 64 ||
	    t->offset != filesize - SB_PACK_TRAILER_LEN - t->length)
		return sb_say(err, errlen,
		    "the trailer's archive (offset %llu, %llu bytes) does not end where the trailer starts in a file of %llu bytes: truncated or damaged",
		    (unsigned long long)t->offset, (unsigned long long)t->length,
		    (unsigned long long)filesize);
	if (t->size < 2 * SB_PACK_HDR_LEN)
		return sb_say(err, errlen, "malformed trailer");
	return 1;
}

void
sb_pack_hdr_encode(const struct sb_pack_hdr *h, unsigned char out[SB_PACK_HDR_LEN])
{
	memset(out, 0, SB_PACK_HDR_LEN);
	out[0] = (unsigned char)h->type;
	sb_le32_put(out + 4, h->mode);
	sb_le64_put(out + 8, (uint64_t)h->sec);
	sb_le32_put(out + 16, h->nsec);
	sb_le32_put(out + 20, h->pathlen);
	sb_le64_put(out + 24, h->size);
	if (h->type == SB_PK_FILE)
		memcpy(out + 32, h->sha, SB_SHA256_LEN);
}

int
sb_pack_hdr_decode(const unsigned char in[SB_PACK_HDR_LEN], struct sb_pack_hdr *h, char *err,
    size_t errlen)
{
	memset(h, 0, sizeof *h);
	if (in[0] < SB_PK_DIR || in[0] > SB_PK_END || in[1] || in[2] || in[3])
		return sb_say(err, errlen, "unknown record type %u", in[0]);
	h->type = (enum sb_pack_type)in[0];
	h->mode = sb_le32_get(in + 4);
	h->sec = (int64_t)sb_le64_get(in + 8);
	h->nsec = sb_le32_get(in + 16);
	h->pathlen = sb_le32_get(in + 20);
	h->size = sb_le64_get(in + 24);
	memcpy(h->sha, in + 32, SB_SHA256_LEN);
	if (h->mode > 07777 || h->nsec >= 1000000000u)
		return sb_say(err, errlen, "mode or time out of range");
	if (h->type == SB_PK_END ? h->pathlen != 0
				 : h->pathlen == 0 || h->pathlen > SB_PACK_PATH_MAX)
		return sb_say(err, errlen, "path length %u out of range", h->pathlen);
	if ((h->type == SB_PK_SYMLINK || h->type == SB_PK_HARDLINK) &&
	    (h->size == 0 || h->size > SB_PACK_PATH_MAX))
		return sb_say(err, errlen, "link target length out of range");
	if (h->type == SB_PK_DIR && h->size != 0)
		return sb_say(err, errlen, "a directory with a size");
	if (h->type != SB_PK_FILE && !all_zero(h->sha, SB_SHA256_LEN))
		return sb_say(err, errlen, "a digest on a record that is no file");
	return 0;
}

int
sb_pack_path_ok(const char *p, size_t n)
{
	size_t depth = 0;

	if (n == 0 || n > SB_PACK_PATH_MAX || memchr(p, '\0', n) != NULL)
		return 0;
	for (size_t i = 0; i <= n; depth++) {
		size_t s = i;
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - s;
		/* empty (a leading, doubled or trailing '/'), "." or ".." */
		if (len == 0 || (len == 1 && p[s] == '.') ||
		    (len == 2 && p[s] == '.' && p[s + 1] == '.'))
			return 0;
		i++;
	}
	return depth <= SB_PACK_DEPTH_MAX;
}

/* --- extraction */

struct fix {
	char *path;
	uint32_t mode;
	struct timespec mtime;
};

enum stage { S_MANIFEST, S_PAYLOAD_DIR, S_PAYLOAD, S_REST };

struct unpacker {
	struct sb_pack_src *src;
	int root;
	char *err;
	size_t errlen;
	struct sb_sha256 key;
	struct manifest m;
	size_t ri; /* the next manifest record */
	enum stage stage;
	uint64_t nrec;
	/* the parent of the last record, O_PATH, and its path */
	char cpath[SB_PACK_PATH_MAX + 1];
	int cfd;
	struct fix *fix;
	size_t nfix, capfix;
	struct sb_pack_result *res;
};

#define FAIL(u, ...) sb_say((u)->err, (u)->errlen, __VA_ARGS__)

/* Exactly n bytes of the archive into buf. */
static int
get(struct unpacker *u, void *buf, size_t n)
{
	unsigned char *o = buf;

	while (n > 0) {
		const unsigned char *p;
		long r = u->src->next(u->src, &p, n, u->err, u->errlen);
		if (r < 0)
			return -1;
		if (r == 0)
			return FAIL(u, "the archive ends inside record %llu: truncated",
			    (unsigned long long)u->nrec + 1);
		memcpy(o, p, (size_t)r);
		o += r;
		n -= (size_t)r;
	}
	return 0;
}

/* An O_PATH descriptor of the directory path[0..len) below the root,
 * reached without following any link; -1 with errno. */
static int
walk(int root, const char *path, size_t len)
{
	char comp[SB_PACK_PATH_MAX + 1];
	int fd = root;
	size_t i = 0;

	while (i < len) {
		size_t s = i;
		while (i < len && path[i] != '/')
			i++;
		memcpy(comp, path + s, i - s);
		comp[i - s] = '\0';
		int nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		if (fd != root)
			close(fd);
		if (nfd < 0) {
			errno = e;
			return -1;
		}
		fd = nfd;
		i++;
	}
	return fd == root ? fcntl(root, F_DUPFD_CLOEXEC, 0) : fd;
}

/* The parent directory of path (len bytes up to its last '/'), cached. */
static int
parent(struct unpacker *u, const char *path, size_t len)
{
	if (u->cfd >= 0 && strlen(u->cpath) == len && memcmp(u->cpath, path, len) == 0)
		return u->cfd;
	if (u->cfd >= 0)
		close(u->cfd);
	u->cfd = walk(u->root, path, len);
	if (u->cfd < 0) {
		u->cpath[0] = '\0';
		if (errno == ENOENT)
			return FAIL(u, "%s: its directory %.*s is not in the archive before it",
			    path, (int)len, path);
		if (errno == ENOTDIR || errno == ELOOP)
			return FAIL(u, "%s: %.*s is not a directory (a symbolic link?)", path,
			    (int)len, path);
		return FAIL(u, "%s: %.*s: %s", path, (int)len, path, strerror(errno));
	}
	memcpy(u->cpath, path, len);
	u->cpath[len] = '\0';
	return u->cfd;
}

/* A file's bytes into fd (and into mem when not NULL), checked against
 * the header's digest. */
static int
file_data(struct unpacker *u, const char *path, const struct sb_pack_hdr *h, int fd,
    unsigned char *mem)
{
	struct sb_sha256 c;
	unsigned char md[SB_SHA256_LEN];
	uint64_t left = h->size;

	sb_sha256_init(&c);
	while (left > 0) {
		const unsigned char *p;
		long r = u->src->next(u->src, &p, left < CHUNK ? (size_t)left : CHUNK, u->err,
		    u->errlen);
		if (r < 0)
			return -1;
		if (r == 0)
			return FAIL(u, "%s: the archive ends inside it: truncated", path);
		if (sb_write_all(fd, p, (size_t)r) < 0)
			return FAIL(u, "%s: %s", path, strerror(errno));
		if (mem != NULL) {
			memcpy(mem, p, (size_t)r);
			mem += r;
		}
		sb_sha256_update(&c, p, (size_t)r);
		left -= (uint64_t)r;
	}
	sb_sha256_final(&c, md);
	if (memcmp(md, h->sha, SB_SHA256_LEN) != 0)
		return FAIL(u, "%s: its bytes do not match the SHA-256 in its header: damaged",
		    path);
	u->res->bytes += h->size;
	return 0;
}

static void
times_of(const struct sb_pack_hdr *h, struct timespec ts[2])
{
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = (time_t)h->sec;
	ts[1].tv_nsec = (long)h->nsec;
}

/* Create the record at path: its parent is pfd, its name base. */
static int
make(struct unpacker *u, const struct sb_pack_hdr *h, const char *path, int pfd, const char *base,
    const char *target, unsigned char *mem)
{
	struct timespec ts[2];

	times_of(h, ts);
	switch (h->type) {
	case SB_PK_DIR: {
		if (mkdirat(pfd, base, 0700) < 0)
			return FAIL(u, "%s: %s", path, strerror(errno));
		if (u->nfix == u->capfix) {
			size_t cap = u->capfix ? 2 * u->capfix : 64;
			struct fix *f = reallocarray(u->fix, cap, sizeof *f);
			if (f == NULL)
				return FAIL(u, "%s", strerror(errno));
			u->fix = f;
			u->capfix = cap;
		}
		struct fix *f = &u->fix[u->nfix];
		if ((f->path = strdup(path)) == NULL)
			return FAIL(u, "%s", strerror(errno));
		/* set-ID bits are never restored (pack.h) */
		f->mode = h->mode & 01777;
		f->mtime = ts[1];
		u->nfix++;
		u->res->dirs++;
		return 0;
	}
	case SB_PK_FILE: {
		int fd =
		    openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return FAIL(u, "%s: %s", path, strerror(errno));
		int rc = file_data(u, path, h, fd, mem);
		if (rc == 0 && (fchmod(fd, h->mode & 0777) < 0 || futimens(fd, ts) < 0))
			rc = FAIL(u, "%s: %s", path, strerror(errno));
		if (close(fd) < 0 && rc == 0)
			rc = FAIL(u, "%s: %s", path, strerror(errno));
		u->res->files++;
		return rc;
	}
	case SB_PK_SYMLINK:
		if (symlinkat(target, pfd, base) < 0 ||
		    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return FAIL(u, "%s: %s", path, strerror(errno));
		u->res->symlinks++;
		return 0;
	case SB_PK_HARDLINK: {
		/* the target is an earlier file of the payload (checked) */
		const char *tb = strrchr(target, '/') + 1;
		int tfd = walk(u->root, target, (size_t)(tb - 1 - target));
		if (tfd < 0 || linkat(tfd, tb, pfd, base, 0) < 0) {
			int e = errno;
			if (tfd >= 0)
				close(tfd);
			return FAIL(u, "%s: link to %s: %s", path, target, strerror(e));
		}
		close(tfd);
		u->res->files++;
		return 0;
	}
	case SB_PK_END:
		break;
	}
	return FAIL(u, "%s: unexpected record", path);
}

static const struct mf_rec *
find_rec(const struct manifest *m, const char *path, size_t *idx)
{
	size_t lo = 0, hi = m->nrecs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->recs[mid].path, path);
		if (c == 0) {
			*idx = mid;
			return &m->recs[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The payload record path must be the manifest's next, and agree. */
static int
check_payload(struct unpacker *u, const struct sb_pack_hdr *h, const char *path, const char *target)
{
	const struct mf_rec *r = &u->m.recs[u->ri];
	const char *p = path + strlen(SB_LAYOUT_PAYLOAD);
	char hex[2 * SB_SHA256_LEN + 1];

	if (strcmp(p, r->path) != 0)
		return FAIL(u, "%s: manifest.lock has %s%s there: out of order, or not in it", path,
		    SB_LAYOUT_PAYLOAD, r->path);
	switch (r->type) {
	case MF_DIR:
		if (h->type != SB_PK_DIR || h->mode != r->mode)
			break;
		return 0;
	case MF_SYMLINK:
		if (h->type != SB_PK_SYMLINK || strcmp(target, r->target) != 0)
			break;
		return 0;
	case MF_FILE:
		if (h->mode != r->mode)
			break;
		if (h->type == SB_PK_FILE) {
			sb_sha256_hex(h->sha, hex);
			if (h->size != r->size || strcmp(hex, r->sha) != 0)
				break;
			return 0;
		}
		if (h->type == SB_PK_HARDLINK) {
			size_t ti;
			const char *tp = target + strlen(SB_LAYOUT_PAYLOAD);
			const struct mf_rec *t =
			    strncmp(target, SB_LAYOUT_PAYLOAD "/", sizeof SB_LAYOUT_PAYLOAD) == 0
			    ? find_rec(&u->m, tp, &ti)
			    : NULL;
			/* an earlier file, so already made, and the same */
			if (t == NULL || ti >= u->ri || t->type != MF_FILE || t->mode != r->mode ||
			    t->size != r->size || strcmp(t->sha, r->sha) != 0)
				return FAIL(u,
				    "%s: a link to %s, which is not an earlier identical file",
				    path, target);
			return 0;
		}
		break;
	}
	return FAIL(u, "%s: type, mode, size, digest or target differ from manifest.lock", path);
}

/* Outside the payload: bin/ (the launcher, its shim, the entries' links
 * to it), check/ (directories and files) and the why file (a file). */
static int
check_rest(struct unpacker *u, const struct sb_pack_hdr *h, const char *path, const char *target)
{
	const char *bin = SB_LAYOUT_BIN "/", *chk = SB_LAYOUT_CHECK "/";

	if (strcmp(path, SB_LAYOUT_BIN) == 0 || strcmp(path, SB_LAYOUT_CHECK) == 0) {
		if (h->type == SB_PK_DIR)
			return 0;
	} else if (strcmp(path, SB_LAYOUT_WHY) == 0) {
		if (h->type == SB_PK_FILE)
			return 0;
	} else if (strncmp(path, bin, strlen(bin)) == 0 &&
	    strchr(path + strlen(bin), '/') == NULL) {
		const char *name = path + strlen(bin);
		if (strcmp(name, SB_LAYOUT_LAUNCHER) == 0 || strcmp(name, SB_LAYOUT_SHIM) == 0) {
			if (h->type == SB_PK_FILE)
				return 0;
		} else if (h->type == SB_PK_SYMLINK && strcmp(target, SB_LAYOUT_LAUNCHER) == 0) {
			return 0;
		}
	} else if (strncmp(path, chk, strlen(chk)) == 0) {
		if (h->type == SB_PK_DIR || h->type == SB_PK_FILE)
			return 0;
	}
	return FAIL(u, "%s: not what a bundle holds there", path);
}

static int
manifest_rec(struct unpacker *u, const struct sb_pack_hdr *h, const char *path, int pfd)
{
	char perr[512];
	unsigned char *buf;

	if (strcmp(path, MANIFEST_FILE) != 0 || h->type != SB_PK_FILE)
		return FAIL(u, "%s: the archive does not start with %s", path, MANIFEST_FILE);
	if (h->size > SB_PACK_MANIFEST_MAX)
		return FAIL(u, "%s: %llu bytes: too large", path, (unsigned long long)h->size);
	if ((buf = malloc(h->size ? (size_t)h->size : 1)) == NULL)
		return FAIL(u, "%s", strerror(errno));
	if (make(u, h, path, pfd, path, NULL, buf) < 0) {
		free(buf);
		return -1;
	}
	int rc =
	    manifest_parse(&u->m, (const char *)buf, (size_t)h->size, MF_ALL, perr, sizeof perr);
	free(buf);
	if (rc < 0)
		return FAIL(u, "%s: %s", MANIFEST_FILE, perr);
	memcpy(u->res->manifest, h->sha, SB_SHA256_LEN);
	return 0;
}

/* One record: read its path and target, check it where it stands, make it. */
static int
record(struct unpacker *u, const struct sb_pack_hdr *h)
{
	char path[SB_PACK_PATH_MAX + 1], target[SB_PACK_PATH_MAX + 1] = "";

	if (get(u, path, h->pathlen) < 0)
		return -1;
	sb_sha256_update(&u->key, path, h->pathlen);
	if (!sb_pack_path_ok(path, h->pathlen)) {
		char shown[64];
		size_t n = h->pathlen < sizeof shown - 1 ? h->pathlen : sizeof shown - 1;
		for (size_t i = 0; i < n; i++)
			shown[i] = path[i] >= 0x20 && path[i] < 0x7f ? path[i] : '?';
		shown[n] = '\0';
		return FAIL(u,
		    "record %llu: unsafe path \"%s%s\" (absolute, empty, or with . or ..)",
		    (unsigned long long)u->nrec + 1, shown, h->pathlen > n ? "..." : "");
	}
	path[h->pathlen] = '\0';
	if (h->type == SB_PK_SYMLINK || h->type == SB_PK_HARDLINK) {
		if (get(u, target, (size_t)h->size) < 0)
			return -1;
		sb_sha256_update(&u->key, target, (size_t)h->size);
		target[h->size] = '\0';
		if (strlen(target) != h->size)
			return FAIL(u, "%s: a NUL in its link target", path);
		if (h->type == SB_PK_HARDLINK && !sb_pack_path_ok(target, (size_t)h->size))
			return FAIL(u, "%s: unsafe link target %s", path, target);
	}

	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t plen = slash ? (size_t)(slash - path) : 0;
	const char *pl = SB_LAYOUT_PAYLOAD;
	switch (u->stage) {
	case S_MANIFEST: {
		int pfd = parent(u, path, plen);
		if (pfd < 0 || manifest_rec(u, h, path, pfd) < 0)
			return -1;
		u->stage = S_PAYLOAD_DIR;
		return 0;
	}
	case S_PAYLOAD_DIR:
		if (strcmp(path, pl) != 0 || h->type != SB_PK_DIR)
			return FAIL(u, "%s: %s/ should come next", path, pl);
		u->stage = S_PAYLOAD;
		break;
	case S_PAYLOAD:
		if (u->ri < u->m.nrecs) {
			if (check_payload(u, h, path, target) < 0)
				return -1;
			u->ri++;
			break;
		}
		u->stage = S_REST;
		/* fall through */
	case S_REST:
		if (check_rest(u, h, path, target) < 0)
			return -1;
		break;
	}
	int pfd = parent(u, path, plen);
	if (pfd < 0)
		return -1;
	return make(u, h, path, pfd, base, target, NULL);
}

/* Directories' modes and times, deepest last-made first, so that nothing
 * made in a directory after it changes its time. */
static int
fix_dirs(struct unpacker *u)
{
	for (size_t i = u->nfix; i-- > 0;) {
		const struct fix *f = &u->fix[i];
		const char *slash = strrchr(f->path, '/'), *base = slash ? slash + 1 : f->path;
		int pfd = parent(u, f->path, slash ? (size_t)(slash - f->path) : 0);
		if (pfd < 0)
			return -1;
		struct timespec ts[2] = { { 0, UTIME_OMIT }, f->mtime };
		int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, f->mode) < 0 || futimens(fd, ts) < 0) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return FAIL(u, "%s: %s", f->path, strerror(e));
		}
		close(fd);
	}
	return 0;
}

int
sb_pack_unpack(struct sb_pack_src *src, int dirfd, struct sb_pack_result *res, char *err,
    size_t errlen)
{
	struct unpacker u = { .src = src, .root = dirfd, .err = err, .errlen = errlen, .cfd = -1 };
	unsigned char hb[SB_PACK_HDR_LEN];
	int rc = -1;

	memset(res, 0, sizeof *res);
	u.res = res;
	sb_sha256_init(&u.key);
	for (;;) {
		struct sb_pack_hdr h;
		char herr[128];
		if (get(&u, hb, sizeof hb) < 0)
			goto out;
		if (sb_pack_hdr_decode(hb, &h, herr, sizeof herr) < 0) {
			FAIL(&u, "record %llu: %s", (unsigned long long)u.nrec + 1, herr);
			goto out;
		}
		sb_sha256_update(&u.key, hb, sizeof hb);
		if (h.type == SB_PK_END) {
			if (h.size != u.nrec) {
				FAIL(&u, "the end record counts %llu records, the archive has %llu",
				    (unsigned long long)h.size, (unsigned long long)u.nrec);
				goto out;
			}
			break;
		}
		if (record(&u, &h) < 0)
			goto out;
		u.nrec++;
	}
	if (u.stage < S_PAYLOAD || u.ri < u.m.nrecs) {
		FAIL(&u, "the archive ends before %s%s",
		    u.stage < S_PAYLOAD ? "the payload" : SB_LAYOUT_PAYLOAD,
		    u.stage < S_PAYLOAD ? "" : u.m.recs[u.ri].path);
		goto out;
	}
	const unsigned char *p;
	long n = src->next(src, &p, 1, err, errlen);
	if (n != 0) {
		if (n > 0)
			FAIL(&u, "data after the archive's end record");
		goto out;
	}
	if (fix_dirs(&u) < 0)
		goto out;
	sb_sha256_final(&u.key, res->key);
	rc = 0;
out:
	if (u.cfd >= 0)
		close(u.cfd);
	for (size_t i = 0; i < u.nfix; i++)
		free(u.fix[i].path);
	free(u.fix);
	manifest_free(&u.m);
	return rc;
}

/* --- removal */

static int
rm_at(int at, const char *name, int depth)
{
	struct stat st;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	if (depth > SB_PACK_DEPTH_MAX + 8) {
		errno = ELOOP;
		return -1;
	}
	/* our own directory, made unreadable (0000) or unwritable (0555,
	 * the payload's /proc): make it ours to empty.  fchmodat follows a
	 * link, but it was a directory a moment ago in a directory only
	 * we can write. */
	if ((st.st_mode & 0700) != 0700 && fchmodat(at, name, 0700, 0) < 0)
		return -1;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -1;
	}
	int rc = 0, saved = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (rm_at(dirfd(d), e->d_name, depth + 1) < 0 && rc == 0) {
			rc = -1;
			saved = errno;
		}
	}
	closedir(d);
	if (rc == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	errno = saved;
	return rc;
}

int
sb_pack_rmtree(int at, const char *name)
{
	return rm_at(at, name, 0);
}
