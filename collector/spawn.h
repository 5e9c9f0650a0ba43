/*
 * Starting the command without ptrace: vfork and exec, with the PATH
 * search of execvp(3) done in the child.
 */
#ifndef SB_COLLECTOR_SPAWN_H
#define SB_COLLECTOR_SPAWN_H

#include <signal.h>
#include <sys/types.h>

/*
 * Start argv[0] (looked up in PATH when it has no slash) with the signal
 * mask *mask and our environment.  A file the kernel cannot run
 * (ENOEXEC: a script without "#!") runs under /bin/sh, as execvp runs
 * it; *sh is then 1.  Returns the pid, or -1 with the exec's errno in
 * *error (the child is reaped): a command not found is told apart from
 * one that exits 127.
 */
pid_t spawn_command(char **argv, const sigset_t *mask, int *error, int *sh);

#endif
