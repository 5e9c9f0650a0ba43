/*
 * For the interposers (libsbtrace.so, host mode's shim): the optional
 * mode argument of open(2) and openat(2), which exists only with
 * O_CREAT or O_TMPFILE, so it may be read only then.
 */
#ifndef SB_OPENMODE_H
#define SB_OPENMODE_H

#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>

#define SB_OPEN_MODE(flags, last)                                                                  \
	({                                                                                         \
		mode_t m_ = 0;                                                                     \
		if (__OPEN_NEEDS_MODE(flags)) {                                                    \
			va_list ap_;                                                               \
			va_start(ap_, last);                                                       \
			m_ = va_arg(ap_, mode_t);                                                  \
			va_end(ap_);                                                               \
		}                                                                                  \
		m_;                                                                                \
	})

#endif
