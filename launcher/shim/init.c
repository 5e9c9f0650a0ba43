/* The shim's state: read once from SB_ENV_PAYLOAD (layout.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

SH_HIDDEN struct shim_state shim;
SH_HIDDEN int (*shim_real_execve)(const char *, char *const[], char *const[]);

/*
 * Called by the constructor, or by the first wrapper when a library's
 * constructor runs before ours.  Two threads doing it at once write the
 * same bytes; ready is published last.
 */
void
shim_init(void)
{
	const char *v = getenv(SHIM_VAR), *colon, *colon2;
	size_t vl, pl, el;

	if (shim_real_execve == NULL)
		shim_real_execve = (__typeof__(shim_real_execve))dlsym(RTLD_NEXT, "execve");
	shim.active = 0;
	/* <payload>:<entry>:<libpath>; the payload absolute, with no ':'
	 * (the launcher refuses one) and no ' ' (ld.so's --preload splits
	 * there) */
	if (v != NULL && v[0] == '/' && (colon = strchr(v, ':')) != NULL &&
	    (colon2 = strchr(colon + 1, ':')) != NULL &&
	    (vl = strlen(v)) + SHIM_VAR_LEN + 2 <= sizeof shim.env &&
	    (pl = (size_t)(colon - v)) > 1 &&
	    pl + sizeof("/" SB_LAYOUT_BIN "/" SB_LAYOUT_LAUNCHER) < PATH_MAX &&
	    (el = (size_t)(colon2 - colon - 1)) < PATH_MAX && memchr(v, ' ', pl) == NULL &&
	    shim_real_execve != NULL) {
		memcpy(shim.env, SHIM_VAR "=", SHIM_VAR_LEN + 1);
		memcpy(shim.env + SHIM_VAR_LEN + 1, v, vl + 1);
		memcpy(shim.payload, v, pl);
		shim.payload[pl] = '\0';
		shim.plen = pl;
		memcpy(shim.entry, colon + 1, el);
		shim.entry[el] = '\0';
		shim.libpath = shim.env + SHIM_VAR_LEN + 1 + (size_t)(colon2 + 1 - v);
		/* <bundle>/payload -> <bundle>/bin/... */
		const char *slash = strrchr(shim.payload, '/');
		size_t bl = (size_t)(slash - shim.payload);
		memcpy(shim.shim, shim.payload, bl);
		memcpy(shim.shim + bl, "/" SB_LAYOUT_BIN "/" SB_LAYOUT_SHIM,
		    sizeof("/" SB_LAYOUT_BIN "/" SB_LAYOUT_SHIM));
		memcpy(shim.launcher, shim.payload, bl);
		memcpy(shim.launcher + bl, "/" SB_LAYOUT_BIN "/" SB_LAYOUT_LAUNCHER,
		    sizeof("/" SB_LAYOUT_BIN "/" SB_LAYOUT_LAUNCHER));
		shim.active = 1;
	}
	__atomic_store_n(&shim.ready, 1, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void
shim_ctor(void)
{
	if (!__atomic_load_n(&shim.ready, __ATOMIC_ACQUIRE))
		shim_init();
}

int
sh_open(const char *path, int flags)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, 0);
}

void
sh_close(int fd)
{
	int e = errno;
	syscall(SYS_close, fd);
	errno = e;
}

long
sh_pread(int fd, void *buf, size_t n, long off)
{
	long r;
	do
		r = syscall(SYS_pread64, fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

int
sh_access(const char *path, int mode)
{
	return (int)syscall(SYS_faccessat, AT_FDCWD, path, mode);
}

int
sh_is_dir(const char *path)
{
	struct stat st;
	int e = errno;
	int r = syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
	errno = e;
	return r;
}
