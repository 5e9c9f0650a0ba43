/*
 * Unit tests of common/nextsym.c, the preload library's dlsym(RTLD_NEXT)
 * where libdl is not loaded: from this executable (the first object),
 * the next definition it finds must be the one glibc's dlsym and dlvsym
 * find, default versions, compat versions and IFUNCs alike.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "nextsym.h"

#include "check.h"

static void
same_as_dlsym(const char *name)
{
	void *want = dlsym(RTLD_NEXT, name),
	     *got = sb_next_symbol((const void *)same_as_dlsym, name, NULL);

	CHECK(want != NULL, "%s: dlsym found nothing", name);
	CHECK(got == want, "%s: %p, dlsym says %p", name, got, want);
}

static void
same_as_dlvsym(const char *name, const char *ver)
{
	void *want = dlvsym(RTLD_NEXT, name, ver),
	     *got = sb_next_symbol((const void *)same_as_dlvsym, name, ver);

	CHECK(want != NULL, "%s@%s: dlvsym found nothing", name, ver);
	CHECK(got == want, "%s@%s: %p, dlvsym says %p", name, ver, got, want);
}

int
main(void)
{
	/* what the library wraps, from libc.so.6 (libasan's first in a
	 * sanitizer build: both lookups walk the same order) */
	static const char *const names[] = { "open", "openat", "stat", "lstat", "fstatat", "access",
		"execve", "execvp", "posix_spawn", "fopen", "opendir", "readlink", "realpath", "_exit",
		"dlopen", "dlinfo", "close", "dup2" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		same_as_dlsym(names[i]);
	/* IFUNCs: the resolver's answer */
	same_as_dlsym("strlen");
	same_as_dlsym("memcpy");
	/* a hidden compat version and a default one, by name */
	same_as_dlvsym("realpath", "GLIBC_2.2.5");
	same_as_dlvsym("realpath", "GLIBC_2.3");
	CHECK(sb_next_symbol((const void *)main, "realpath", "GLIBC_2.2.5") !=
		  sb_next_symbol((const void *)main, "realpath", "GLIBC_2.3"),
	    "the compat realpath is another function");
	CHECK(sb_next_symbol((const void *)main, "no_such_symbol_anywhere", NULL) == NULL,
	    "an unknown name");
	CHECK(sb_next_symbol((const void *)main, "open", "GLIBC_0.0") == NULL, "an unknown version");
	/* nothing is loaded after an address no object holds */
	CHECK(sb_next_symbol((const void *)16, "open", NULL) == NULL, "no object holds 16");

	const char *me = sb_object_name((const void *)main),
		   *libc = sb_object_name((const void *)dlsym(RTLD_NEXT, "execve"));
	CHECK(me != NULL && me[0] == '\0', "the executable's name is empty: %s", me ? me : "NULL");
	CHECK(libc != NULL && strstr(libc, "libc.so.6") != NULL, "execve is libc's: %s",
	    libc ? libc : "NULL");
	CHECK(sb_object_name((const void *)16) == NULL, "no object holds 16");
	CHECK(sb_in_base_namespace() == 1, "an executable heads this namespace");

	printf("nextsym: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
