/*
 * dlsym(RTLD_NEXT) and dlvsym(RTLD_NEXT) without libdl.so.2.  Before
 * glibc 2.34 the dl* functions live in libdl.so.2, which the preload
 * library would otherwise make every traced process load (about 30 us a
 * process image on a glibc that no longer needs it); where a process
 * has no libdl, the library finds the next definition itself, as ld.so
 * would: the loaded objects after the caller's, in load order, each
 * looked up through its GNU (or SysV) hash table with symbol versions.
 * No malloc, no locks but the loader's own (dl_iterate_phdr's).
 */
#ifndef SB_NEXTSYM_H
#define SB_NEXTSYM_H

/*
 * The address of name (at version ver, or its default version when ver
 * is NULL) in the first object loaded after the one holding self, or
 * NULL.  An STT_GNU_IFUNC symbol is resolved by calling its resolver.
 */
void *sb_next_symbol(const void *self, const char *name, const char *ver);

/* The path of the object holding addr (an executable's is ""), or NULL. */
const char *sb_object_name(const void *addr);

/* Whether the first object of the caller's link-map namespace is an
 * executable (named ""): the base namespace, not an LD_AUDIT one. */
int sb_in_base_namespace(void);

#endif
