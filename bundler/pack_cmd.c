/*
 * sidebundle pack: write FILE = the installed launcher, then one zstd
 * frame of the archive (common/pack.h), then the trailer.  The archive
 * holds manifest.lock, the payload in the manifest's order (each file
 * checked against it while it is compressed, so a bundle that fails
 * `verify` is never packed), bin/ as this sidebundle would write it (its
 * launcher and shim: the program at the head of FILE and the shim it
 * expects), and check/.  A file that is a hard link of an earlier one is
 * stored once, as a link record.
 *
 * FILE is written beside itself and renamed into place; an existing
 * FILE is replaced only if it is a single-file bundle too.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "fdio.h"
#include "launch.h"
#include "layout.h"
#include "manifest.h"
#include "pack.h"
#include "pack_cmd.h"
#include "strmap.h"

#define PACK_USAGE "usage: sidebundle pack [-q] [-e ENTRY] [-l LEVEL] -o FILE DIR/NAME\n"
#define PACK_HELP                                                                                  \
	PACK_USAGE                                                                                 \
	"Write the bundle DIR/NAME as one executable FILE, which unpacks itself on first run.\n"   \
	"  -o FILE     the file to write (required)\n"                                             \
	"  -e ENTRY    the entry FILE runs when called by a name that is no entry's\n"             \
	"  -l LEVEL    the zstd level, 1 to 19 (default 19: smallest, slowest)\n"                  \
	"  -q          print only errors\n"                                                        \
	"  -h, --help  this help\n"
#define DEFAULT_LEVEL 19

/* The archive being written: compressed into fd, its key computed. */
struct writer {
	int fd;
	const char *out; /* for messages */
	ZSTD_CCtx *z;
	unsigned char *obuf;
	size_t osz;
	struct sb_sha256 key;
	uint64_t raw, nrec, written;
	uint64_t files, bytes;
};

static void
usage(void)
{
	fputs(PACK_USAGE, stderr);
	exit(2);
}

/* Compress p[0..n) (mode ZSTD_e_end: and end the frame). */
static int
zput(struct writer *w, const void *p, size_t n, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t left;

	w->raw += n;
	do {
		ZSTD_outBuffer ob = { w->obuf, w->osz, 0 };
		left = ZSTD_compressStream2(w->z, &ob, &in, mode);
		if (ZSTD_isError(left)) {
			warnx("%s: zstd: %s", w->out, ZSTD_getErrorName(left));
			return -1;
		}
		if (sb_write_all(w->fd, w->obuf, ob.pos) < 0) {
			warn("%s", w->out);
			return -1;
		}
		w->written += ob.pos;
	} while (in.pos < in.size || (mode == ZSTD_e_end && left != 0));
	return 0;
}

/* A record's header, path and link target: into the archive and the key. */
static int
put_hdr(struct writer *w, const struct sb_pack_hdr *h, const char *path, const char *target)
{
	unsigned char hb[SB_PACK_HDR_LEN];

	sb_pack_hdr_encode(h, hb);
	sb_sha256_update(&w->key, hb, sizeof hb);
	sb_sha256_update(&w->key, path, h->pathlen);
	if (zput(w, hb, sizeof hb, ZSTD_e_continue) < 0 ||
	    zput(w, path, h->pathlen, ZSTD_e_continue) < 0)
		return -1;
	if (target != NULL) {
		sb_sha256_update(&w->key, target, (size_t)h->size);
		if (zput(w, target, (size_t)h->size, ZSTD_e_continue) < 0)
			return -1;
	}
	w->nrec++;
	return 0;
}

static void
hdr_of(struct sb_pack_hdr *h, enum sb_pack_type type, const char *path, const struct stat *st)
{
	memset(h, 0, sizeof *h);
	h->type = type;
	h->mode = (uint32_t)(st->st_mode & 07777);
	h->sec = (int64_t)st->st_mtim.tv_sec;
	h->nsec = (uint32_t)st->st_mtim.tv_nsec;
	h->pathlen = (uint32_t)strlen(path);
}

static int
path_fits(const char *path)
{
	if (!sb_pack_path_ok(path, strlen(path))) {
		warnx("%s: too long or too deep for the archive", path);
		return 0;
	}
	return 1;
}

/* SHA-256 and size of the file fd, read from its start. */
static int
hash_fd(int fd, unsigned char md[SB_SHA256_LEN], uint64_t *size)
{
	static unsigned char buf[1 << 16];
	struct sb_sha256 c;

	sb_sha256_init(&c);
	*size = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof buf, (off_t)*size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		sb_sha256_update(&c, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	sb_sha256_final(&c, md);
	return 0;
}

/*
 * A file record: its header (with the digest it must have), then its
 * bytes, hashed again as they go, which must give that digest: a file
 * that differs from its manifest record, or changed since it was
 * hashed, is an error.
 */
static int
put_file(struct writer *w, const char *path, int fd, const struct stat *st,
    const unsigned char sha[SB_SHA256_LEN])
{
	static unsigned char buf[1 << 17];
	struct sb_pack_hdr h;
	struct sb_sha256 c;
	unsigned char md[SB_SHA256_LEN];
	uint64_t done = 0;

	hdr_of(&h, SB_PK_FILE, path, st);
	h.size = (uint64_t)st->st_size;
	memcpy(h.sha, sha, SB_SHA256_LEN);
	if (put_hdr(w, &h, path, NULL) < 0)
		return -1;
	sb_sha256_init(&c);
	while (done < h.size) {
		size_t want = h.size - done < sizeof buf ? (size_t)(h.size - done) : sizeof buf;
		ssize_t n = pread(fd, buf, want, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				warn("%s", path);
			else
				warnx("%s: shorter than it was: changed while packing", path);
			return -1;
		}
		sb_sha256_update(&c, buf, (size_t)n);
		if (zput(w, buf, (size_t)n, ZSTD_e_continue) < 0)
			return -1;
		done += (uint64_t)n;
	}
	sb_sha256_final(&c, md);
	if (memcmp(md, sha, SB_SHA256_LEN) != 0) {
		warnx("%s: not the file manifest.lock lists (sha256): see sidebundle verify", path);
		return -1;
	}
	w->files++;
	w->bytes += h.size;
	return 0;
}

/* A file outside the payload (bin/, check/): hashed first, then stored. */
static int
put_other_file(struct writer *w, const char *path, int at, const char *name, mode_t mode)
{
	unsigned char md[SB_SHA256_LEN];
	struct stat st;
	uint64_t size;
	int fd = openat(at, name, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0 || fstat(fd, &st) < 0) {
		warn("%s", name);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("%s: not a regular file", name);
		goto out;
	}
	if (hash_fd(fd, md, &size) < 0) {
		warn("%s", name);
		goto out;
	}
	st.st_size = (off_t)size;
	if (mode != 0)
		st.st_mode = (st.st_mode & ~(mode_t)07777) | mode;
	rc = put_file(w, path, fd, &st, md);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
hexbin(const char *hex, unsigned char out[SB_SHA256_LEN])
{
	for (int i = 0; i < SB_SHA256_LEN; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int
differs(const char *path, const char *what)
{
	warnx("%s: not as manifest.lock says (%s): see sidebundle verify", path, what);
	return -1;
}

/* The payload record r (the manifest's i-th): as the manifest says, its
 * parent an earlier directory record. */
static int
put_payload_rec(struct writer *w, const struct manifest *m, size_t i, int payfd,
    struct strmap *inodes)
{
	const struct mf_rec *r = &m->recs[i];
	char path[PATH_MAX], target[PATH_MAX], key[64];
	struct sb_pack_hdr h;
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, SB_LAYOUT_PAYLOAD "%s", r->path) >= sizeof path ||
	    !path_fits(path))
		return -1;
	/* the manifest is sorted, so a parent comes before its children */
	const char *slash = strrchr(r->path, '/');
	if (slash != r->path) {
		char par[PATH_MAX];
		snprintf(par, sizeof par, "%.*s", (int)(slash - r->path), r->path);
		size_t lo = 0, hi = i;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(m->recs[mid].path, par);
			if (c == 0) {
				lo = mid;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo >= i || strcmp(m->recs[lo].path, par) != 0 || m->recs[lo].type != MF_DIR) {
			warnx("%s: manifest.lock lists no directory %s before it", path, par);
			return -1;
		}
	}
	if (fstatat(payfd, r->path + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		warn("%s", path);
		return -1;
	}
	switch (r->type) {
	case MF_DIR:
		if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != r->mode)
			return differs(path, "type or mode");
		hdr_of(&h, SB_PK_DIR, path, &st);
		return put_hdr(w, &h, path, NULL);
	case MF_SYMLINK: {
		ssize_t n = S_ISLNK(st.st_mode)
		    ? readlinkat(payfd, r->path + 1, target, sizeof target - 1)
		    : -1;
		if (n <= 0 || (target[n] = '\0', strcmp(target, r->target) != 0))
			return differs(path, "link target");
		hdr_of(&h, SB_PK_SYMLINK, path, &st);
		h.size = (uint64_t)n;
		return put_hdr(w, &h, path, target);
	}
	case MF_FILE:
		break;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != r->mode ||
	    (uint64_t)st.st_size != r->size)
		return differs(path, "type, mode or size");
	snprintf(key, sizeof key, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	size_t *first = st.st_nlink > 1 ? strmap_get(inodes, key) : NULL;
	if (first != NULL) {
		/* a hard link of an earlier file: the same bytes and mode */
		const struct mf_rec *f = &m->recs[*first];
		if (strcmp(f->sha, r->sha) != 0 || f->mode != r->mode)
			return differs(path, "sha256 of a hard link");
		snprintf(target, sizeof target, SB_LAYOUT_PAYLOAD "%s", f->path);
		hdr_of(&h, SB_PK_HARDLINK, path, &st);
		h.size = strlen(target);
		w->files++;
		return put_hdr(w, &h, path, target);
	}
	if (st.st_nlink > 1) {
		int added;
		if (strmap_put(inodes, key, i, &added) == NULL) {
			warn(NULL);
			return -1;
		}
	}
	unsigned char sha[SB_SHA256_LEN];
	if (hexbin(r->sha, sha) < 0)
		return differs(path, "sha256");
	int fd = openat(payfd, r->path + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		warn("%s", path);
		return -1;
	}
	int rc = put_file(w, path, fd, &st, sha);
	close(fd);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* check/ and below: directories and regular files, sorted by name. */
static int
put_tree(struct writer *w, int at, const char *name, const char *path)
{
	struct sb_pack_hdr h;
	struct stat st;

	if (!path_fits(path) || fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		warn("%s", path);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return put_other_file(w, path, at, name, 0);
	if (!S_ISDIR(st.st_mode)) {
		warnx("%s: neither a file nor a directory", path);
		return -1;
	}
	hdr_of(&h, SB_PK_DIR, path, &st);
	if (put_hdr(w, &h, path, NULL) < 0)
		return -1;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		warn("%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **v = reallocarray(names, cap, sizeof *v);
			if (v == NULL)
				err(1, NULL);
			names = v;
		}
		if ((names[n++] = strdup(e->d_name)) == NULL)
			err(1, NULL);
	}
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/%s", path, names[i]);
		if (rc == 0 && put_tree(w, dirfd(d), names[i], sub) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	closedir(d);
	return rc;
}

/* bin/: the launcher at the head of the file, its shim, one link per entry. */
static int
put_bin(struct writer *w, const struct manifest *m, int rootfd, const char *launcher)
{
	struct sb_pack_hdr h;
	struct stat st;
	char *dir = strdup(launcher), *slash;

	if (dir == NULL || fstatat(rootfd, SB_LAYOUT_BIN, &st, 0) < 0) {
		warn("%s", SB_LAYOUT_BIN);
		free(dir);
		return -1;
	}
	st.st_mode = (st.st_mode & ~(mode_t)07777) | 0755;
	hdr_of(&h, SB_PK_DIR, SB_LAYOUT_BIN, &st);
	struct timespec binmt = st.st_mtim;
	if (put_hdr(w, &h, SB_LAYOUT_BIN, NULL) < 0 ||
	    put_other_file(w, SB_LAYOUT_BIN "/" SB_LAYOUT_LAUNCHER, AT_FDCWD, launcher, 0755) < 0) {
		free(dir);
		return -1;
	}
	slash = strrchr(dir, '/');
	char shim[PATH_MAX];
	snprintf(shim, sizeof shim, "%s/" SB_INSTALLED_SHIM, slash ? (*slash = '\0', dir) : ".");
	free(dir);
	if (access(shim, R_OK) == 0) {
		if (put_other_file(w, SB_LAYOUT_BIN "/" SB_LAYOUT_SHIM, AT_FDCWD, shim, 0644) < 0)
			return -1;
	} else {
		warnx(
		    "%s not found next to the launcher: host mode will not map absolute paths into the payload",
		    SB_INSTALLED_SHIM);
	}
	for (size_t i = 0; i < m->nentries; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, SB_LAYOUT_BIN "/%s", m->entries[i].name);
		memset(&st, 0, sizeof st);
		st.st_mode = S_IFLNK | 0777;
		st.st_mtim = binmt;
		hdr_of(&h, SB_PK_SYMLINK, path, &st);
		h.size = strlen(SB_LAYOUT_LAUNCHER);
		if (put_hdr(w, &h, path, SB_LAYOUT_LAUNCHER) < 0)
			return -1;
	}
	return 0;
}

/* The archive of the bundle at rootfd, after the launcher in w->fd. */
static int
put_archive(struct writer *w, const struct manifest *m, int rootfd, const char *launcher,
    unsigned char manifest_sha[SB_SHA256_LEN])
{
	struct strmap inodes = { 0 };
	struct sb_pack_hdr h;
	struct stat st;
	uint64_t size;
	int rc = -1, payfd = -1;

	int mfd = openat(rootfd, MANIFEST_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (mfd < 0 || fstat(mfd, &st) < 0 || hash_fd(mfd, manifest_sha, &size) < 0) {
		warn("%s", MANIFEST_FILE);
		goto out;
	}
	st.st_size = (off_t)size;
	if (put_file(w, MANIFEST_FILE, mfd, &st, manifest_sha) < 0)
		goto out;
	if ((payfd = openat(rootfd, SB_LAYOUT_PAYLOAD,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(payfd, &st) < 0) {
		warn("%s", SB_LAYOUT_PAYLOAD);
		goto out;
	}
	hdr_of(&h, SB_PK_DIR, SB_LAYOUT_PAYLOAD, &st);
	if (put_hdr(w, &h, SB_LAYOUT_PAYLOAD, NULL) < 0)
		goto out;
	for (size_t i = 0; i < m->nrecs; i++)
		if (put_payload_rec(w, m, i, payfd, &inodes) < 0)
			goto out;
	if (put_bin(w, m, rootfd, launcher) < 0)
		goto out;
	if (fstatat(rootfd, SB_LAYOUT_CHECK, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    put_tree(w, rootfd, SB_LAYOUT_CHECK, SB_LAYOUT_CHECK) < 0)
		goto out;
	/* why each path is there, for sidebundle show on the extraction */
	if (fstatat(rootfd, SB_LAYOUT_WHY, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    put_other_file(w, SB_LAYOUT_WHY, rootfd, SB_LAYOUT_WHY, 0) < 0)
		goto out;
	memset(&h, 0, sizeof h);
	h.type = SB_PK_END;
	h.size = w->nrec;
	unsigned char hb[SB_PACK_HDR_LEN];
	sb_pack_hdr_encode(&h, hb);
	sb_sha256_update(&w->key, hb, sizeof hb);
	if (zput(w, hb, sizeof hb, ZSTD_e_end) < 0)
		goto out;
	rc = 0;
out:
	if (mfd >= 0)
		close(mfd);
	if (payfd >= 0)
		close(payfd);
	strmap_free(&inodes);
	return rc;
}

/* An existing file at out may be replaced only if it is a single-file
 * bundle. */
static int
replaceable(const char *out)
{
	unsigned char tb[SB_PACK_TRAILER_LEN];
	struct sb_pack_trailer t;
	struct stat st;
	char e[256];
	int fd = open(out, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), ok = 0;

	if (fd < 0)
		return errno == ENOENT;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= SB_PACK_TRAILER_LEN &&
	    pread(fd, tb, sizeof tb, st.st_size - SB_PACK_TRAILER_LEN) == (ssize_t)sizeof tb)
		ok = sb_pack_trailer_decode(tb, (uint64_t)st.st_size, &t, e, sizeof e) != 0;
	close(fd);
	return ok;
}

static int
copy_launcher(int out, const char *launcher, uint64_t *len)
{
	static char buf[1 << 16];
	int in = open(launcher, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (in < 0)
		return -1;
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || sb_write_all(out, buf, (size_t)n) < 0) {
			int e = errno;
			close(in);
			errno = e;
			return -1;
		}
		*len += (uint64_t)n;
	}
	close(in);
	return 0;
}

int
cmd_pack(int argc, char **argv)
{
	static const struct option lo[] = { { "entry", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' }, { "level", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ 0 } };
	const char *out = NULL, *entry = NULL, *errstr;
	int ch, level = DEFAULT_LEVEL, quiet = 0;

	while ((ch = getopt_long(argc, argv, "+e:hl:o:q", lo, NULL)) != -1) {
		switch (ch) {
		case 'e':
			entry = optarg;
			break;
		case 'h':
			fputs(PACK_HELP, stdout);
			return 0;
		case 'l':
			level = (int)strtonum(optarg, 1, ZSTD_maxCLevel(), &errstr);
			if (errstr != NULL) {
				warnx("pack: -l %s: %s (1 to %d)", optarg, errstr,
				    ZSTD_maxCLevel());
				usage();
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (out == NULL || *out == '\0') {
		warnx("pack: -o FILE is required");
		usage();
	}
	if (optind + 1 != argc) {
		warnx("pack: want one bundle directory");
		usage();
	}
	const char *bundle = argv[optind];

	struct manifest m;
	char errbuf[512];
	int rootfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		err(1, "%s", bundle);
	if (manifest_read(&m, rootfd, MF_ALL, errbuf, sizeof errbuf) < 0)
		errx(1, "%s/%s", bundle, errbuf);
	if (m.nentries == 0)
		errx(1, "%s: the bundle has no entry", bundle);
	if (entry != NULL && manifest_entry(&m, entry) == NULL)
		errx(1, "%s: no entry named %s", bundle, entry);
	if (entry != NULL && strlen(entry) > SB_PACK_ENTRY_MAX)
		errx(1, "%s: entry name too long", entry);
	char *launcher = launcher_find();
	if (launcher == NULL)
		errx(1, "%s not found next to sidebundle nor in %s: make (or make install) first",
		    SB_INSTALLED_LAUNCHER, SB_LIBDIR);
	if (!replaceable(out))
		errx(1, "%s exists and is not a single-file bundle: not replaced", out);

	/* FILE is made beside itself and renamed into place */
	char tmp[PATH_MAX];
	const char *slash = strrchr(out, '/');
	if ((size_t)snprintf(tmp, sizeof tmp, "%.*s%s.%s.tmp-XXXXXX",
		(int)(slash ? slash - out : 0), out, slash ? "/" : "",
		slash ? slash + 1 : out) >= sizeof tmp)
		errx(1, "%s: path too long", out);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		err(1, "%s", tmp);

	struct writer w = { .fd = fd, .out = out };
	struct sb_pack_trailer t = { 0 };
	unsigned char tb[SB_PACK_TRAILER_LEN];
	int rc = 1;
	sb_sha256_init(&w.key);
	w.osz = ZSTD_CStreamOutSize();
	if ((w.obuf = malloc(w.osz)) == NULL || (w.z = ZSTD_createCCtx()) == NULL)
		err(1, NULL);
	if (copy_launcher(fd, launcher, &t.offset) < 0) {
		warn("%s", launcher);
		goto out;
	}
	/* the frame's checksum catches a damaged download before the
	 * first file's digest does; two workers on a multi-core machine
	 * (a library built without threads refuses, and one is used) */
	ZSTD_CCtx_setParameter(w.z, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(w.z, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(w.z, ZSTD_c_nbWorkers, 2);
	if (put_archive(&w, &m, rootfd, launcher, t.manifest) < 0)
		goto out;
	t.length = w.written;
	t.size = w.raw;
	t.version = SB_PACK_VERSION;
	sb_sha256_final(&w.key, t.key);
	if (entry != NULL)
		strlcpy(t.entry, entry, sizeof t.entry);
	sb_pack_trailer_encode(&t, tb);
	if (sb_write_all(fd, tb, sizeof tb) < 0 || fchmod(fd, 0755) < 0 || fsync(fd) < 0) {
		warn("%s", tmp);
		goto out;
	}
	if (rename(tmp, out) < 0) {
		warn("%s", out);
		goto out;
	}
	tmp[0] = '\0';
	rc = 0;
	if (!quiet)
		fprintf(stderr,
		    "sidebundle: %s: %llu bytes (%llu files, %llu bytes of bundle, zstd -%d); runs %s, or the entry it is called by\n",
		    out, (unsigned long long)(t.offset + t.length + SB_PACK_TRAILER_LEN),
		    (unsigned long long)w.files, (unsigned long long)w.raw, level,
		    entry ? entry : m.entries[0].name);
out:
	if (close(fd) < 0 && rc == 0) {
		warn("%s", out);
		rc = 1;
	}
	if (tmp[0] != '\0')
		unlink(tmp);
	ZSTD_freeCCtx(w.z);
	free(w.obuf);
	free(launcher);
	manifest_free(&m);
	close(rootfd);
	return rc;
}
