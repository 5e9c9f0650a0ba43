/*
 * sbtrace report (sbtrace-report(1)): what one run of a trace database
 * did, read into memory (report_db.c) and written as text, JSON or CSV
 * (report_text.c, report_json.c, report_csv.c).  Strings are the bytes
 * of the database; the writers encode them (textenc.h).
 */
#ifndef SB_COLLECTOR_REPORT_H
#define SB_COLLECTOR_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

/* Bytes from the database, NUL-terminated too; p NULL: SQL NULL. */
struct rtext {
	char *p;
	size_t n;
};

/* A JSON array of strings (argv, command), taken apart; when the
 * column is not such an array, one element holding the column as is. */
struct rargv {
	struct rtext *v;
	size_t n;
};

/* Calls of one process with one operation. */
struct rop {
	struct rtext op;
	int64_t calls, errors, paths;
};

struct rproc {
	int64_t id, parent_id; /* parent_id 0: none */
	int64_t pid;
	int depth;
	struct rtext started_by, backend, exe;
	struct rargv argv;
	int has_exit, exit_code, signal; /* signal 0: none */
	struct rop *ops;
	size_t nops;
	int64_t calls, errors, paths; /* over all its operations */
};

/* A row of one of the path lists. */
struct rpath {
	struct rtext path;
	struct rtext ops;     /* comma separated; files_written's op */
	struct rtext package; /* NULL: not attributed */
	struct rtext kind;    /* missing_paths only */
	int64_t calls;	      /* top: calls; missing: tries */
	int64_t errors;	      /* top only */
};

enum rlist { L_READ, L_WRITTEN, L_EXECUTED, L_MISSING, L_TOP, L_MAX };

struct rlistv {
	struct rpath *v;
	size_t n;
	size_t total; /* rows there are; > n when a limit cut the list */
};

struct rrun {
	int64_t id;
	struct rargv command;
	struct rtext cwd, host, backend, version;
	struct rtext filter;	  /* runs.filter: recorded in part */
	struct rtext attach;	  /* runs.attached_pid: the pid -p attached to */
	int64_t start_ns, end_ns; /* end_ns 0: none recorded */
	int has_exit, exit_code, signal, interrupted;
	int64_t events;
	int all_calls;
	int64_t processes;	 /* rows of the run, loaded or not */
	int64_t accesses, calls; /* rows, and the calls folded into them */
	struct rproc *procs;	 /* in tree order */
	size_t nprocs;
	struct rlistv list[L_MAX];
};

/* What -s chose. */
enum {
	S_TREE = 1 << 0,
	S_READ = 1 << 1,
	S_WRITTEN = 1 << 2,
	S_EXECUTED = 1 << 3,
	S_MISSING = 1 << 4,
	S_TOP = 1 << 5,
	S_PROCS = 1 << 6,
	S_ALL = (1 << 7) - 1,
};

/* The -s section a path list belongs to. */
static inline unsigned
rlist_section(enum rlist l)
{
	static const unsigned section[L_MAX] = {
		[L_READ] = S_READ,
		[L_WRITTEN] = S_WRITTEN,
		[L_EXECUTED] = S_EXECUTED,
		[L_MISSING] = S_MISSING,
		[L_TOP] = S_TOP,
	};

	return section[l];
}

enum rformat { F_TEXT, F_JSON, F_CSV };

struct ropts {
	enum rformat format;
	unsigned sections;
	size_t limit;	  /* rows per list in text, 0: all */
	size_t top;	  /* most used paths */
	size_t width;	  /* columns of a text line, 0: no limit */
	const char *db;	  /* the path given */
	int packages;	  /* the packages table has rows */
	int version;	  /* the database's schema version */
	int64_t nruns;	  /* runs in the database */
	int64_t last_run; /* the highest run id */
};

struct rdb;

/* Open path read-only and check it is an sbtrace database this reader
 * knows; on failure says why (warnx) and returns NULL. */
struct rdb *rdb_open(const char *path, struct ropts *o);
void rdb_close(struct rdb *r);
/* The ids of every run, ascending, into *ids; -1 after a warning. */
int rdb_runs(struct rdb *r, int64_t **ids, size_t *n);
/* Is there a run id?  -1 after a warning. */
int rdb_has_run(struct rdb *r, int64_t id);
/* Read run id into *run (limits of o); -1 after a warning. */
int rdb_load(struct rdb *r, int64_t id, const struct ropts *o, struct rrun *run);
void rrun_free(struct rrun *run);

/* The writers: begin once, a run at a time, end once.  -1 (errno set)
 * when out of memory; output errors are found by the caller, in f. */
struct rwriter {
	int (*begin)(FILE *f, const struct ropts *o);
	int (*run)(FILE *f, const struct ropts *o, const struct rrun *run, int first);
	int (*end)(FILE *f, const struct ropts *o);
};
extern const struct rwriter report_text, report_json, report_csv;

/* "SIGINT" for 2, or "signal 99", into buf (at least 32 bytes). */
const char *report_signame(int sig, char *buf, size_t len);
/* Write b to f and empty it. */
void report_flush(FILE *f, struct buf *b);

/* The JSON and CSV forms of an argument vector: a JSON array of its
 * strings (U+FFFD for bytes that are not UTF-8), *valid telling whether
 * every element is UTF-8; and, for when one is not, the _hex form: each
 * element's bytes and a NUL (as /proc/PID/cmdline holds them) in
 * hexadecimal.  Both append to b; -1 on allocation failure. */
int report_argv_json(struct buf *b, const struct rargv *a, int *valid);
int report_argv_hex(struct buf *b, const struct rargv *a);

/* sbtrace report ARGS: argv[0] is "report". */
int report_main(int argc, char **argv);

#endif
