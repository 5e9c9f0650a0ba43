#ifndef SB_ERRBUF_H
#define SB_ERRBUF_H

#include <stddef.h>

/*
 * "NAME: message" into err[0..errlen): how the analysis code (elf.c,
 * ldcache.c) returns errors that name the file, leaving the caller to
 * decide whether to die.
 */
void errbuf_set(char *err, size_t errlen, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
