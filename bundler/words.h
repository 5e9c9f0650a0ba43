/*
 * The ::trace=ARGS splitter: shell-like words (quotes and backslashes),
 * no expansion.
 */
#ifndef SB_WORDS_H
#define SB_WORDS_H

#include <stddef.h>

int words_split(const char *s, char ***out, size_t *nout, const char **why);
void words_free(char **v, size_t n);
/* Append a copy of s to the NULL-terminated vector *v of *n words:
 * 0, or -1 (ENOMEM). */
int words_push(char ***v, size_t *n, const char *s);

#endif
