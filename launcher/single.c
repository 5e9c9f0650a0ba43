/*
 * A single-file bundle (sidebundle-pack(5)): this launcher, a zstd
 * archive of a bundle directory and a trailer.  The first start extracts
 * the archive into a per-user cache named by the trailer's key, checking
 * every file as it streams, in a temporary directory renamed into place
 * when complete; starts that race wait on a lock instead of extracting
 * twice.  A warm start reads the trailer and the completion marker, and
 * hashes nothing.  Then the entry runs as from a bundle directory,
 * through launch_run(): the run modes exist once.
 *
 * The cache must be ours alone (owned by us, writable by no one else):
 * whoever can write it chooses what we run.
 */
#include <dirent.h>
#include <elf.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "fdio.h"
#include "launcher.h"
#include "layout.h"
#include "pack.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

#define MAX_PLACES 8

/* Identical to the FILE lines of the SYNOPSIS of sidebundle-launcher(7). */
static const char usage_text[] = "usage: FILE [ARG ...]\n"
				 "       FILE --sidebundle-extract DIR\n"
				 "       FILE --sidebundle-info\n"
				 "       FILE --sidebundle-clean\n";

struct self {
	const char *path;
	int fd;
	uint64_t size;
	struct sb_pack_trailer t;
	char key[2 * SB_SHA256_LEN + 1]; /* hex: the extraction's name */
};

static int verbose;

/* A note for SIDEBUNDLE_VERBOSE. */
static void
note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

static long
pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : (long)got;
		got += (size_t)r;
	}
	return (long)got;
}

/* Where the ELF image of fd ends: its section and program header tables
 * and its segments; 0 when it is not a 64-bit ELF file. */
static uint64_t
elf_end(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	uint64_t end;

	if (pread_full(fd, &eh, sizeof eh, 0) != (long)sizeof eh ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof *ph || eh.e_phnum > 64)
		return 0;
	end = eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize;
	if (eh.e_phoff + (uint64_t)eh.e_phnum * sizeof *ph > end)
		end = eh.e_phoff + (uint64_t)eh.e_phnum * sizeof *ph;
	size_t n = eh.e_phnum * sizeof *ph;
	if (pread_full(fd, ph, n, eh.e_phoff) != (long)n)
		return 0;
	for (int i = 0; i < eh.e_phnum; i++)
		if (ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	return end;
}

/* Messages about a single-file bundle carry its name. */
static int
set_name(const char *self)
{
	const char *slash = strrchr(self, '/');

	program_invocation_short_name = (char *)(slash ? slash + 1 : self);
	return 1;
}

/* 1 when our executable carries a trailer, 0 when it is a plain
 * launcher; exits when it is a damaged single-file bundle. */
static int
probe(struct self *s, const char *self)
{
	unsigned char tb[SB_PACK_TRAILER_LEN];
	char errbuf[256];
	struct stat st;
	int rc = 0;

	s->path = self;
	/* our own image, even if the path now names another file */
	if ((s->fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0 &&
	    (s->fd = open(self, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(s->fd, &st) < 0)
		err(EXIT_CANNOT_RUN, "%s", self);
	s->size = (uint64_t)st.st_size;
	if (s->size >= SB_PACK_TRAILER_LEN &&
	    pread_full(s->fd, tb, sizeof tb, s->size - sizeof tb) == (long)sizeof tb)
		rc = sb_pack_trailer_decode(tb, s->size, &s->t, errbuf, sizeof errbuf);
	if (rc < 0) {
		set_name(self);
		errx(EXIT_CANNOT_RUN, "%s: a damaged single-file bundle: %s", self, errbuf);
	}
	if (rc == 0) {
		/* a plain launcher ends where its ELF image ends; anything
		 * more is an archive whose trailer was cut off */
		uint64_t end = elf_end(s->fd);
		if (end > 0 && s->size > end && set_name(self))
			errx(EXIT_CANNOT_RUN,
			    "%s: %llu bytes after the program but no single-file bundle trailer: truncated or damaged",
			    self, (unsigned long long)(s->size - end));
		close(s->fd);
		return 0;
	}
	sb_sha256_hex(s->t.key, s->key);
	return 1;
}

/* --- reading the archive: zstd from our own file */

struct zsrc {
	struct sb_pack_src src; /* first: next() gets it */
	int fd;
	uint64_t off, left; /* compressed bytes still to read */
	uint64_t raw, cap;  /* produced so far, the trailer's size */
	ZSTD_DCtx *d;
	ZSTD_inBuffer in;
	unsigned char *ibuf, *obuf;
	size_t isz, osz, opos, olen;
	size_t last; /* ZSTD_decompressStream's last hint: 0 at a frame's end */
	int full;    /* its last call filled obuf: it may hold more to flush */
};

static long
znext(struct sb_pack_src *sp, const unsigned char **p, size_t max, char *err, size_t errlen)
{
	struct zsrc *z = (struct zsrc *)sp;

	while (z->opos == z->olen) {
		if (z->in.pos == z->in.size && !z->full) {
			if (z->left == 0) {
				if (z->last != 0)
					return sb_say(err, errlen,
					    "the compressed archive ends early: truncated");
				if (z->raw != z->cap)
					return sb_say(err, errlen,
					    "the archive holds %llu bytes, its trailer says %llu",
					    (unsigned long long)z->raw, (unsigned long long)z->cap);
				return 0;
			}
			size_t want = z->left < z->isz ? (size_t)z->left : z->isz;
			long n = pread_full(z->fd, z->ibuf, want, z->off);
			if (n != (long)want)
				return sb_say(err, errlen, "reading the archive: %s",
				    n < 0 ? strerror(errno) : "the file is shorter than it was");
			z->off += want;
			z->left -= want;
			z->in.src = z->ibuf;
			z->in.size = want;
			z->in.pos = 0;
		}
		ZSTD_outBuffer ob = { z->obuf, z->osz, 0 };
		size_t r = ZSTD_decompressStream(z->d, &ob, &z->in);
		if (ZSTD_isError(r))
			return sb_say(err, errlen, "a damaged archive: zstd: %s",
			    ZSTD_getErrorName(r));
		z->last = r;
		z->full = ob.pos == ob.size;
		z->opos = 0;
		z->olen = ob.pos;
		z->raw += ob.pos;
		/* what the trailer says bounds what we write */
		if (z->raw > z->cap)
			return sb_say(err, errlen,
			    "the archive holds more than the %llu bytes its trailer says",
			    (unsigned long long)z->cap);
	}
	size_t n = z->olen - z->opos < max ? z->olen - z->opos : max;
	*p = z->obuf + z->opos;
	z->opos += n;
	return (long)n;
}

static void
zsrc_init(struct zsrc *z, const struct self *s)
{
	memset(z, 0, sizeof *z);
	z->src.next = znext;
	z->fd = s->fd;
	z->off = s->t.offset;
	z->left = s->t.length;
	z->cap = s->t.size;
	z->isz = ZSTD_DStreamInSize();
	z->osz = ZSTD_DStreamOutSize();
	z->ibuf = xmalloc(z->isz);
	z->obuf = xmalloc(z->osz);
	if ((z->d = ZSTD_createDCtx()) == NULL)
		errx(EXIT_CANNOT_RUN, "out of memory");
}

static void
zsrc_free(struct zsrc *z)
{
	ZSTD_freeDCtx(z->d);
	free(z->ibuf);
	free(z->obuf);
}

/* --- extraction */

static int
rename_noreplace(int dfd, const char *from, const char *to)
{
	if (syscall(SYS_renameat2, dfd, from, dfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
	/* a kernel or file system without it: we hold the lock, or the
	 * caller made sure to be alone */
	struct stat st;
	if (fstatat(dfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dfd, from, dfd, to);
}

static void
marker_text(const struct self *s, char *buf, size_t len)
{
	snprintf(buf, len, "sidebundle-pack %d %s\n", SB_PACK_VERSION, s->key);
}

/* dfd/name (the extraction's directory) holds our completion marker. */
static int
marker_ok(const struct self *s, int dfd, const char *name)
{
	char path[NAME_MAX + sizeof SB_PACK_MARKER + 2], buf[160], want[160];

	snprintf(path, sizeof path, "%s/%s", name, SB_PACK_MARKER);
	int fd = openat(dfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	marker_text(s, want, sizeof want);
	return n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

/*
 * Extract the archive as dfd/name: into dfd/PREFIX-<pid>-<n>, checked,
 * marked complete, then renamed into place without replacing anything.
 * 0; 1 when something else took the name first; -1 with a message
 * printed, nothing left behind.
 */
static int
extract_as(struct self *s, int dfd, const char *name, const char *prefix, const char *shown,
    int loud)
{
	char tmp[NAME_MAX + 1], errbuf[1024], mark[160];
	struct sb_pack_result res;
	struct zsrc z;
	struct timespec t0, t1;
	int tfd = -1, rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0;; i++) {
		snprintf(tmp, sizeof tmp, "%.200s-%ld-%d", prefix, (long)getpid(), i);
		if (mkdirat(dfd, tmp, 0700) == 0)
			break;
		if (errno != EEXIST || i == 1000) {
			warn("%s: cannot make a directory to extract into", shown);
			return -1;
		}
	}
	note("extracting into %s", shown);
	if ((tfd = openat(dfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		sb_say(errbuf, sizeof errbuf, "%s", strerror(errno));
		goto out;
	}
	zsrc_init(&z, s);
	int urc = sb_pack_unpack(&z.src, tfd, &res, errbuf, sizeof errbuf);
	zsrc_free(&z);
	if (urc < 0)
		goto out;
	if (memcmp(res.manifest, s->t.manifest, SB_SHA256_LEN) != 0) {
		sb_say(errbuf, sizeof errbuf,
		    "manifest.lock is not the one the trailer names (sha256)");
		goto out;
	}
	if (memcmp(res.key, s->t.key, SB_SHA256_LEN) != 0) {
		sb_say(errbuf, sizeof errbuf, "the archive is not the one the trailer names (key)");
		goto out;
	}
	marker_text(s, mark, sizeof mark);
	if (sb_write_new_file(tfd, SB_PACK_MARKER, mark, strlen(mark)) < 0 ||
	    fchmod(tfd, 0755) < 0) {
		sb_say(errbuf, sizeof errbuf, "%s: %s", SB_PACK_MARKER, strerror(errno));
		goto out;
	}
	if (rename_noreplace(dfd, tmp, name) < 0) {
		if (errno == EEXIST || errno == ENOTEMPTY) {
			rc = 1;
			goto out;
		}
		sb_say(errbuf, sizeof errbuf, "rename: %s", strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (loud || verbose)
		warnx(
		    "extracted %llu files (%llu bytes), %llu directories, %llu symlinks into %s in %.0f ms",
		    (unsigned long long)res.files, (unsigned long long)res.bytes,
		    (unsigned long long)res.dirs, (unsigned long long)res.symlinks, shown,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	rc = 0;
out:
	if (tfd >= 0)
		close(tfd);
	if (rc != 0) {
		if (sb_pack_rmtree(dfd, tmp) < 0)
			warn("%s: cannot remove the partial extraction %s", shown, tmp);
		if (rc < 0)
			warnx("cannot extract into %s: %s", shown, errbuf);
	}
	return rc;
}

/* --- the cache */

struct place {
	char *dir;
	int asked; /* SIDEBUNDLE_CACHE: say why it is not used */
};

static size_t
places(struct place *p, const struct self *s)
{
	const char *v;
	char buf[PATH_MAX];
	size_t n = 0;

	if ((v = getenv(SB_ENV_CACHE)) != NULL && *v) {
		if (*v == '/') {
			p[n].asked = 1;
			p[n++].dir = xstrdup(v);
		} else if (getcwd(buf, sizeof buf) != NULL) {
			p[n].asked = 1;
			p[n++].dir = xjoin(buf, v);
		}
	}
	if ((v = getenv("XDG_CACHE_HOME")) != NULL && *v == '/')
		p[n++].dir = xjoin(v, "sidebundle/pack");
	if ((v = getenv("HOME")) != NULL && *v == '/')
		p[n++].dir = xjoin(v, ".cache/sidebundle/pack");
	if ((v = getenv("XDG_RUNTIME_DIR")) != NULL && *v == '/')
		p[n++].dir = xjoin(v, "sidebundle/pack");
	if ((v = getenv("TMPDIR")) == NULL || *v != '/')
		v = "/tmp";
	snprintf(buf, sizeof buf, "%s/sidebundle-%lu/pack", v, (unsigned long)geteuid());
	p[n++].dir = xstrdup(buf);
	/* last, beside the file itself */
	const char *slash = strrchr(s->path, '/');
	if (slash != NULL) {
		snprintf(buf, sizeof buf, "%.*s/.sidebundle-cache", (int)(slash - s->path),
		    s->path);
		p[n++].dir = xstrdup(buf);
	}
	return n;
}

/* The cache directory dir, when it is ours alone: a descriptor, or -1
 * (said why when quiet is 0). */
static int
open_place(const struct place *p, int quiet)
{
	struct stat st;
	int fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		if (p->asked && !quiet)
			warnx("%s: not used as a cache: another user's, or writable by others",
			    p->dir);
		else if (!quiet)
			note("%s: skipped: another user's, or writable by others", p->dir);
		close(fd);
		return -1;
	}
	return fd;
}

/* Programs can be run from fd's file system. */
static int
can_exec(const struct place *p, int fd, int write)
{
	struct statvfs sv;
	const char *why = NULL;

	if (fstatvfs(fd, &sv) < 0)
		why = strerror(errno);
	else if (sv.f_flag & ST_NOEXEC)
		why = "mounted noexec";
	else if (write && (sv.f_flag & ST_RDONLY))
		why = "mounted read-only";
	else if (write && faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0)
		why = strerror(errno);
	if (why == NULL)
		return 1;
	if (p->asked)
		warnx("%s: not used as a cache: %s", p->dir, why);
	else
		note("%s: skipped: %s", p->dir, why);
	return 0;
}

/* mkdir -p, each directory made 0700. */
static int
mkdirs(const char *dir)
{
	char p[PATH_MAX];

	if (strlcpy(p, dir, sizeof p) >= sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -1;
		if ((*s = c) == '\0')
			return 0;
	}
}

/* The extraction already in some place: its path, or NULL. */
static char *
find_cached(const struct self *s, struct place *pl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open_place(&pl[i], 1);
		if (fd < 0)
			continue;
		int ok = marker_ok(s, fd, s->key) && can_exec(&pl[i], fd, 0);
		close(fd);
		if (ok)
			return xjoin(pl[i].dir, s->key);
	}
	return NULL;
}

/* Remove what a dead extraction left (we hold the lock): its temporary
 * directories, and an extraction without its marker. */
static void
clear_stale(const struct self *s, int dfd)
{
	char pre[2 * SB_SHA256_LEN + 8], aside[NAME_MAX + 1];
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	snprintf(pre, sizeof pre, ".tmp-%s-", s->key);
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, pre, strlen(pre)) == 0 && sb_pack_rmtree(dfd, e->d_name) < 0)
			warn("cannot remove %s", e->d_name);
	closedir(d);
	/* renamed aside first, so the name is never a half-removed tree */
	snprintf(aside, sizeof aside, "%sold-%ld", pre, (long)getpid());
	if (renameat(dfd, s->key, dfd, aside) == 0 && sb_pack_rmtree(dfd, aside) < 0)
		warn("cannot remove %s", aside);
}

static int
lock_key(const struct self *s, int dfd, const char *dir, int wait)
{
	char name[2 * SB_SHA256_LEN + 8];

	snprintf(name, sizeof name, "%s.lock", s->key);
	int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK || !wait) {
		close(fd);
		return -1;
	}
	note("waiting for another start extracting into %s/%s", dir, s->key);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* The extraction to run: found, or made in the first usable place. */
static char *
cache_get(struct self *s)
{
	struct place pl[MAX_PLACES];
	size_t n = places(pl, s);
	char *root = find_cached(s, pl, n), pre[2 * SB_SHA256_LEN + 8], errbuf[64];

	if (root != NULL) {
		note("using %s", root);
		return root;
	}
	snprintf(pre, sizeof pre, ".tmp-%s", s->key);
	for (size_t i = 0; i < n; i++) {
		if (mkdirs(pl[i].dir) < 0) {
			snprintf(errbuf, sizeof errbuf, "%s", strerror(errno));
			if (pl[i].asked)
				warnx("%s: not used as a cache: %s", pl[i].dir, errbuf);
			else
				note("%s: skipped: %s", pl[i].dir, errbuf);
			continue;
		}
		int dfd = open_place(&pl[i], 0);
		if (dfd < 0)
			continue;
		int lk = can_exec(&pl[i], dfd, 1) ? lock_key(s, dfd, pl[i].dir, 1) : -2;
		if (lk < 0) {
			if (lk == -1)
				note("%s: skipped: cannot lock %s.lock: %s", pl[i].dir, s->key,
				    strerror(errno));
			close(dfd);
			continue;
		}
		root = xjoin(pl[i].dir, s->key);
		/* another start may have made it while we waited */
		int rc = marker_ok(s, dfd, s->key) ? 0 : -2;
		if (rc == 0)
			note("using %s, extracted by another start", root);
		if (rc == -2) {
			clear_stale(s, dfd);
			rc = extract_as(s, dfd, s->key, pre, root, 0);
		}
		/* 1: made meanwhile by a start that did not see our lock (a
		 * clean-up removed the lock file): use it if complete */
		if (rc == 1 && !marker_ok(s, dfd, s->key))
			rc = -1;
		if (rc < 0) {
			/* nothing of the failed extraction stays, its lock
			 * neither (a start waiting on it still extracts with
			 * RENAME_NOREPLACE) */
			char lock[2 * SB_SHA256_LEN + 8];
			snprintf(lock, sizeof lock, "%s.lock", s->key);
			unlinkat(dfd, lock, 0);
			exit(EXIT_CANNOT_RUN);
		}
		close(lk);
		close(dfd);
		return root;
	}
	errx(EXIT_CANNOT_RUN,
	    "%s: no place to extract into that is ours, writable and not noexec: set " SB_ENV_CACHE,
	    s->path);
}

/* --- FILE --sidebundle-* */

static int
opt_extract(struct self *s, const char *dir)
{
	char *d = xstrdup(dir), *slash;
	struct stat st;

	while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
		d[strlen(d) - 1] = '\0';
	slash = strrchr(d, '/');
	const char *base = slash ? slash + 1 : d;
	char *parent = slash == NULL ? xstrdup(".") : slash == d ? xstrdup("/") : d;
	if (slash != NULL && slash != d)
		*slash = '\0';
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		warnx("%s: want a new directory's path", dir);
		return 2;
	}
	int dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		warn("%s", parent);
		return 1;
	}
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		warnx("%s exists: not replaced", dir);
		return 1;
	}
	char pre[NAME_MAX + 1];
	snprintf(pre, sizeof pre, ".%.200s.tmp", base);
	int rc = extract_as(s, dfd, base, pre, dir, 1);
	close(dfd);
	if (rc == 1)
		warnx("%s exists: not replaced", dir);
	return rc == 0 ? 0 : 1;
}

static int
opt_clean(struct self *s)
{
	struct place pl[MAX_PLACES];
	size_t n = places(pl, s), removed = 0;
	int status = 0;

	for (size_t i = 0; i < n; i++) {
		char lock[2 * SB_SHA256_LEN + 8];
		struct stat st;
		int dfd = open_place(&pl[i], 1);
		if (dfd < 0)
			continue;
		snprintf(lock, sizeof lock, "%s.lock", s->key);
		if (fstatat(dfd, lock, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    fstatat(dfd, s->key, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			close(dfd);
			continue;
		}
		/* waits for an extraction under way to end */
		int lk = lock_key(s, dfd, pl[i].dir, 1);
		if (lk < 0) {
			warn("%s/%s", pl[i].dir, lock);
			status = 1;
			close(dfd);
			continue;
		}
		int had = fstatat(dfd, s->key, &st, AT_SYMLINK_NOFOLLOW) == 0;
		clear_stale(s, dfd);
		if (fstatat(dfd, s->key, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			warnx("%s/%s: could not remove it", pl[i].dir, s->key);
			status = 1;
		} else if (had) {
			printf("removed %s/%s\n", pl[i].dir, s->key);
			removed++;
		}
		unlinkat(dfd, lock, 0);
		close(lk);
		close(dfd);
	}
	if (removed == 0 && status == 0)
		printf("nothing to remove: %s was not extracted\n", s->path);
	return status;
}

static int
opt_info(struct self *s)
{
	struct place pl[MAX_PLACES];
	size_t n = places(pl, s);
	char man[2 * SB_SHA256_LEN + 1];
	char *where = find_cached(s, pl, n);

	sb_sha256_hex(s->t.manifest, man);
	printf("format: %u\n", s->t.version);
	printf("key: %s\n", s->key);
	printf("manifest: sha256 %s\n", man);
	printf("archive: %llu bytes at offset %llu, %llu uncompressed\n",
	    (unsigned long long)s->t.length, (unsigned long long)s->t.offset,
	    (unsigned long long)s->t.size);
	printf("default entry: %s\n", *s->t.entry ? s->t.entry : "(the first)");
	printf("extracted: %s\n", where ? where : "no");
	return 0;
}

static int
options(struct self *s, int argc, char **argv)
{
	const char *o = argv[1];

	if (strcmp(o, "--sidebundle-extract") == 0 && argc == 3)
		return opt_extract(s, argv[2]);
	if (strcmp(o, "--sidebundle-clean") == 0 && argc == 2)
		return opt_clean(s);
	if (strcmp(o, "--sidebundle-info") == 0 && argc == 2)
		return opt_info(s);
	if (strcmp(o, "--sidebundle-help") == 0 && argc == 2) {
		fputs(usage_text, stdout);
		return 0;
	}
	fputs(usage_text, stderr);
	return 2;
}

/* --- running */

/* The entry: the first name on the way from the path we were run by to
 * our file (through its symlinks) that names one, else the trailer's
 * default, else the manifest's first. */
static const char *
pick_entry(const struct self *s, const struct manifest *m, const char *argv0)
{
	char *p = run_path(argv0);

	for (int hops = 0; p != NULL && hops < 40; hops++) {
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		if (manifest_entry(m, base) != NULL) {
			char *name = xstrdup(base);
			free(p);
			return name;
		}
		char *next = link_next(p);
		free(p);
		p = next;
	}
	free(p);
	if (*s->t.entry)
		return s->t.entry;
	return m->nentries > 0 ? m->entries[0].name : NULL;
}

int
single_main(const char *self, int argc, char **argv)
{
	struct self s = { 0 };
	struct launch l = { 0 };
	const char *v;

	if (!probe(&s, self))
		return -1;
	set_name(self);
	verbose = (v = getenv(SB_ENV_VERBOSE)) != NULL && *v && strcmp(v, "0") != 0;
	if (argc > 1 && strncmp(argv[1], "--sidebundle-", 13) == 0)
		return options(&s, argc, argv);

	l.root = cache_get(&s);
	close(s.fd);
	launch_read_manifest(&l);
	const char *name = pick_entry(&s, &l.m, argv[0]);
	if (name == NULL || (l.e = manifest_entry(&l.m, name)) == NULL)
		errx(EXIT_NOT_FOUND, "no entry named %s in %s", name ? name : "(none)", self);
	l.argv0 = argv[0];
	l.args = argv + 1;
	l.nargs = argc - 1;
	return launch_run(&l);
}
