/*
 * The static sbtrace has no dynamic loading: sqlite's only use of it is
 * load_extension, which sbtrace never enables.  With -Wl,--wrap these
 * stand in for dlopen and friends, so the static link neither pulls in
 * glibc's static dlopen (which needs the build host's libraries at run
 * time) nor warns about it.  Unused in a dynamic (sanitizer) build.
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);
void *__wrap_dlsym(void *handle, const char *name);
int __wrap_dlclose(void *handle);
char *__wrap_dlerror(void);

void *
__wrap_dlopen(const char *file, int mode)
{
	return NULL;
}

void *
__wrap_dlsym(void *handle, const char *name)
{
	return NULL;
}

int
__wrap_dlclose(void *handle)
{
	return 0;
}

char *
__wrap_dlerror(void)
{
	return (char *)"sbtrace loads no extensions";
}
