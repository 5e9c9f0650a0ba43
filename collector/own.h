/*
 * The tracer's own files, which sbtrace leaves out of the trace: the
 * preload library and the audit module that every traced process loads
 * (LD_PRELOAD, LD_AUDIT), and the channel's private directory with the
 * FIFO and the lock, which a program sees when it lists or walks the
 * directory it was made in.  They are sbtrace's, not the program's.
 */
#ifndef SB_COLLECTOR_OWN_H
#define SB_COLLECTOR_OWN_H

#include <stddef.h>
#include <stdint.h>

struct own {
	char *lib, *audit; /* NULL: no library (the ptrace backend) */
	size_t lib_len, audit_len;
	char *dir; /* the channel directory; NULL: none */
	size_t dir_len;
};

/*
 * Remember lib (the absolute path of libsbtrace.so, or NULL), the audit
 * module beside it (SB_AUDIT_LIB_NAME) and dir (the channel directory,
 * or NULL).  -1 with errno when out of memory.
 */
int own_init(struct own *o, const char *lib, const char *dir);
void own_free(struct own *o);

/*
 * Is this access (an SB_OP_*, SB_M_* mode, the normalised path) one of
 * the tracer's own?  Any use of the channel directory or what is in it;
 * the dynamic linker's load or search of either library, and, in an
 * image traced with ptrace (ptraced), where the linker's mapping of the
 * library is a plain open system call, a read-only open of one.  Other
 * uses of the libraries (a program copying them) are the program's.
 */
int own_is(const struct own *o, uint16_t op, uint32_t mode, const char *path, size_t n,
    int ptraced);

#endif
