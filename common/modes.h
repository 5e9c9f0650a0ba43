/*
 * How a call's flags become accesses.mode bits (wire.h SB_M_*): one
 * mapping for the preload library and the ptrace tracer, so both
 * backends write the same rows.  Header-only, libc types only: the
 * preload library includes it too.
 */
#ifndef SB_MODES_H
#define SB_MODES_H

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "wire.h"

/* open(2) flags; also fopen's mode once turned into flags. */
static inline unsigned
sb_mode_of_open(uint64_t flags)
{
	unsigned m = 0;

	if ((flags & O_PATH) == 0) {
		switch (flags & O_ACCMODE) {
		case O_RDONLY:
			m |= SB_M_READ;
			break;
		case O_WRONLY:
			m |= SB_M_WRITE;
			break;
		default:
			m |= SB_M_READ | SB_M_WRITE;
		}
	}
	if (flags & O_CREAT)
		m |= SB_M_CREATE | SB_M_WRITE;
	if (flags & O_TRUNC)
		m |= SB_M_TRUNC | SB_M_WRITE;
	if (flags & O_APPEND)
		m |= SB_M_APPEND;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		m |= SB_M_TMPFILE | SB_M_WRITE | SB_M_DIR;
	else if (flags & O_DIRECTORY)
		m |= SB_M_DIR;
	if (flags & O_NOFOLLOW)
		m |= SB_M_NOFOLLOW;
	return m;
}

/* access(2) amode. */
static inline unsigned
sb_mode_of_access(uint64_t amode)
{
	return (amode & R_OK ? SB_M_READ : 0) | (amode & W_OK ? SB_M_WRITE : 0) |
	    (amode & X_OK ? SB_M_EXECUTE : 0);
}

#endif
