/*
 * Small helpers every part had a copy of: writing a whole buffer to a
 * file descriptor, and library code's error message in the caller's
 * buffer (library code returns its errors up; programs print them).
 */
#ifndef SB_FDIO_H
#define SB_FDIO_H

#include <stddef.h>

/* Write all of p[0..n) to fd, going on after a short write or EINTR:
 * 0, or -1 with errno. */
int sb_write_all(int fd, const void *p, size_t n);

/* Make name in dirfd (it must not exist; no link is followed), mode
 * 0644, holding p[0..n): 0, or -1 with errno. */
int sb_write_new_file(int dirfd, const char *name, const void *p, size_t n);

/* All of dirfd/name, a regular file (EINVAL otherwise; no link is
 * followed) of at most max bytes (EFBIG beyond), NUL added: malloc'd,
 * its length in *len; NULL with errno. */
char *sb_read_file_at(int dirfd, const char *name, size_t max, size_t *len);

/* The message fmt makes into err[0..errlen) (when err is not NULL);
 * returns -1, so that `return sb_say(...)` reports and fails at once. */
__attribute__((format(printf, 3, 4))) int sb_say(char *err, size_t errlen, const char *fmt, ...);

#endif
