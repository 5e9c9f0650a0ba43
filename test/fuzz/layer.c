/*
 * Fuzz target: bundler/layer.c, an image's layers unpacked into a root,
 * fed any bytes: up to four layers (tar streams, perhaps gzip or zstd)
 * separated by the line "--layer--", applied in order to a fresh root,
 * their header checksums made right first (tarfix.h).
 *
 * On a scratch directory (scratch.h): box/root is the root, beside it
 * box/sentinel holds a file, a directory, and links to both and out;
 * the unpacker runs with box/ as its working directory.  After every
 * input, whether it was refused or not, the promises of layer.h must
 * hold: nothing beside the root was made or changed (the sentinel's
 * every name, inode, mode, size, times and link count as they were, and
 * box/ holding the root and the sentinel only); in the root only
 * regular files, directories and symbolic links, no set-ID bit, files
 * u+rw and directories u+rwx; no file of the root is a hard link to one
 * outside (each one's link count is the number of its names inside);
 * the side table is lines of its format; and the diff_id of an
 * uncompressed layer is the digest of its bytes.  The caps are small
 * (4 MiB, 2000 entries) so a bomb costs little.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgsrc.h"
#include "layer.h"
#include "scratch.h"
#include "tarfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Back in our working directory first: libFuzzer writes the input
 * that failed there, and box/ is removed. */
#define FAIL(...)                                                                                  \
	do {                                                                                       \
		back();                                                                            \
		fprintf(stderr, "layer fuzz: " __VA_ARGS__);                                       \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

#define SEP "\n--layer--\n"
#define NLAYERS 4
#define MAX_BYTES (4u << 20)
#define MAX_ENTRIES 2000
/* What the sentinel holds, snapshot entries at most. */
#define NSNAP 16

struct snap {
	char name[320];
	struct stat st;
	char text[64]; /* a link's target, or a file's first bytes */
};

static struct {
	int ready;
	int cwd;   /* ours, to come back to */
	int boxfd; /* box/ */
	int sfd;   /* the scratch directory */
	char in[PATH_MAX + 8];
	struct imgsrc src; /* in/ */
	struct snap snap[NSNAP];
	size_t nsnap;
} F;

static void
back(void)
{
	if (F.ready && fchdir(F.cwd) < 0)
		perror("layer fuzz: fchdir");
}

static void
must(int ok, const char *what)
{
	if (!ok) {
		back();
		fprintf(stderr, "layer fuzz: setting up: %s: %s\n", what, strerror(errno));
		abort();
	}
}

/* Take the sentinel's state: every name below it with its lstat and
 * its text. */
static size_t
take(int dfd, const char *dir, struct snap *out, size_t n)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	must(d != NULL, dir);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, "..") == 0 || (strcmp(de->d_name, ".") == 0 && dir[0]))
			continue;
		if (n == NSNAP)
			FAIL("the sentinel grew: more than %d names", NSNAP);
		struct snap *s = &out[n++];
		memset(s, 0, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s/%s", dir, de->d_name);
		must(fstatat(dfd, de->d_name, &s->st, AT_SYMLINK_NOFOLLOW) == 0, s->name);
		if (S_ISLNK(s->st.st_mode)) {
			must(readlinkat(dfd, de->d_name, s->text, sizeof s->text - 1) >= 0,
			    s->name);
		} else if (S_ISREG(s->st.st_mode)) {
			int f = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			must(f >= 0 && read(f, s->text, sizeof s->text - 1) >= 0, s->name);
			close(f);
		} else if (S_ISDIR(s->st.st_mode) && strcmp(de->d_name, ".") != 0) {
			int sub = openat(dfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			must(sub >= 0, s->name);
			n = take(sub, s->name, out, n);
			close(sub);
		}
	}
	closedir(d);
	return n;
}

static int
same_stat(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_mode == b->st_mode &&
	    a->st_nlink == b->st_nlink && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
setup(void)
{
	const char *dir = scratch("layer");
	struct rlimit rl;
	char err[512];

	/* a deep tree is removed with one descriptor a level */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	must((F.cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0, ".");
	must((F.sfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0, dir);
	must(mkdirat(F.sfd, "in", 0700) == 0 && mkdirat(F.sfd, "box", 0700) == 0, "in, box");
	snprintf(F.in, sizeof F.in, "%s/in", dir);
	must(imgsrc_open_dir(&F.src, F.in, err, sizeof err) == 0, err);
	must((F.boxfd = openat(F.sfd, "box", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0, "box");
	must(mkdirat(F.boxfd, "sentinel", 0755) == 0, "sentinel");
	int s = openat(F.boxfd, "sentinel", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	must(s >= 0 && mkdirat(s, "d", 0755) == 0, "sentinel/d");
	int f = openat(s, "file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	must(f >= 0 && write(f, "keep\n", 5) == 5 && close(f) == 0, "sentinel/file");
	f = openat(s, "d/f", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	must(f >= 0 && write(f, "keep too\n", 9) == 9 && close(f) == 0, "sentinel/d/f");
	must(symlinkat("file", s, "link") == 0 && symlinkat("d", s, "dlink") == 0 &&
		symlinkat("../..", s, "up") == 0,
	    "sentinel links");
	/* old times, so that any touch shows */
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	static const char *const names[] = { "d/f", "d", "file", "link", "dlink", "up", "." };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		must(utimensat(s, names[i], old, AT_SYMLINK_NOFOLLOW) == 0, names[i]);
	F.nsnap = take(s, "", F.snap, 0);
	close(s);
	F.ready = 1;
}

/* box/ holds root and sentinel, in/ the layer alone, the scratch
 * directory in/ and box/. */
static void
only(int dfd, const char *what, const char *a, const char *b)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	must(d != NULL, what);
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		if (strcmp(n, ".") != 0 && strcmp(n, "..") != 0 && strcmp(n, a) != 0 &&
		    (b == NULL || strcmp(n, b) != 0))
			FAIL("%s holds %s, made by the unpacker", what, n);
	}
	closedir(d);
}

static void
check_outside(void)
{
	struct snap now[NSNAP];
	int s = openat(F.boxfd, "sentinel", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	only(F.sfd, "the scratch directory", "in", "box");
	only(F.boxfd, "box/", "root", "sentinel");
	must(s >= 0, "box/sentinel is no longer a directory");
	size_t n = take(s, "", now, 0);
	close(s);
	if (n != F.nsnap)
		FAIL("the sentinel has %zu names, had %zu", n, F.nsnap);
	for (size_t i = 0; i < n; i++)
		if (strcmp(now[i].name, F.snap[i].name) != 0 ||
		    !same_stat(&now[i].st, &F.snap[i].st) ||
		    memcmp(now[i].text, F.snap[i].text, sizeof now[i].text) != 0)
			FAIL("sentinel%s changed", F.snap[i].name);
}

struct inode {
	ino_t ino;
	nlink_t nlink;
};

struct walk {
	dev_t dev;
	struct inode *v;
	size_t n, cap;
};

static void
check_entry(struct walk *w, const char *path, const struct stat *st)
{
	mode_t m = st->st_mode;

	if (!S_ISREG(m) && !S_ISDIR(m) && !S_ISLNK(m))
		FAIL("%s: of type 0%o", path, (unsigned)(m & S_IFMT));
	if (st->st_dev != w->dev)
		FAIL("%s: on another file system", path);
	if (!S_ISLNK(m) && (m & (S_ISUID | S_ISGID)) != 0)
		FAIL("%s: mode %04o, a set-ID bit", path, (unsigned)(m & 07777));
	if ((S_ISREG(m) && (m & 0600) != 0600) || (S_ISDIR(m) && (m & 0700) != 0700))
		FAIL("%s: mode %04o, not ours to read", path, (unsigned)(m & 07777));
	for (size_t i = 0; i < F.nsnap; i++)
		if (st->st_ino == F.snap[i].st.st_ino)
			FAIL("%s: the sentinel's inode (%s)", path, F.snap[i].name);
	if (S_ISDIR(m))
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		if ((w->v = reallocarray(w->v, w->cap, sizeof *w->v)) == NULL)
			abort();
	}
	w->v[w->n++] = (struct inode){ st->st_ino, st->st_nlink };
}

static void
walk_dir(struct walk *w, int dfd, const char *path)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	char sub[PATH_MAX + 256];

	must(d != NULL, path);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		must(fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0, sub);
		check_entry(w, sub, &st);
		if (!S_ISDIR(st.st_mode))
			continue;
		int c =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		must(c >= 0, sub);
		walk_dir(w, c, sub);
		close(c);
	}
	closedir(d);
}

static int
by_ino(const void *a, const void *b)
{
	const struct inode *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void
check_root(int rootfd)
{
	struct walk w = { 0 };
	struct stat st;

	must(fstat(rootfd, &st) == 0, "root");
	w.dev = st.st_dev;
	check_entry(&w, "/", &st);
	walk_dir(&w, rootfd, "");
	/* every name of a file is in the root: none outside */
	if (w.n > 0)
		qsort(w.v, w.n, sizeof *w.v, by_ino);
	for (size_t i = 0, j; i < w.n; i = j) {
		for (j = i; j < w.n && w.v[j].ino == w.v[i].ino; j++)
			;
		if (w.v[i].nlink != j - i)
			FAIL("inode %llu: %llu links, %zu of them in the root",
			    (unsigned long long)w.v[i].ino, (unsigned long long)w.v[i].nlink,
			    j - i);
	}
	free(w.v);
}

/* The side table: its header, then "TYPE UID GID MODE PATH" lines. */
static void
check_owners(const char *t, size_t len)
{
	static const char head[] = "sidebundle-owners 1\n";

	if (len < strlen(head) || memcmp(t, head, strlen(head)) != 0)
		FAIL("the side table starts \"%.20s\"", t);
	for (const char *l = t + strlen(head); l < t + len;) {
		const char *e = memchr(l, '\n', (size_t)(t + len - l));
		long long uid, gid;
		unsigned mode;
		int at = 0;
		if (e == NULL)
			FAIL("the side table ends inside a line");
		if (strchr("fdlcbps", l[0]) == NULL || l[0] == '\0' ||
		    sscanf(l + 1, " %lld %lld %o %n", &uid, &gid, &mode, &at) != 3 || at == 0 ||
		    mode > 07777 || l[1 + at] != '/' || memchr(l, '\0', (size_t)(e - l)) != NULL)
			FAIL("a side table line: %.*s", (int)(e - l), l);
		l = e + 1;
	}
}

static int
compressed(const uint8_t *p, size_t n)
{
	return (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	    (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct unpack u;
	char *table = NULL, path[PATH_MAX + 32];
	size_t tlen = 0;
	int rc = 0;

	if (!F.ready)
		setup();
	must(mkdirat(F.boxfd, "root", 0755) == 0, "box/root");
	int rootfd = openat(F.boxfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FILE *owners = open_memstream(&table, &tlen);
	must(rootfd >= 0 && owners != NULL, "box/root");
	must(unpack_init(&u, rootfd, MAX_BYTES, MAX_ENTRIES, owners) == 0, "unpack_init");
	snprintf(path, sizeof path, "%s/layer", F.in);
	/* a path the unpacker took as relative would land in box/ */
	must(fchdir(F.boxfd) == 0, "chdir box");
	for (int i = 0; i < NLAYERS && p <= end && rc == 0; i++) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
		char got[65], err[512], want[65];
		struct blob b;
		unsigned char *layer = malloc(n + 1);
		if (layer == NULL)
			abort();
		memcpy(layer, p, n);
		tarfix(layer, n);
		scratch_write(path, layer, n);
		must(blob_open(&F.src, "layer", n, &b, err, sizeof err) == 0, err);
		rc = unpack_layer(&u, &b, LC_ANY, NULL, got);
		blob_close(&b);
		if (rc == 0 && !compressed(layer, n)) {
			SHA256Data(layer, n, want);
			if (strcmp(got, want) != 0)
				FAIL("layer %d: diff_id %s, its bytes are %s", i, got, want);
		}
		if (rc < 0 && u.err[0] == '\0')
			FAIL("layer %d refused without a word", i);
		free(layer);
		if (sep == NULL)
			break;
		p = sep + strlen(SEP);
	}
	if (rc == 0 && unpack_finish(&u) < 0)
		FAIL("unpack_finish: %s", u.err);
	must(fchdir(F.cwd) == 0, "chdir back");
	must(fclose(owners) == 0, "the side table");
	must(unlinkat(F.sfd, "in/layer", 0) == 0 || errno == ENOENT, "in/layer");
	check_outside();
	check_root(rootfd);
	check_owners(table, tlen);
	free(table);
	unpack_free(&u);
	close(rootfd);
	must(scratch_remove(F.boxfd, "root") == 0, "removing box/root");
	return 0;
}
