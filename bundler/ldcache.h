/*
 * /etc/ld.so.cache in glibc's current format ("glibc-ld.so.cache1.1",
 * optionally after the old "ld.so-1.7.0" compatibility block), with its
 * glibc-hwcaps extension.  The file is read with bounded reads and every
 * offset in it checked: a hostile cache gives an error, never a crash.
 */
#ifndef SB_LDCACHE_H
#define SB_LDCACHE_H

#include <stddef.h>
#include <stdint.h>

/* Entry flags (glibc ldconfig.h). */
#define LDCACHE_FLAG_TYPE_MASK 0x00ff
#define LDCACHE_FLAG_ELF 0x0001
#define LDCACHE_FLAG_ELF_LIBC6 0x0003
#define LDCACHE_FLAG_REQUIRED_MASK 0xff00

struct ldcache_entry {
	const char *name;   /* the key: a soname, e.g. "libc.so.6" */
	const char *path;   /* the value: where that library is */
	uint32_t flags;	    /* LDCACHE_FLAG_* | architecture bits */
	const char *hwcaps; /* glibc-hwcaps subdirectory name of this
			     * entry ("x86-64-v3"), NULL for baseline */
	int legacy_hwcap;   /* a legacy hwcap mask entry (not searched) */
};

struct ldcache {
	char *buf; /* the file; the entries point into it */
	size_t len;
	struct ldcache_entry *v;
	size_t n;
};

/* The largest cache we read: glibc's own are well under 1 MiB. */
#define LDCACHE_MAX_SIZE (64UL << 20)

/*
 * Parse len bytes at buf (copied: buf need not outlive c).  Returns 0,
 * or -1 with "NAME: why" in err (name is used in messages only).
 */
int ldcache_parse(const void *buf, size_t len, const char *name, struct ldcache *c, char *err,
    size_t errlen);

/* Read the file at path (bounded, see LDCACHE_MAX_SIZE) and parse it. */
int ldcache_load(const char *path, struct ldcache *c, char *err, size_t errlen);

void ldcache_free(struct ldcache *c);

/*
 * The architecture flags glibc stores for libraries of this ELF class and
 * machine (e.g. 0x0303 for x86-64), or 0 when unknown (then any libc6
 * entry is a candidate and the caller checks the file itself).
 */
uint32_t ldcache_arch_flags(unsigned char elfclass, unsigned int machine, unsigned int e_flags_abi);

#endif
