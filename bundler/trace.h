/*
 * Traces for `sidebundle create`: running sbtrace on a command, and
 * reading an sbtrace database (contract 2, common/schema.h) into the
 * closure.
 */
#ifndef SB_TRACE_H
#define SB_TRACE_H

#include <stddef.h>
#include "closure.h"

struct trace_result {
	char **elves; /* exec'd or loaded files, to analyse statically */
	size_t nelves;
	int nss; /* some libnss_*.so was loaded */
};
/* Run sbtrace with argv (the command) into db; 0 ok (a command that
 * exited non-zero only warns), -1 when the trace could not run. */
int trace_run(const char *sbtrace, const char *backend, const char *db, char *const argv[]);
/* Find the sbtrace to run: next to our own executable, else on PATH. */
char *trace_find_sbtrace(void);
/* Read every run of db into c: phase 0 the paths the runs created (read
 * every database so first, so that one run's output is never another's
 * input), phase 1 the paths they used. */
int trace_read_db(struct closure *c, const char *db, struct trace_result *tr, int phase);
void trace_result_free(struct trace_result *tr);

#endif
