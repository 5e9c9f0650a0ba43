/* A set of strings with a value each, by open addressing: see strmap.h. */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static size_t
hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static size_t
slot_of(const struct strmap *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

size_t *
strmap_get(const struct strmap *m, const char *key)
{
	if (m->cap == 0)
		return NULL;
	size_t i = slot_of(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

static int
strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct strmap nm = { calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)), cap, m->n };

	if (nm.keys == NULL || nm.vals == NULL) {
		free(nm.keys);
		free(nm.vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == NULL)
			continue;
		size_t j = slot_of(&nm, m->keys[i]);
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	*m = nm;
	return 0;
}

size_t *
strmap_put(struct strmap *m, const char *key, size_t val, int *added)
{
	/* keep the load under one half so probes stay short */
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return NULL;
	size_t i = slot_of(m, key);
	*added = 0;
	if (m->keys[i] == NULL) {
		if ((m->keys[i] = strdup(key)) == NULL)
			return NULL;
		m->vals[i] = val;
		m->n++;
		*added = 1;
	}
	return &m->vals[i];
}

void
strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
