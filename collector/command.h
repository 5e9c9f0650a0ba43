/*
 * The command sbtrace runs, as a process image like any other: the file
 * execvp finds for it, and every file the kernel then runs for it (its
 * "#!" interpreters, or /bin/sh for a script without "#!"), which the
 * model records as the root's exec rows.
 */
#ifndef SB_COLLECTOR_COMMAND_H
#define SB_COLLECTOR_COMMAND_H

#include "model.h"

/* The kernel's limit of nested interpreters (binfmt_script), plus the
 * command itself and a /bin/sh. */
#define COMMAND_CHAIN_MAX 6

struct command_chain {
	struct model_exec e[COMMAND_CHAIN_MAX];
	size_t n;
};

/*
 * cmd as execvp finds it: with a slash, itself; else the first
 * executable regular file along PATH.  Made absolute against cwd and
 * normalised lexically (symbolic links kept, as in every exec row).
 * A malloc'd string, or NULL when there is none.
 */
char *command_find(const char *cmd, const char *cwd);

/*
 * The files the kernel runs for path (found for raw): path, then each
 * "#!" interpreter as binfmt_script reads it (a relative one against
 * cwd), at most four deep; or, with sh set (an exec that failed with
 * ENOEXEC, retried through /bin/sh as execvp does), path then /bin/sh.
 * Each entry's mode is the SB_M_* bits of the exec from there on, as
 * the library classifies an exec.  -1 with errno on allocation failure.
 */
int command_chain(const char *path, const char *raw, const char *cwd, int sh,
    struct command_chain *ch);
void command_chain_free(struct command_chain *ch);

/* Would an exec of path fail with ENOEXEC (neither ELF nor "#!")? */
int command_needs_sh(const char *path);

#endif
