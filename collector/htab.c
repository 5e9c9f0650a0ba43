#include <errno.h>
#include <stdlib.h>

#include "htab.h"

struct htab_ent *
htab_find(const struct htab *t, uint64_t hash, htab_eq_fn *eq, const void *key)
{
	size_t i;

	if (t->e == NULL)
		return NULL;
	for (i = hash & t->mask; t->e[i].val != NULL; i = (i + 1) & t->mask)
		if (t->e[i].hash == hash && eq(t->e[i].val, key))
			return &t->e[i];
	return NULL;
}

static void
place(struct htab_ent *e, size_t mask, uint64_t hash, void *val)
{
	size_t i;

	for (i = hash & mask; e[i].val != NULL; i = (i + 1) & mask)
		;
	e[i].hash = hash;
	e[i].val = val;
}

static int
grow(struct htab *t)
{
	size_t size = t->e == NULL ? 64 : (t->mask + 1) * 2, i;
	struct htab_ent *e;

	if (size == 0 || (e = calloc(size, sizeof(*e))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (t->e != NULL)
		for (i = 0; i <= t->mask; i++)
			if (t->e[i].val != NULL)
				place(e, size - 1, t->e[i].hash, t->e[i].val);
	free(t->e);
	t->e = e;
	t->mask = size - 1;
	return 0;
}

int
htab_add(struct htab *t, uint64_t hash, void *val)
{
	if ((t->e == NULL || (t->n + 1) * 2 > t->mask + 1) && grow(t) == -1)
		return -1;
	place(t->e, t->mask, hash, val);
	t->n++;
	return 0;
}

void
htab_free(struct htab *t, void (*fn)(void *))
{
	size_t i;

	if (t->e != NULL && fn != NULL)
		for (i = 0; i <= t->mask; i++)
			if (t->e[i].val != NULL)
				fn(t->e[i].val);
	free(t->e);
	t->e = NULL;
	t->mask = t->n = 0;
}
