/*
 * pid -> pointer: see pidmap.h.
 */
#include <stdlib.h>

#include "pidmap.h"

#define NCHUNKS (sizeof(((struct pidmap *)0)->chunks) / sizeof(((struct pidmap *)0)->chunks[0]))

void **
pidmap_slot(struct pidmap *m, pid_t pid, int make)
{
	size_t c = (size_t)pid / PIDMAP_CHUNK;

	if (pid <= 0 || c >= NCHUNKS)
		return NULL;
	if (m->chunks[c] == NULL &&
	    (!make || (m->chunks[c] = calloc(PIDMAP_CHUNK, sizeof(void *))) == NULL))
		return NULL;
	return &m->chunks[c][(size_t)pid % PIDMAP_CHUNK];
}

void *
pidmap_get(struct pidmap *m, pid_t pid)
{
	void **s = pidmap_slot(m, pid, 0);

	return s != NULL ? *s : NULL;
}

void
pidmap_each(const struct pidmap *m, void (*fn)(void *value, void *ctx), void *ctx)
{
	for (size_t c = 0; c < NCHUNKS; c++)
		for (size_t i = 0; m->chunks[c] != NULL && i < PIDMAP_CHUNK; i++)
			if (m->chunks[c][i] != NULL)
				fn(m->chunks[c][i], ctx);
}

void
pidmap_free(struct pidmap *m)
{
	for (size_t c = 0; c < NCHUNKS; c++) {
		free(m->chunks[c]);
		m->chunks[c] = NULL;
	}
}
