/*
 * sidebundle verify DIR/NAME: the bundle against its manifest: every
 * payload path, and what runs from bin/ (each entry a link to the
 * launcher, the launcher and the shim by their recorded hash, nothing
 * else there).  Every difference is reported, one line each, so a user
 * sees the whole damage at once; nothing is ever followed through a
 * symlink of the bundle.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filehash.h"
#include "layout.h"
#include "manifest.h"
#include "payload.h"
#include "rootwalk.h"
#include "verify.h"

#define VERIFY_USAGE "usage: sidebundle verify DIR/NAME\n"
#define VERIFY_HELP                                                                                \
	VERIFY_USAGE                                                                               \
	"Check the bundle's payload and bin/ against its manifest: one line per file, directory\n" \
	"or link missing, added or changed.\n"                                                     \
	"  -h, --help  this help\n"

struct verifier {
	int payfd;
	struct strmap known; /* manifest paths */
	size_t problems;
};

static void
report(struct verifier *v, const char *what, const char *path, const char *why)
{
	char *e = mf_escape(path);

	/* escaped as in the manifest: one line per problem, whatever bytes
	 * the path holds */
	printf("%s: %s%s%s%s\n", what, e ? e : path, why ? " (" : "", why ? why : "",
	    why ? ")" : "");
	free(e);
	v->problems++;
}

static void
check_rec(struct verifier *v, const struct mf_rec *r)
{
	const char *base = strrchr(r->path, '/') + 1;
	char dir[PATH_MAX];
	size_t dl = (size_t)(base - 1 - r->path);
	struct stat st;

	memcpy(dir, r->path, dl ? dl : 1);
	dir[dl ? dl : 1] = '\0';
	int pfd = payload_open_dir(v->payfd, dir);
	if (pfd < 0 || fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		report(v, "missing", r->path, NULL);
		if (pfd >= 0)
			close(pfd);
		return;
	}
	switch (r->type) {
	case MF_FILE: {
		char sha[65];
		uint64_t size;
		if (!S_ISREG(st.st_mode)) {
			report(v, "changed", r->path, "not a regular file");
			break;
		}
		if ((st.st_mode & 07777) != r->mode)
			report(v, "mode", r->path, NULL);
		if (file_sha256(pfd, base, sha, &size) < 0)
			report(v, "changed", r->path, strerror(errno));
		else if (size != r->size || strcmp(sha, r->sha) != 0)
			report(v, "changed", r->path, "sha256");
		break;
	}
	case MF_DIR:
		if (!S_ISDIR(st.st_mode))
			report(v, "changed", r->path, "not a directory");
		else if ((st.st_mode & 07777) != r->mode)
			report(v, "mode", r->path, NULL);
		break;
	case MF_SYMLINK: {
		char t[PATH_MAX];
		ssize_t n;
		if (!S_ISLNK(st.st_mode)) {
			report(v, "changed", r->path, "not a symlink");
			break;
		}
		n = readlinkat(pfd, base, t, sizeof t);
		if (n < 0 || (size_t)n >= sizeof t || (t[n] = '\0', strcmp(t, r->target) != 0))
			report(v, "changed", r->path, "symlink target");
		break;
	}
	}
	close(pfd);
}

/* Report every path below dir (payload path) the manifest does not list. */
static void
find_added(struct verifier *v, int fd0, const char *dir)
{
	DIR *d = fdopendir(fd0);
	struct dirent *de;

	if (d == NULL) {
		close(fd0);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name);
		if (strmap_get(&v->known, path) == NULL) {
			report(v, "added", path, NULL);
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				find_added(v, fd, path);
		}
	}
	closedir(d);
}

/* The file the manifest records as bin/name, against bin/ (binfd). */
static void
check_bin_file(struct verifier *v, int binfd, const struct mf_bin *x)
{
	char path[NAME_MAX + 8], sha[65];
	struct stat st;
	uint64_t size;

	snprintf(path, sizeof path, SB_LAYOUT_BIN "/%s", x->name);
	if (fstatat(binfd, x->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		report(v, "missing", path, NULL);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		report(v, "changed", path, "not a regular file");
		return;
	}
	if ((st.st_mode & 07777) != x->mode)
		report(v, "mode", path, NULL);
	if (file_sha256(binfd, x->name, sha, &size) < 0)
		report(v, "changed", path, strerror(errno));
	else if (size != x->size || strcmp(sha, x->sha) != 0)
		report(v, "changed", path, "sha256");
}

/* bin/<entry>: a link to the launcher, nothing else. */
static void
check_bin_link(struct verifier *v, int binfd, const struct mf_entry *e)
{
	char path[NAME_MAX + 8], t[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(path, sizeof path, SB_LAYOUT_BIN "/%s", e->name);
	if (fstatat(binfd, e->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		report(v, "missing", path, NULL);
		return;
	}
	if (!S_ISLNK(st.st_mode)) {
		report(v, "changed", path, "not a symlink");
		return;
	}
	n = readlinkat(binfd, e->name, t, sizeof t);
	if (n < 0 || (size_t)n >= sizeof t || (t[n] = '\0', strcmp(t, SB_LAYOUT_LAUNCHER) != 0))
		report(v, "changed", path, "symlink target");
}

static const struct mf_bin *
bin_file(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nbins; i++)
		if (strcmp(m->bins[i].name, name) == 0)
			return &m->bins[i];
	return NULL;
}

/* The manifest's records as the file system for sb_walk: an entry's
 * path must lead to a file of the payload. */
struct mwalk {
	const struct manifest *m;
	const struct strmap *known;
};

static const struct mf_rec *
mw_rec(const struct mwalk *mw, const char *p)
{
	size_t *i = strmap_get(mw->known, p);
	return i ? &mw->m->recs[*i] : NULL;
}

static int
mw_lstat(void *ctx, const char *p, struct stat *st)
{
	const struct mf_rec *r = *p ? mw_rec(ctx, p) : NULL;

	memset(st, 0, sizeof *st);
	if (*p == '\0') {
		st->st_mode = S_IFDIR | 0755;
		return 0;
	}
	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	st->st_mode = (r->type == MF_FILE	  ? S_IFREG
			      : r->type == MF_DIR ? S_IFDIR
						  : S_IFLNK) |
	    (r->type == MF_SYMLINK ? 0777 : r->mode);
	return 0;
}

static long
mw_readlink(void *ctx, const char *p, char *buf, size_t n)
{
	const struct mf_rec *r = mw_rec(ctx, p);
	size_t tl = r && r->target ? strlen(r->target) : 0;

	if (r == NULL || r->type != MF_SYMLINK) {
		errno = EINVAL;
		return -1;
	}
	if (tl >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, r->target, tl);
	return (long)tl;
}

/* Does path lead, inside the manifest, to an executable file? */
static int
runs(const struct manifest *m, const struct strmap *known, const char *path)
{
	static const struct sb_walk_ops ops = { mw_lstat, mw_readlink, NULL };
	struct mwalk mw = { m, known };
	struct sb_walk w;

	return sb_walk(&w, &ops, &mw, "", path, 0) == 0 && S_ISREG(w.st.st_mode) &&
	    (w.st.st_mode & 0111) != 0;
}

/* bin/ against the manifest: the entries, the recorded files, nothing
 * more; and each entry (and a script's interpreter) leads to a file the
 * payload records. */
static void
check_bin(struct verifier *v, int bfd, const struct manifest *m, const char *bundle)
{
	int binfd = openat(bfd, SB_LAYOUT_BIN, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	for (size_t i = 0; i < m->nentries; i++) {
		const struct mf_entry *e = &m->entries[i];
		if (!runs(m, &v->known, e->path))
			report(v, "entry", e->name,
			    "its path is no executable file of the payload");
		else if (strcmp(e->kind, "script") == 0 && !runs(m, &v->known, e->interp))
			report(v, "entry", e->name,
			    "its interpreter is no executable file of the payload");
	}
	if (binfd < 0) {
		report(v, "missing", SB_LAYOUT_BIN, NULL);
		return;
	}
	if (m->nbins == 0)
		warnx("warning: %s/manifest.lock records no file of bin/ (a bundle made by an "
		      "older sidebundle): the launcher and the shim are not checked",
		    bundle);
	for (size_t i = 0; i < m->nbins; i++)
		check_bin_file(v, binfd, &m->bins[i]);
	for (size_t i = 0; i < m->nentries; i++)
		check_bin_link(v, binfd, &m->entries[i]);
	DIR *d = fdopendir(binfd);
	struct dirent *de;
	if (d == NULL) {
		close(binfd);
		report(v, "changed", SB_LAYOUT_BIN, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		char path[NAME_MAX + 8];
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || bin_file(m, n) != NULL ||
		    manifest_entry(m, n) != NULL)
			continue;
		if (m->nbins == 0 &&
		    (strcmp(n, SB_LAYOUT_LAUNCHER) == 0 || strcmp(n, SB_LAYOUT_SHIM) == 0))
			continue;
		snprintf(path, sizeof path, SB_LAYOUT_BIN "/%s", n);
		report(v, "added", path, NULL);
	}
	closedir(d);
}

int
cmd_verify(int argc, char **argv)
{
	struct verifier v = { .payfd = -1 };
	struct manifest m;
	char errbuf[600];
	size_t nf = 0, nd = 0, nl = 0;
	int added, bfd;

	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int ch;

	while ((ch = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		if (ch == 'h') {
			fputs(VERIFY_HELP, stdout);
			return 0;
		}
		fputs(VERIFY_USAGE, stderr);
		return 2;
	}
	if (optind != argc - 1) {
		fputs(VERIFY_USAGE, stderr);
		return 2;
	}
	argv += optind - 1; /* the bundle is argv[1] below */
	if ((bfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		err(1, "%s", argv[1]);
	if (manifest_read(&m, bfd, MF_ALL, errbuf, sizeof errbuf) < 0)
		errx(1, "%s/%s", argv[1], errbuf);
	v.payfd = openat(bfd, SB_LAYOUT_PAYLOAD, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (v.payfd < 0)
		err(1, "%s/payload", argv[1]);
	for (size_t i = 0; i < m.nrecs; i++) {
		if (strmap_put(&v.known, m.recs[i].path, i, &added) == NULL)
			err(1, NULL);
		check_rec(&v, &m.recs[i]);
		nf += m.recs[i].type == MF_FILE;
		nd += m.recs[i].type == MF_DIR;
		nl += m.recs[i].type == MF_SYMLINK;
	}
	int fd = dup(v.payfd);
	if (fd < 0)
		err(1, "dup");
	find_added(&v, fd, "/");
	check_bin(&v, bfd, &m, argv[1]);
	size_t ne = m.nentries, nb = m.nbins;
	close(v.payfd);
	close(bfd);
	strmap_free(&v.known);
	manifest_free(&m);
	if (v.problems) {
		fprintf(stderr, "sidebundle: %s: %zu difference%s from %s\n", argv[1], v.problems,
		    v.problems == 1 ? "" : "s", MANIFEST_FILE);
		return 1;
	}
	printf("ok: %zu files, %zu dirs, %zu symlinks; bin/: %zu entr%s, %zu file%s\n", nf, nd, nl,
	    ne, ne == 1 ? "y" : "ies", nb, nb == 1 ? "" : "s");
	return 0;
}
