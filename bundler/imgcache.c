/*
 * The cache of unpacked images: see imgcache.h.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "create.h"
#include "fdio.h"
#include "imgcache.h"
#include "layer.h"
#include "payload.h"

char *
imgcache_base(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *out;

	/* the XDG rule: a relative value is to be ignored */
	if (x != NULL && x[0] == '/')
		return asprintf(&out, "%s/sidebundle/images", x) < 0 ? NULL : out;
	if (home == NULL || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] != '/') {
		errno = ENOENT;
		return NULL;
	}
	return asprintf(&out, "%s/.cache/sidebundle/images", home) < 0 ? NULL : out;
}

/* mkdir -p, each level we make private to us */
static int
make_dirs(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = buf + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -1;
		*s = c;
		if (c == '\0')
			return 0;
	}
}

/* Is dir/HEX a finished root of our format? */
static int
complete(int algfd, const char *hex)
{
	char name[128], buf[64];
	struct stat st;

	snprintf(name, sizeof name, "%s/format", hex);
	int fd = openat(algfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	snprintf(name, sizeof name, "%s/rootfs", hex);
	return n == (ssize_t)strlen(IMGCACHE_FORMAT) &&
	    memcmp(buf, IMGCACHE_FORMAT, (size_t)n) == 0 &&
	    fstatat(algfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* .HEX.tmp-XXXXXX left by an interrupted create (we hold HEX's lock). */
static void
remove_stale(int algfd, const char *hex)
{
	char prefix[80];
	int fd = dup(algfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(prefix, sizeof prefix, ".%s.tmp-", hex);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    tree_remove(algfd, de->d_name) < 0)
			warn("removing %s", de->d_name);
	closedir(d);
}

/* Unpack every layer of im into tmp (a directory below algfd). */
static int
unpack(int tmpfd, const char *tmppath, struct oci_image *im, uint64_t max_bytes,
    uint64_t max_entries, const char *const *dirs, int quiet)
{
	struct unpack u;
	char err[1024], got[65];
	int rootfd = -1, ofd = -1, rc = -1;
	FILE *owners = NULL;

	if (mkdirat(tmpfd, "rootfs", 0755) < 0 ||
	    (rootfd = openat(tmpfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) <
		0 ||
	    (ofd = openat(tmpfd, "owners", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		 0644)) < 0 ||
	    (owners = fdopen(ofd, "w")) == NULL) {
		warn("%s", tmppath);
		if (ofd >= 0)
			close(ofd);
		if (rootfd >= 0)
			close(rootfd);
		return -1;
	}
	if (unpack_init(&u, rootfd, max_bytes, max_entries, owners) < 0) {
		warn("%s/owners", tmppath);
		goto out;
	}
	if (!quiet)
		fprintf(stderr, "sidebundle: %s: unpacking %zu layer%s\n", im->digest, im->nlayers,
		    im->nlayers == 1 ? "" : "s");
	for (size_t i = 0; i < im->nlayers; i++) {
		struct blob b;
		if (oci_layer_open(im, i, &b, err, sizeof err) < 0) {
			warnx("layer %zu: %s", i + 1, err);
			goto out;
		}
		int r = unpack_layer(&u, &b, im->layers[i].comp, im->layers[i].diff_id, got);
		if (r < 0)
			warnx("layer %zu (%s): %s", i + 1, im->layers[i].name, u.err);
		else if ((r = oci_layer_verify(im, i, &b, err, sizeof err)) < 0)
			warnx("layer %zu: %s", i + 1, err);
		blob_close(&b);
		if (r < 0)
			goto out;
	}
	if (unpack_finish(&u) < 0) {
		warnx("%s", u.err);
		goto out;
	}
	for (size_t i = 0; dirs[i] != NULL; i++) {
		char real[PATH_MAX];
		struct stat st;
		int there = fstatat(rootfd, dirs[i] + 1, &st, AT_SYMLINK_NOFOLLOW) == 0;
		int fd = layer_open_dir(rootfd, dirs[i], 1, real, sizeof real);
		if (fd < 0) {
			warn("%s: %s in the image", im->digest, dirs[i]);
			goto out;
		}
		if (!there && strcmp(dirs[i], "/tmp") == 0 && fchmod(fd, 01777) < 0) {
			close(fd);
			warn("%s: /tmp", tmppath);
			goto out;
		}
		close(fd);
	}
	if (u.left_out > 0 && !quiet)
		fprintf(stderr,
		    "sidebundle: %s: left out %llu device nodes, fifos and sockets (listed in "
		    "owners)\n",
		    im->digest, (unsigned long long)u.left_out);
	rc = 0;
out:
	unpack_free(&u);
	if (fclose(owners) != 0 && rc == 0) {
		warn("%s/owners", tmppath);
		rc = -1;
	}
	close(rootfd);
	return rc;
}

int
imgcache_get(struct imgcache *c, struct oci_image *im, uint64_t max_bytes, uint64_t max_entries,
    const char *const *dirs, int quiet)
{
	char *base = imgcache_base(), alg[PATH_MAX], name[128], tmp[PATH_MAX];
	const char *hex = im->digest + strlen("sha256:");
	int algfd = -1, tmpfd = -1, rc = -1;

	memset(c, 0, sizeof *c);
	c->lockfd = -1;
	tmp[0] = '\0';
	if (base == NULL) {
		warnx("no cache directory for images: set XDG_CACHE_HOME or HOME");
		return -1;
	}
	int too_long = snprintf(alg, sizeof alg, "%s/sha256", base) >= (int)sizeof alg - 128;
	free(base);
	if (too_long) {
		warnx("the image cache's directory name is too long");
		return -1;
	}
	if (make_dirs(alg) < 0 || (algfd = open(alg, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warn("%s", alg);
		return -1;
	}
	snprintf(name, sizeof name, ".%s.lock", hex);
	c->lockfd = openat(algfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c->lockfd < 0) {
		warn("%s/%s", alg, name);
		goto out;
	}
	if (flock(c->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			warn("%s/%s", alg, name);
			goto out;
		}
		if (!quiet)
			fprintf(stderr,
			    "sidebundle: %s: waiting for another sidebundle unpacking it\n",
			    im->digest);
		while (flock(c->lockfd, LOCK_EX) < 0) {
			if (errno != EINTR || sb_interrupted) {
				warn("%s/%s", alg, name);
				goto out;
			}
		}
	}
	if (asprintf(&c->dir, "%s/%s", alg, hex) < 0 ||
	    asprintf(&c->root, "%s/%s/rootfs", alg, hex) < 0) {
		warn(NULL);
		goto out;
	}
	if (!complete(algfd, hex)) {
		remove_stale(algfd, hex);
		if (snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", alg, hex) >= (int)sizeof tmp)
			errno = ENAMETOOLONG;
		else if (mkdtemp(tmp) != NULL)
			errno = 0;
		if (errno != 0 ||
		    (tmpfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			warn("%s", tmp);
			tmp[0] = '\0';
			goto out;
		}
		if (unpack(tmpfd, tmp, im, max_bytes, max_entries, dirs, quiet) < 0)
			goto out;
		if (sb_write_new_file(tmpfd, "config.json", im->config, strlen(im->config)) < 0 ||
		    sb_write_new_file(tmpfd, "format", IMGCACHE_FORMAT, strlen(IMGCACHE_FORMAT)) <
			0 ||
		    fchmod(tmpfd, 0755) < 0) {
			warn("%s", tmp);
			goto out;
		}
		const char *tname = strrchr(tmp, '/') + 1;
		if (renameat2(algfd, tname, algfd, hex, RENAME_NOREPLACE) < 0) {
			/* an unfinished one of an older format is there: swap */
			if (errno != EEXIST ||
			    renameat2(algfd, tname, algfd, hex, RENAME_EXCHANGE) < 0) {
				warn("%s", c->dir);
				goto out;
			}
			if (tree_remove(algfd, tname) < 0)
				warn("removing %s", tmp);
		}
		tmp[0] = '\0';
	}
	/* shared while it is used: only a maker of the same image waits */
	if (flock(c->lockfd, LOCK_SH) < 0) {
		warn("%s/%s", alg, name);
		goto out;
	}
	rc = 0;
out:
	if (tmpfd >= 0)
		close(tmpfd);
	if (tmp[0] != '\0' && tree_remove(algfd, strrchr(tmp, '/') + 1) < 0)
		warn("removing %s", tmp);
	if (algfd >= 0)
		close(algfd);
	if (rc < 0)
		imgcache_free(c);
	return rc;
}

void
imgcache_free(struct imgcache *c)
{
	free(c->dir);
	free(c->root);
	if (c->lockfd >= 0)
		close(c->lockfd);
	memset(c, 0, sizeof *c);
	c->lockfd = -1;
}
