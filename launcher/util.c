/*
 * Small helpers: memory, paths inside the payload, PT_INTERP, PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/auxv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "launcher.h"
#include "rootwalk.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL) {
		perror("sidebundle-launcher");
		exit(EXIT_CANNOT_RUN);
	}
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *
xjoin(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/') {
		b++;
		lb--;
	}
	char *s = xmalloc(la + lb + 2);
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

char *
payload_resolve(const char *payload, const char *path)
{
	struct sb_walk w;

	if (sb_walk(&w, &sb_walk_host_ops, NULL, payload, path, 0) < 0)
		return NULL;
	return xstrdup(w.path);
}

static long
fd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(*(const int *)ctx, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r;
}

int
elf_interp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, dyn;
	struct sb_elf e;

	if (fd < 0)
		return -1;
	rc = sb_elf_probe(fd_pread, &fd, &e);
	/* the launcher and the payload share one architecture: a file of
	 * another is left to the kernel, as a static one */
	dyn = rc == SB_ELF_OK && e.interp_len > 0 && sb_elf_native(&e);
	if (dyn)
		rc = sb_elf_interp(fd_pread, &fd, &e, buf, len);
	int saved = errno;
	close(fd);
	errno = saved;
	if (rc == SB_ELF_NOT_ELF || (rc == SB_ELF_OK && !dyn))
		return 0;
	if (rc == SB_ELF_OK && buf[0] == '/')
		return 1;
	if (rc != SB_ELF_IO)
		errno = ENOEXEC;
	return -1;
}

char *
run_path(const char *argv0)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);

	return path_search(fn && *fn ? fn : argv0, getenv("PATH"));
}

char *
link_next(const char *p)
{
	char link[PATH_MAX];
	ssize_t n = readlink(p, link, sizeof link - 1);
	const char *slash = strrchr(p, '/');

	if (n <= 0)
		return NULL;
	link[n] = '\0';
	if (link[0] == '/' || slash == NULL)
		return xstrdup(link);
	/* xjoin("", link) is "/link": the root's own entries */
	char *dir = xmalloc((size_t)(slash - p) + 1);
	memcpy(dir, p, (size_t)(slash - p));
	dir[slash - p] = '\0';
	char *next = xjoin(dir, link);
	free(dir);
	return next;
}

char *
path_search(const char *name, const char *path)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%.*s", (int)(end - path), path);
		char *c = xjoin(*dir ? dir : ".", name);
		struct stat st;
		if (access(c, X_OK) == 0 && stat(c, &st) == 0 && S_ISREG(st.st_mode))
			return c;
		free(c);
		path = *end ? end + 1 : end;
	}
	errno = ENOENT;
	return NULL;
}
