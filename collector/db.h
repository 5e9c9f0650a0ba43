/*
 * The sbtrace database (collector/schema.sql, sbtrace-db(5)): creating,
 * opening for append, and writing rows in batched transactions.
 * Functions return 0 or -1; db_errmsg() then says why.
 */
#ifndef SB_COLLECTOR_DB_H
#define SB_COLLECTOR_DB_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h" /* application id, version, mode bits */

struct db;

struct db_run {
	const char *command; /* JSON array */
	const char *cwd;
	int64_t start_ns;
	const char *backend;
	const char *host;
	int all_calls;
	const char *filter;   /* JSON, or NULL: none */
	int64_t attached_pid; /* -p's, or 0: none */
};

/* A processes row.  Strings are NUL-terminated too; 0/NULL/-1 in the
 * fields marked so are stored as SQL NULL. */
struct db_process {
	int64_t id;	   /* set by db_process_insert */
	int64_t parent_id; /* 0: NULL */
	int64_t pid;
	int64_t ppid;			       /* -1: NULL */
	char *exe, *execfn, *argv, *cwd, *env; /* NULL: NULL */
	size_t exe_len, execfn_len, argv_len, cwd_len, env_len;
	int64_t start_ns, end_ns; /* 0: NULL */
	int has_exit, exit_code;  /* exit_code NULL unless has_exit */
	int signal;		  /* 0: NULL */
	const char *backend;	  /* preload | ptrace | seccomp | none */
	const char *started_by;	  /* root | exec | fork | spawn */
};

struct db_access {
	int64_t process_id;
	const char *op;
	const char *path, *raw;
	size_t path_len, raw_len;
	uint32_t mode;
	int32_t result;
	int64_t count;
	int64_t ts_ns;
};

/*
 * Open path: append (a new run in an existing sbtrace database, or a
 * new one if the file does not exist) or replace it (removing FILE-wal
 * and FILE-shm too).  A file that is not an sbtrace database, or has a
 * newer schema, is left untouched.  On failure returns -1 with a
 * message naming the path in err.
 */
int db_open(struct db **dbp, const char *path, int append, char *err, size_t errlen);
/* Commit what is pending and close; returns -1 if that commit failed. */
int db_close(struct db *db);
/* The last error: "message (extended code N)". */
const char *db_errmsg(const struct db *db);

/*
 * Replace whatever is at path with an empty file, so that a path that
 * cannot be written is reported before the command runs; db_open(path,
 * append=1, ...) then makes it a new database.
 */
int db_precreate(const char *path, char *err, size_t errlen);
int db_run_begin(struct db *db, const struct db_run *r, int64_t *run_id);
/* The end of the run: exit_code (NULL unless has_exit), signal and
 * interrupted (the signal that stopped sbtrace early) NULL when 0. */
int db_run_end(struct db *db, int64_t run_id, int64_t end_ns, int has_exit, int exit_code,
    int signal, int interrupted, uint64_t events);

int db_process_insert(struct db *db, int64_t run_id, struct db_process *p);

/* For the packages table (packages.c): fn on each distinct absolute path
 * of run (0: every run) that a call reached or a process ran and that
 * has no packages row, in the open transaction; stops at fn's -1. */
int db_each_unattributed(struct db *db, int64_t run, int (*fn)(const char *path, void *ctx),
    void *ctx);
/* A packages row (an existing one for path is kept); version and arch
 * "" are NULL. */
int db_package_insert(struct db *db, const char *path, const char *package, const char *version,
    const char *arch);
/* Whether runs has a row id. */
int db_run_exists(struct db *db, int64_t run);
int db_process_update(struct db *db, const struct db_process *p);

int db_access_insert(struct db *db, const struct db_access *a, int64_t *id);
int db_access_set_count(struct db *db, int64_t id, int64_t count);

/* Call fn for every accesses row of process_id (the strings valid only
 * during the call) until it returns -1; 0, or -1 on a database error. */
int db_access_each(struct db *db, int64_t process_id,
    int (*fn)(void *ctx, int64_t id, const struct db_access *a), void *ctx);

/* Rows written in the open transaction (0 when none is open). */
size_t db_txn_rows(const struct db *db);
int db_commit(struct db *db);
/* Give up the open transaction, if any (after a failed write). */
void db_rollback(struct db *db);

#endif
