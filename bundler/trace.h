/*
 * Traces for `sidebundle create`: running sbtrace on a command, and
 * reading an sbtrace database (contract 2, common/schema.h) into the
 * closure.
 */
#ifndef SB_TRACE_H
#define SB_TRACE_H

#include <stddef.h>
#include "capture.h"
#include "closure.h"

struct trace_result {
	char **elves; /* exec'd or loaded files, to analyse statically */
	size_t nelves;
	int nss;    /* some libnss_*.so was loaded */
	char **env; /* "K=V": the traced processes' glibc variables, each once */
	size_t nenv;
	int env_unknown; /* some process's environment was not recorded */
	int dbs;	 /* databases read */
	char **cwds;	 /* the runs' working directories */
	size_t ncwds;
};
/* Run sbtrace with argv (the command) into db, the command's output
 * captured into o and copied to our standard error (never our standard
 * output: that is for what sidebundle itself prints).  0 ok (a command
 * that exited non-zero only warns), -1 when the trace could not run. */
int trace_run(const char *sbtrace, const char *backend, const char *db, char *const argv[],
    struct outcome *o);
/* Did sbtrace record a finished run in db? */
int trace_recorded(const char *db);
/* Find the sbtrace to run: next to our own executable, else on PATH. */
char *trace_find_sbtrace(void);
/* Read every run of db into c: phase 0 the paths the runs created (read
 * every database so first, so that one run's output is never another's
 * input) and their working directories, phase 1 the paths they used and
 * the environment they ran in. */
int trace_read_db(struct closure *c, const char *db, struct trace_result *tr, int phase);
void trace_result_free(struct trace_result *tr);

#endif
