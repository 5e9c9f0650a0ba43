/*
 * pid -> pointer, for the backends that follow processes and threads
 * themselves (ptrace.c, unotify.c): two levels of PIDMAP_CHUNK slots,
 * made as pids come, so a lookup is two loads and removal is a store.
 */
#ifndef SB_COLLECTOR_PIDMAP_H
#define SB_COLLECTOR_PIDMAP_H

#include <sys/types.h>

#define PIDMAP_CHUNK 4096

/* Zero-initialised: empty.  Pids up to 2^22 (the kernel's limit). */
struct pidmap {
	void **chunks[(1 << 22) / PIDMAP_CHUNK + 1];
};

/* The slot of pid, made when make is set; NULL for a pid out of range,
 * or one without a slot (or, with make, when memory runs out). */
void **pidmap_slot(struct pidmap *m, pid_t pid, int make);
/* What pid's slot holds, or NULL. */
void *pidmap_get(struct pidmap *m, pid_t pid);
/* fn(value, ctx) for every value held, in pid order; fn may empty or
 * refill the slot of the value it is given. */
void pidmap_each(const struct pidmap *m, void (*fn)(void *value, void *ctx), void *ctx);
/* The slots' memory (not the values). */
void pidmap_free(struct pidmap *m);

#endif
