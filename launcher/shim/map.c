/*
 * The payload view of an absolute path: walk it one component at a time
 * below the payload, following the payload's symlinks (an absolute
 * target starts again at the payload, ".." never climbs above it), as
 * the kernel would if the payload were the root.  One lstat per
 * component; a path whose first component the payload lacks costs one.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

/* Never the payload's: the kernel's and the session's own trees. */
static int
excluded(const char *p)
{
	static const char *const skip[] = { "proc", "dev", "sys", "tmp", "run" };

	while (*p == '/')
		p++;
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++) {
		size_t n = strlen(skip[i]);
		if (strncmp(p, skip[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return 1;
	}
	return 0;
}

static int
walk(const char *path, char *out, int follow)
{
	char rest[PATH_MAX], tmp[PATH_MAX];
	size_t plen = shim.plen, olen = plen, n = strlen(path);
	int links = 0;

	if (n >= PATH_MAX || excluded(path))
		return 0;
	if (strncmp(path, shim.payload, plen) == 0 && (path[plen] == '/' || path[plen] == '\0'))
		return 0;
	memcpy(rest, path, n + 1);
	memcpy(out, shim.payload, plen + 1);
	for (char *p = rest;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		char *e = p, *q;
		while (*e != '\0' && *e != '/')
			e++;
		size_t cl = (size_t)(e - p);
		for (q = e; *q == '/'; q++)
			;
		int last = *q == '\0';
		if (cl == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (olen > plen && out[olen - 1] != '/')
				olen--;
			if (olen > plen)
				olen--;
			out[olen] = '\0';
			p = e;
			continue;
		}
		if (olen + 1 + cl >= PATH_MAX)
			return 0;
		size_t prev = olen;
		out[olen] = '/';
		memcpy(out + olen + 1, p, cl);
		olen += 1 + cl;
		out[olen] = '\0';
		struct stat st;
		if (syscall(SYS_newfstatat, AT_FDCWD, out, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return 0;
		if (S_ISLNK(st.st_mode) && (!last || follow)) {
			long ln;
			if (++links > 40 ||
			    (ln = syscall(SYS_readlinkat, AT_FDCWD, out, tmp, sizeof tmp - 1)) <= 0)
				return 0;
			size_t rl = strlen(e);
			if ((size_t)ln + rl + 1 > sizeof tmp)
				return 0;
			memcpy(tmp + ln, e, rl + 1);
			memcpy(rest, tmp, (size_t)ln + rl + 1);
			p = rest;
			olen = tmp[0] == '/' ? plen : prev;
			out[olen] = '\0';
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return 0;
		p = e;
	}
	/* the payload's root is not the host's / */
	return olen > plen;
}

int
shim_map(const char *path, char *out, int follow)
{
	if (path == NULL || path[0] != '/' || !shim_active())
		return 0;
	int e = errno, r = walk(path, out, follow);
	errno = e;
	return r;
}
