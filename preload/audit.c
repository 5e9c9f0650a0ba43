/*
 * The LD_AUDIT side.  ld.so maps DT_NEEDED libraries, and libc loads
 * gconv and NSS modules, without ever calling a function we can wrap;
 * only the audit interface sees those.  The audit copy runs in a
 * link-map namespace of its own, so it keeps to the same raw-syscall
 * reporting as everything else.  Built twice: into libsbtrace.so, and
 * with SB_FREESTANDING into libsbtrace-audit.so, which brings no libc
 * into that namespace (preload/rt.c stands in for the few functions
 * used here, in report.c, util.c and init.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sb.h"

/* glibc's LD_SO_CACHE on Linux distributions */
#define SB_LD_CACHE "/etc/ld.so.cache"

SB_EXPORT unsigned
la_version(unsigned version)
{
	sb_ensure_init();
	/* 0 would tell ld.so to ignore us; any version it offers that is at
	 * least 1 has the three callbacks we use. */
	return version < LAV_CURRENT ? version : LAV_CURRENT;
}

SB_EXPORT unsigned
la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
	/* The main program has an empty name, the vDSO a bare one. */
	if (map->l_name != NULL && map->l_name[0] == '/')
		sb_access(SB_OP_LOAD, SB_M_READ, 0, AT_FDCWD, map->l_name);
	/* this library's searches and its load, in one write: ld.so checks
	 * versions and relocates only after the last one, and a failure
	 * there ends the process with no callback to send what waits */
	sb_batch_send();
	/* No symbol binding callbacks: they would slow every call. */
	return 0;
}

/*
 * /etc/ld.so.cache, which the loader reads before any code of ours
 * runs: a candidate from the cache (LA_SER_CONFIG) or from the default
 * directories (searched after it) means it was consulted.  Once per
 * process image, with its real result.
 */
static void
note_ld_cache(unsigned flag)
{
	static int done;

	if ((flag != LA_SER_CONFIG && flag != LA_SER_DEFAULT) ||
	    __atomic_exchange_n(&done, 1, __ATOMIC_RELAXED))
		return;
	int saved = errno;
	int err = syscall(SYS_faccessat, AT_FDCWD, SB_LD_CACHE, R_OK) == 0 ? 0 : errno;
	sb_access(SB_OP_OPEN, SB_M_READ | SB_M_LIBC, err, AT_FDCWD, SB_LD_CACHE);
	errno = saved;
}

/* ld.so is done loading (the program's libraries, or a dlopen): what
 * its records wait for goes out. */
SB_EXPORT void
la_activity(uintptr_t *cookie, unsigned flag)
{
	if (flag == LA_ACT_CONSISTENT)
		sb_batch_send();
}

SB_EXPORT char *
la_objsearch(const char *name, uintptr_t *cookie, unsigned flag)
{
	note_ld_cache(flag);
	/* LA_SER_ORIG is the name as written in DT_NEEDED: a soname, not a
	 * path; the candidates that follow are paths ld.so will try. */
	if (flag != LA_SER_ORIG && name != NULL && name[0] == '/') {
		int saved = errno;
		int err = syscall(SYS_faccessat, AT_FDCWD, name, F_OK) == 0 ? 0 : errno;
		sb_access(SB_OP_SEARCH, 0, err, AT_FDCWD, name);
		if (err != 0)
			sb_batch_send(); /* ld.so may die of it */
		errno = saved;
	}
	return (char *)name;
}
