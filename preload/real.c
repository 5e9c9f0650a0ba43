#include <dlfcn.h>
#include <string.h>

#include "real.h"

#define SB_REAL_DEF(n, r, a) SB_HIDDEN r(*sb_real_##n) a;
SB_REAL_LIST(SB_REAL_DEF)
#undef SB_REAL_DEF

/*
 * Symbols with several versions: dlsym(RTLD_NEXT) gives the default one,
 * which is what a program linked today binds to; old programs bound to a
 * compat version still reach our unversioned wrapper, and the default is
 * the correct behaviour for them in every case below.  realpath is the
 * exception that matters: GLIBC_2.3 is the one that mallocs when
 * resolved is NULL.
 */
static const char *
version_of(const char *name)
{
	if (strcmp(name, "realpath") == 0)
		return "GLIBC_2.3";
	return NULL;
}

void *
sb_resolve(const char *name)
{
	const char *ver = version_of(name);
	void *p = NULL;

	if (ver != NULL)
		p = dlvsym(RTLD_NEXT, name, ver);
	if (p == NULL)
		p = dlsym(RTLD_NEXT, name);
	return p;
}

/*
 * What a vfork child may call between vfork and exec is resolved up
 * front, so that it never runs dlsym (which may allocate) on memory it
 * shares with its parent.  Everything else resolves on first use: each
 * dlsym(RTLD_NEXT) walks every loaded object, and doing all of them
 * would cost every process a tenth of a millisecond.
 */
void
sb_resolve_all(void)
{
#define RESOLVE(n)                                                                                 \
	if (sb_real_##n == NULL)                                                                   \
		sb_real_##n = (__typeof__(sb_real_##n))sb_resolve(#n);
	RESOLVE(execve)
	RESOLVE(execvpe)
	RESOLVE(fexecve)
	RESOLVE(execveat)
	RESOLVE(close)
	RESOLVE(close_range)
	RESOLVE(closefrom)
	RESOLVE(dup2)
	RESOLVE(dup3)
	RESOLVE(chdir)
	RESOLVE(fchdir)
	RESOLVE(_exit)
	RESOLVE(_Exit)
#undef RESOLVE
}
