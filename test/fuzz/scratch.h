/*
 * A scratch directory for the fuzz targets that need files (oci.c,
 * imgsrc.c, layer.c): one per process, made at the first input on
 * /dev/shm when it is there (tmpfs: no disk, fast), else in $TMPDIR or
 * /tmp, and removed at exit whatever it holds (after a crash, by the
 * next target that starts there).
 */
#ifndef SB_FUZZ_SCRATCH_H
#define SB_FUZZ_SCRATCH_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_dir[PATH_MAX];

/* Remove name under at and everything below it, never following a
 * link, making directories writable on the way.  -1 with errno. */
static inline int
scratch_remove(int at, const char *name)
{
	struct stat st;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0);
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0) {
		if (fd >= 0)
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
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = scratch_remove(dirfd(d), de->d_name);
	if (rc == 0 && errno != 0)
		rc = -1;
	closedir(d);
	return rc == 0 ? unlinkat(at, name, AT_REMOVEDIR) : -1;
}

static inline void
scratch_cleanup(void)
{
	if (scratch_dir[0] != '\0' && scratch_remove(AT_FDCWD, scratch_dir) < 0)
		fprintf(stderr, "%s: %s\n", scratch_dir, strerror(errno));
	scratch_dir[0] = '\0';
}

/* Remove what the targets that died left in base: a crash ends the
 * process without its atexit handlers (and -fork jobs are killed).
 * Their directories are "sbfuzz-NAME.PID.XXXXXX"; one whose process
 * is gone is removed. */
static inline void
scratch_sweep(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *dot =
		    strncmp(de->d_name, "sbfuzz-", 7) == 0 ? strchr(de->d_name, '.') : NULL;
		char *end;
		long pid = dot ? strtol(dot + 1, &end, 10) : 0;
		if (pid <= 0 || *end != '.' || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		/* another user's is not ours to remove (a sticky /tmp) */
		if (scratch_remove(dirfd(d), de->d_name) < 0 && errno != EPERM && errno != EACCES)
			fprintf(stderr, "%s/%s: %s\n", base, de->d_name, strerror(errno));
	}
	closedir(d);
}

/* The scratch directory's path, made at the first call; name says
 * whose it is. */
static inline const char *
scratch(const char *name)
{
	if (scratch_dir[0] != '\0')
		return scratch_dir;
	const char *base = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	scratch_sweep(base);
	snprintf(scratch_dir, sizeof scratch_dir, "%s/sbfuzz-%s.%ld.XXXXXX", base, name,
	    (long)getpid());
	if (mkdtemp(scratch_dir) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", scratch_dir, strerror(errno));
		abort();
	}
	atexit(scratch_cleanup);
	return scratch_dir;
}

/* Write n bytes at p to the file path, replacing it. */
static inline void
scratch_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *c = p;

	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		abort();
	}
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			abort();
		}
		c += w;
		n -= (size_t)w;
	}
	if (close(fd) < 0)
		abort();
}

#endif
