/* Directories, the working directory, and dlopen. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "real.h"
#include "route.h"
#include "sb.h"

SB_EXPORT DIR *
opendir(const char *path)
{
	DIR *d = REAL(opendir)(path);

	sb_access(SB_OP_OPENDIR, SB_M_READ | SB_M_DIR, d == NULL ? errno : 0, AT_FDCWD, path);
	return d;
}

SB_EXPORT int
scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *),
    int (*compar)(const struct dirent **, const struct dirent **))
{
	int r = REAL(scandir)(path, list, filter, compar);

	sb_access(SB_OP_OPENDIR, SB_M_READ | SB_M_DIR, r < 0 ? errno : 0, AT_FDCWD, path);
	return r;
}

SB_EXPORT int
scandir64(const char *path, struct dirent64 ***list, int (*filter)(const struct dirent64 *),
    int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	int r = REAL(scandir64)(path, list, filter, compar);

	sb_access(SB_OP_OPENDIR, SB_M_READ | SB_M_DIR, r < 0 ? errno : 0, AT_FDCWD, path);
	return r;
}

/* A relative path means the old cwd's child: take the base before the
 * call changes it. */
SB_EXPORT int
chdir(const char *path)
{
	char base[PATH_MAX];
	size_t bl = path != NULL && sb.reporting ? sb_base(AT_FDCWD, path, base, sizeof(base)) : 0;
	int r = REAL(chdir)(path);

	sb_access_base(SB_OP_CHDIR, SB_M_DIR, r < 0 ? errno : 0, path, base, bl);
	return r;
}

SB_EXPORT int
fchdir(int fd)
{
	int r = REAL(fchdir)(fd);

	sb_access_fd(SB_OP_CHDIR, SB_M_DIR, r < 0 ? errno : 0, fd);
	return r;
}

/* The file that was mapped, which may differ from the name asked for
 * (a bare soname is searched for). */
static void
loaded(void *h, const char *file, int err)
{
	struct link_map *lm = NULL;

	if (file == NULL)
		return; /* dlopen(NULL): the main program */
	/* NEXT: libdl's when the program loaded it on glibc < 2.34 */
	if (h != NULL && NEXT(dlinfo)(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != NULL &&
	    lm->l_name != NULL && lm->l_name[0] == '/') {
		sb_access(SB_OP_DLOPEN, SB_M_READ, 0, AT_FDCWD, lm->l_name);
		return;
	}
	/* A bare soname is not relative to the cwd; the LD_AUDIT search
	 * records show where it was looked for. */
	if (strchr(file, '/') != NULL)
		sb_access(SB_OP_DLOPEN, SB_M_READ, err, AT_FDCWD, file);
}

/*
 * dlopen finds a bare name by the RUNPATH of the object that called it,
 * and chooses the namespace, from its own return address: called from
 * here it would search with ours, and a plugin found by its caller's
 * $ORIGIN would not be found.  So a bare name goes to the real dlopen by
 * a jump, the caller's return address still on top of the stack, and is
 * recorded by the audit module (its search and load rows); a name with
 * a '/', which no RUNPATH changes, is called and recorded here.
 */
SB_HIDDEN void *sb_dlopen_route(const char *file);
SB_HIDDEN void *sb_dlmopen_route(Lmid_t lmid, const char *file);
SB_HIDDEN void *sb_dlopen_traced(const char *file, int flags);
SB_HIDDEN void *sb_dlmopen_traced(Lmid_t lmid, const char *file, int flags);

void *
sb_dlopen_route(const char *file)
{
	return file != NULL && strchr(file, '/') == NULL ? (void *)REAL(dlopen) : NULL;
}

void *
sb_dlmopen_route(Lmid_t lmid, const char *file)
{
	return file != NULL && strchr(file, '/') == NULL ? (void *)REAL(dlmopen) : NULL;
}

void *
sb_dlopen_traced(const char *file, int flags)
{
	void *h = REAL(dlopen)(file, flags);
	int saved = errno;

	loaded(h, file, h == NULL ? ENOENT : 0);
	errno = saved;
	return h;
}

void *
sb_dlmopen_traced(Lmid_t lmid, const char *file, int flags)
{
	void *h = REAL(dlmopen)(lmid, file, flags);
	int saved = errno;

	loaded(h, file, h == NULL ? ENOENT : 0);
	errno = saved;
	return h;
}

#ifdef SB_ROUTE_ASM
SB_ROUTE(dlopen, sb_dlopen_route, sb_dlopen_traced);
SB_ROUTE(dlmopen, sb_dlmopen_route, sb_dlmopen_traced);
#else
SB_EXPORT void *
dlopen(const char *file, int flags)
{
	return sb_dlopen_traced(file, flags);
}

SB_EXPORT void *
dlmopen(Lmid_t lmid, const char *file, int flags)
{
	return sb_dlmopen_traced(lmid, file, flags);
}
#endif
