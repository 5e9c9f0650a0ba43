/*
 * bin/: the static launcher copied in as bin/.sidebundle-launcher, and
 * each entry a relative symlink to it (bin/python3 ->
 * .sidebundle-launcher), so the bundle can be moved or copied as a
 * whole.  The launcher takes everything else it needs from
 * manifest.lock's header (run mode, entries, library directories, env);
 * see sidebundle-launcher(7).  Here we only check that what it will
 * look for is in the payload, so that a broken bundle fails at create
 * time rather than at its first run.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filehash.h"
#include "launch.h"
#include "layout.h"

#ifndef SB_LIBDIR
#define SB_LIBDIR "/usr/local/lib/sidebundle"
#endif

char *
launcher_find(void)
{
	char self[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		*slash = '\0';
		/* the build tree, then a relocated install (bin/ and lib/) */
		snprintf(cand, sizeof cand, "%s/" SB_INSTALLED_LAUNCHER, self);
		if (access(cand, X_OK) == 0)
			return strdup(cand);
		snprintf(cand, sizeof cand, "%s/../lib/sidebundle/" SB_INSTALLED_LAUNCHER, self);
		if (access(cand, X_OK) == 0)
			return strdup(cand);
	}
	if (access(SB_LIBDIR "/" SB_INSTALLED_LAUNCHER, X_OK) == 0)
		return strdup(SB_LIBDIR "/" SB_INSTALLED_LAUNCHER);
	errno = ENOENT;
	return NULL;
}

/* Copy the file src to bin/name with mode. */
static int
copy_in(int bindirfd, const char *src, const char *name, mode_t mode)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t n;

	if (in < 0) {
		warn("%s", src);
		return -1;
	}
	out = openat(bindirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	/* fchmod: the umask must not take the execute bits away */
	if (out < 0 || fchmod(out, mode) < 0) {
		warn("bin/%s", name);
		goto out;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			warn("%s", src);
			goto out;
		}
		for (ssize_t w, off = 0; off < n; off += w) {
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				warn("bin/%s", name);
				goto out;
			}
		}
	}
	rc = 0;
out:
	close(in);
	if (out >= 0 && close(out) < 0 && rc == 0) {
		warn("bin/%s", name);
		rc = -1;
	}
	return rc;
}

/*
 * The launcher, and next to it host mode's shim (libsidebundle-shim.so,
 * installed beside the launcher): bin/.sidebundle-shim.so.  A bundle
 * without the shim still runs; host mode then cannot map absolute paths
 * into the payload, so its absence is only a warning.
 */
int
launcher_install(int bindirfd, const char *launcher)
{
	if (copy_in(bindirfd, launcher, SB_LAYOUT_LAUNCHER, 0755) < 0)
		return -1;
	char shim[PATH_MAX];
	const char *slash = strrchr(launcher, '/');
	int dl = slash ? (int)(slash - launcher) : 1;
	snprintf(shim, sizeof shim, "%.*s/%s", dl, slash ? launcher : ".", SB_INSTALLED_SHIM);
	if (access(shim, R_OK) < 0) {
		warnx(
		    "%s not found next to the launcher: host mode will not map absolute paths into the payload",
		    SB_INSTALLED_SHIM);
		return 0;
	}
	return copy_in(bindirfd, shim, SB_LAYOUT_SHIM, 0644);
}

/* path must lead to something in the payload. */
static int
check_in_payload(const struct closure *c, const struct entry *e, const char *path)
{
	char *r = closure_resolve(c, path);

	if (r == NULL) {
		warnx("%s: %s is not in the payload", e->name, path);
		return -1;
	}
	free(r);
	return 0;
}

int
launch_link_write(int bindirfd, const struct closure *c, const struct entry *e)
{
	if (check_in_payload(c, e, e->path) < 0 ||
	    (e->interp && check_in_payload(c, e, e->interp) < 0) ||
	    (e->interp_ldso && check_in_payload(c, e, e->interp_ldso) < 0))
		return -1;
	if (strcmp(e->name, SB_LAYOUT_LAUNCHER) == 0 || strcmp(e->name, SB_LAYOUT_SHIM) == 0) {
		warnx("%s: this entry name is the launcher's own", e->name);
		return -1;
	}
	if (symlinkat(SB_LAYOUT_LAUNCHER, bindirfd, e->name) < 0) {
		warn("bin/%s", e->name);
		return -1;
	}
	return 0;
}

int
launch_bin_records(int buildfd, struct manifest *m)
{
	int fd = openat(buildfd, SB_LAYOUT_BIN, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	m->bins = NULL;
	m->nbins = 0;
	if (d == NULL) {
		warn(SB_LAYOUT_BIN);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			warn("bin/%s", de->d_name);
			rc = -1;
			break;
		}
		if (!S_ISREG(st.st_mode))
			continue; /* the entries' links, checked against the entries */
		struct mf_bin *v = reallocarray(m->bins, m->nbins + 1, sizeof *v);
		if (v == NULL) {
			warn(NULL);
			rc = -1;
			break;
		}
		m->bins = v;
		struct mf_bin *x = &v[m->nbins];
		x->mode = st.st_mode & 07777;
		if ((x->name = strdup(de->d_name)) == NULL) {
			warn(NULL);
			rc = -1;
			break;
		}
		m->nbins++;
		if (file_sha256(dirfd(d), de->d_name, x->sha, &x->size) < 0) {
			warn("bin/%s", de->d_name);
			rc = -1;
		}
	}
	closedir(d);
	if (rc < 0)
		launch_bin_records_free(m);
	return rc;
}

void
launch_bin_records_free(struct manifest *m)
{
	for (size_t i = 0; i < m->nbins; i++)
		free(m->bins[i].name);
	free(m->bins);
	m->bins = NULL;
	m->nbins = 0;
}
