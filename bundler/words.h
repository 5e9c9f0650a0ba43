/*
 * Word vectors: the ::trace=ARGS splitter (shell-like words, quotes and
 * backslashes, no expansion), and NULL-terminated lists of words such as
 * an environment.
 */
#ifndef SB_WORDS_H
#define SB_WORDS_H

#include <stddef.h>

int words_split(const char *s, char ***out, size_t *nout, const char **why);
void words_free(char **v, size_t n);
/* Append a copy of s to the NULL-terminated vector *v of *n words:
 * 0, or -1 (ENOMEM). */
int words_push(char ***v, size_t *n, const char *s);
/* The value of variable name in the n "NAME=value" words of v, or NULL;
 * *at (when not NULL) gets its index. */
const char *words_env_get(char *const *v, size_t n, const char *name, size_t *at);

#endif
