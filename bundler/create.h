/*
 * `sidebundle create` (sidebundle(1)): the entries of the bundle being
 * made, and the command.
 */
#ifndef SB_CREATE_H
#define SB_CREATE_H

#include <signal.h>
#include <stddef.h>

struct entry {
	char *name;
	char *path;	  /* normalised path as given */
	char *trace_args; /* ::trace=ARGS, or NULL */
	const char *kind; /* elf-dynamic | elf-static | script */
	char *interp;	  /* PT_INTERP, or the script interpreter; NULL */
	char **args;	  /* #! arguments */
	size_t nargs;
	char *interp_ldso; /* script: the interpreter's PT_INTERP, or NULL */
};

/* `sidebundle create ...`; argv[0] is "create".  The exit status. */
int cmd_create(int argc, char **argv);

/* Set by create's SIGINT/SIGTERM handler; long loops check it. */
extern volatile sig_atomic_t sb_interrupted;

#endif
