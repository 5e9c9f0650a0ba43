/*
 * sbtrace -p PID: taking a running process, and every thread of it,
 * under the ptrace backend, telling why when that is refused, and
 * letting go of everything still traced at the end so that it runs on
 * as if sbtrace had never been there.
 */
#ifndef SB_COLLECTOR_ATTACH_H
#define SB_COLLECTOR_ATTACH_H

#include <stddef.h>
#include <sys/types.h>

#include "ptrace.h"
#include "util.h"

/* What the run records of the process before it is seized. */
struct attach_target {
	pid_t pid;	 /* the process (a thread id given is taken to its process) */
	pid_t ppid;	 /* its parent */
	char *exe;	 /* /proc/PID/exe; NULL when it cannot be read */
	char *cwd;	 /* /proc/PID/cwd; "" when it cannot be read */
	struct buf argv; /* JSON array of /proc/PID/cmdline */
};

/*
 * Look at process pid: 0, or -1 with why in why (no such process, sbtrace
 * itself, a zombie).  -1 with errno ENOMEM and why empty when out of
 * memory.
 */
int attach_target(pid_t pid, struct attach_target *a, char *why, size_t len);
void attach_target_free(struct attach_target *a);

/*
 * Seize the process and all its threads, each stopped until the event
 * loop resumes it into its syscall stops.  0, or -1 with why in why,
 * the cause of a refusal and what to do about it.
 */
int attach_seize(struct ptracer *t, pid_t pid, char *why, size_t len);

/*
 * Detach every task still traced, each from a stop, so that a signal
 * it was about to receive is delivered and it runs on; a task that
 * exits meanwhile is recorded as ended.
 */
void attach_detach(struct ptracer *t);

#endif
