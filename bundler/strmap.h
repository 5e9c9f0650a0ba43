/*
 * A set of strings with a value each (open addressing): the closure's
 * index of payload paths and its set of paths the traces created.
 */
#ifndef SB_STRMAP_H
#define SB_STRMAP_H

#include <stddef.h>

struct strmap {
	char **keys;
	size_t *vals;
	size_t cap, n;
};
/* Index of key's value slot, or NULL. */
size_t *strmap_get(const struct strmap *m, const char *key);
/* Insert key (copied) with val unless present; returns the value slot,
 * NULL on ENOMEM.  *added tells which happened. */
size_t *strmap_put(struct strmap *m, const char *key, size_t val, int *added);
void strmap_free(struct strmap *m);

#endif
