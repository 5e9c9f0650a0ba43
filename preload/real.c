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

void
sb_resolve_all(void)
{
#define SB_REAL_RESOLVE(n, r, a)                                               \
	if (sb_real_##n == NULL)                                               \
		sb_real_##n = (__typeof__(sb_real_##n))sb_resolve(#n);
	SB_REAL_LIST(SB_REAL_RESOLVE)
#undef SB_REAL_RESOLVE
}
