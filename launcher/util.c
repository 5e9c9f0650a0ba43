/*
 * Small helpers: memory, paths inside the payload, PT_INTERP, settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"
#include "launcher.h"

extern char **environ;

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
	/* cur: the resolved part, relative to payload, "" or "/a/b";
	 * rest: what is left to walk */
	char cur[PATH_MAX] = "", rest[PATH_MAX], link[PATH_MAX], full[PATH_MAX];
	size_t pl = strlen(payload);
	int hops = 0;

	if (strlen(path) >= sizeof rest || pl + 1 >= sizeof full) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(rest, path, strlen(path) + 1);
	memcpy(full, payload, pl);
	char *p = rest;
	while (*p) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *end = strchrnul(p, '/');
		size_t cl = (size_t)(end - p), ul = strlen(cur);
		if (cl == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			/* lexically up; never above the payload root */
			char *s = strrchr(cur, '/');
			if (s)
				*s = '\0';
			p = end;
			continue;
		}
		if (pl + ul + 1 + cl >= sizeof full) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		memcpy(full + pl, cur, ul);
		full[pl + ul] = '/';
		memcpy(full + pl + ul + 1, p, cl);
		full[pl + ul + 1 + cl] = '\0';
		struct stat st;
		if (lstat(full, &st) < 0)
			return NULL;
		if (!S_ISLNK(st.st_mode)) {
			memcpy(cur, full + pl, ul + 1 + cl + 1);
			p = end;
			continue;
		}
		if (++hops > 40) {
			errno = ELOOP;
			return NULL;
		}
		ssize_t n = readlink(full, link, sizeof link - 1);
		if (n <= 0) {
			if (n == 0)
				errno = ENOENT;
			return NULL;
		}
		link[n] = '\0';
		/* rest becomes target + what followed the link */
		size_t tl = strlen(end);
		if ((size_t)n + tl + 1 > sizeof rest) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		char tail[PATH_MAX];
		memcpy(tail, end, tl + 1);
		memcpy(rest, link, (size_t)n);
		memcpy(rest + n, tail, tl + 1);
		p = rest;
		if (link[0] == '/')
			cur[0] = '\0';
	}
	memcpy(full + pl, cur, strlen(cur) + 1);
	return xstrdup(full);
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

const char *
setting(const struct launch *l, const char *name)
{
	const char *v = getenv(name);
	size_t n = strlen(name);

	if (v != NULL)
		return v;
	for (size_t i = 0; i < l->m.nenv; i++)
		if (strncmp(l->m.env[i], name, n) == 0 && l->m.env[i][n] == '=')
			return l->m.env[i] + n + 1;
	return NULL;
}

int
setting_bool(const struct launch *l, const char *name, int def)
{
	const char *v = setting(l, name);

	if (v == NULL || *v == '\0')
		return def;
	return !(strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0);
}

char *
path_search(const char *name)
{
	const char *path = getenv("PATH");

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
