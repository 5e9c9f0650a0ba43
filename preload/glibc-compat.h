/*
 * Forced into every object of libsbtrace.so (-include): the few C library
 * functions whose default version is newer than the oldest glibc we load
 * into (2.17) are bound to the version they have had since then, so the
 * library built on a new glibc also traces on Debian 11, RHEL 8 or in an
 * old image.  glibc 2.34 moved the dl* functions from libdl.so.2 into
 * libc.so.6 under GLIBC_2.34 and kept the old versions beside them; before
 * 2.34 they are in libdl.so.2.  The library does not ask for libdl (it
 * would cost every process image the load of it): the references are
 * weak, bound to libc's on glibc 2.34 and later or to libdl's in a
 * program that loaded it, and NULL otherwise, where common/nextsym.c
 * stands in.  test/glibc-baseline fails the build if a newer version
 * creeps in.
 */
#ifndef SB_GLIBC_COMPAT_H
#define SB_GLIBC_COMPAT_H

/* The only two called directly, after a NULL check (preload/real.c);
 * any other dl* function is reached through NEXT(), so that a direct
 * call fails at load on an old glibc instead of jumping to NULL. */
#pragma weak dlsym
#pragma weak dlvsym

#if defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
__asm__(".symver dlvsym,dlvsym@GLIBC_2.2.5");
__asm__(".symver dladdr,dladdr@GLIBC_2.2.5");
__asm__(".symver dladdr1,dladdr1@GLIBC_2.3.3");
__asm__(".symver dlinfo,dlinfo@GLIBC_2.3.3");
#elif defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
__asm__(".symver dlvsym,dlvsym@GLIBC_2.17");
__asm__(".symver dladdr,dladdr@GLIBC_2.17");
__asm__(".symver dladdr1,dladdr1@GLIBC_2.17");
__asm__(".symver dlinfo,dlinfo@GLIBC_2.17");
#endif

#endif
