/*
 * sidebundle verify DIR/NAME: the payload against its manifest.  Every
 * difference is reported, one line each, so a user sees the whole damage
 * at once; nothing is ever followed through a symlink of the payload.
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

#include "layout.h"
#include "manifest.h"
#include "payload.h"
#include "verify.h"

#define VERIFY_USAGE "usage: sidebundle verify DIR/NAME\n"

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

static int
hash_file(int dirfd, const char *name, char out[65], uint64_t *size)
{
	static unsigned char buf[1 << 16];
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA2_CTX ctx;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	SHA256Init(&ctx);
	*size = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		SHA256Update(&ctx, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	close(fd);
	SHA256Final(md, &ctx);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
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
		if (hash_file(pfd, base, sha, &size) < 0)
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

int
cmd_verify(int argc, char **argv)
{
	struct verifier v = { .payfd = -1 };
	struct manifest m;
	char errbuf[600];
	size_t nf = 0, nd = 0, nl = 0;
	int added, bfd;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(VERIFY_USAGE, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(VERIFY_USAGE, stderr);
		return 2;
	}
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
	close(v.payfd);
	close(bfd);
	strmap_free(&v.known);
	manifest_free(&m);
	if (v.problems) {
		fprintf(stderr, "sidebundle: %s: %zu difference%s from %s\n", argv[1], v.problems,
		    v.problems == 1 ? "" : "s", MANIFEST_FILE);
		return 1;
	}
	printf("ok: %zu files, %zu dirs, %zu symlinks\n", nf, nd, nl);
	return 0;
}
