/*
 * The collector's model of the traced tree: process images and their
 * parents, pending execs, and the per-process folding of accesses
 * (sbtrace(1) DESCRIPTION, sbtrace-db(5)).  It turns decoded messages
 * into rows through db.h and decides when to commit.
 */
#ifndef SB_COLLECTOR_MODEL_H
#define SB_COLLECTOR_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "db.h"
#include "filter.h"
#include "wire.h"

/* Commit at least this often, and after this many rows. */
#define MODEL_COMMIT_NS (100 * 1000000LL)
#define MODEL_COMMIT_ROWS 20000
/* Execs awaiting their outcome at once; beyond, the oldest counts as done. */
#define MODEL_PENDING_MAX 4096
/* Images with at least this many folded rows are checked for having
 * been killed (no exit record) this often, so their tables can go. */
#define MODEL_GONE_ROWS 4096
#define MODEL_GONE_NS 1000000000LL

struct model;

struct model_stats {
	uint64_t processes; /* processes rows written */
	uint64_t accesses;  /* accesses rows written */
	uint64_t calls;	    /* accesses folded into them */
	uint64_t malformed; /* messages ignored: bad body, op or type */
	uint64_t retired;   /* folding tables freed: their image ended */
	uint64_t revived;   /* of those, read back for a late record */
	uint64_t messages;  /* messages handed to the model */
	uint64_t filtered;  /* calls left out by the filter */
	/* what the last successful commit made permanent */
	uint64_t kept_processes, kept_accesses, kept_messages;
};

/* An exec row sbtrace writes itself: the command's, and those of the
 * files the kernel ran for it. */
struct model_exec {
	const char *path; /* absolute, normalised */
	const char *raw;  /* as given */
	uint32_t mode;	  /* SB_M_* */
};

/* What sbtrace itself knows about its direct child. */
struct model_child {
	pid_t pid;
	pid_t parent; /* sbtrace's own pid */
	int64_t start_ns;
	const char *argv; /* JSON array */
	const char *exe;  /* PATH-resolved command, NULL if unknown */
	const char *cwd;
	/* the exec rows of the root image: the command and its "#!" chain */
	const struct model_exec *execs;
	size_t nexecs;
};

/* A model writing into run run_id of db (NULL: see model_set_failed);
 * all_calls: --all. */
struct model *model_new(struct db *db, int64_t run_id, int all_calls);
void model_free(struct model *m);

void model_set_child(struct model *m, const struct model_child *c);

/* The tracer's own files, to leave out of the trace (own.h): lib, the
 * preload library (NULL: none), and dir, the channel directory.  -1
 * with errno when out of memory. */
int model_set_own(struct model *m, const char *lib, const char *dir);

/* Record only the accesses f keeps (f outlives m); the default is all. */
void model_set_filter(struct model *m, const struct filter *f);

/* The stream_msg_fn for stream_new(): ctx is the model. */
void model_message(void *ctx, const struct sb_hdr *hdr, const unsigned char *body, size_t len);

/* The direct child was reaped with wait status status at ts. */
void model_child_exit(struct model *m, int status, int64_t ts);

/*
 * Write and commit if due at now (CLOCK_MONOTONIC ns).  Returns the
 * ns until the next commit is due, -1 when nothing waits, or -2 if the
 * database failed (model_errmsg() says why).
 */
int64_t model_tick(struct model *m, int64_t now);

/* End of the trace: settle pending execs, write everything, commit.
 * -1 if the database failed. */
int model_finish(struct model *m);

/* Has a database write failed?  The model then ignores messages. */
int model_failed(const struct model *m);
/* The database could not be set up (why): a model that records nothing. */
void model_set_failed(struct model *m, const char *why);
const char *model_errmsg(const struct model *m);

/* Are traced processes we have heard of (and not seen end) still
 * running?  Used for the --linger policy; looks at /proc. */
int model_any_alive(struct model *m);

const struct model_stats *model_stats(const struct model *m);

/*
 * The syscall backends (ptrace.c, unotify.c) speak the library's
 * messages: rows of the images they create say backend (its
 * processes.backend, "ptrace" or "seccomp"), and library messages of
 * those images are ignored.
 */
void model_backend_message(struct model *m, const char *backend, const struct sb_hdr *hdr,
    const unsigned char *body, size_t len);
/* A backend ran out of memory building a message. */
void model_backend_oom(struct model *m);
/* An image a backend records ended with wait status status at ts. */
void model_backend_exit(struct model *m, uint32_t pid, uint64_t image, int status, int64_t ts);

/* Called for each untraced static or set-id image given a row (exe, the
 * exec's SB_M_* mode): -b auto warns when ptrace could have traced it. */
typedef void model_untraced_fn(void *ctx, uint32_t pid, const char *exe, uint32_t mode);
void model_set_untraced_fn(struct model *m, model_untraced_fn *fn, void *ctx);

#endif
