/*
 * A small open-addressing hash table of pointers (linear probing,
 * power-of-two size, at most half full).  The caller hashes its keys
 * and says how a stored value matches a key; there is no removal,
 * because the collector only forgets everything at once.
 */
#ifndef SB_COLLECTOR_HTAB_H
#define SB_COLLECTOR_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_ent {
	uint64_t hash;
	void *val; /* NULL: empty slot */
};

struct htab {
	struct htab_ent *e;
	size_t mask; /* size - 1, 0 when nothing is allocated */
	size_t n;
};

/* Does stored value val have key key? */
typedef int htab_eq_fn(const void *val, const void *key);

/* The slot holding the value for key, or NULL.  The slot's val may be
 * replaced by one with the same key. */
struct htab_ent *htab_find(const struct htab *t, uint64_t hash, htab_eq_fn *eq, const void *key);

/* Add val (non-NULL) under hash; the key must not be present yet.
 * -1 with errno on allocation failure. */
int htab_add(struct htab *t, uint64_t hash, void *val);

/* Free the table, calling fn on each value if fn is not NULL. */
void htab_free(struct htab *t, void (*fn)(void *));

#endif
