/*
 * The ptrace backend (sbtrace(1) -b ptrace and the static parts of -b
 * auto): follows a tree of processes with PTRACE_SEIZE, stops only on
 * the path syscalls through a seccomp filter, and feeds the model the
 * same messages libsbtrace.so would send, so the rows are the same.
 *
 * The collector stays single-threaded: its main loop reaps with
 * waitpid(-1, __WALL | WNOHANG) when SIGCHLD arrives and hands every
 * status to ptracer_event().
 */
#ifndef SB_COLLECTOR_PTRACE_H
#define SB_COLLECTOR_PTRACE_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"

struct ptracer;

/*
 * A tracer.  hybrid: -b auto, where images that load libsbtrace.so
 * report themselves and ptrace only keeps them under watch (their
 * descendants may be static again); otherwise every image is recorded
 * from ptrace.  NULL with errno on allocation failure.
 */
struct ptracer *ptracer_new(int hybrid);
/* The model it feeds; set before the first ptracer_event(). */
void ptracer_set_model(struct ptracer *t, struct model *m);
void ptracer_free(struct ptracer *t);

/*
 * Can this process ptrace its children?  0, or -1 with
 * "<cause>; <remedy>" in why.
 */
int ptrace_probe(char *why, size_t len);
/* The same, answered from /proc where that is enough. */
int ptrace_probe_quick(char *why, size_t len);

/*
 * Can the backend read what it needs of the tracees in /proc (tried on
 * our own stat and exe)?  0, or -1 with the path that failed and why in
 * why.  Also what the library needs for exe and directory descriptors.
 */
int ptrace_proc_check(char *why, size_t len);

/*
 * Fork and exec argv (PATH-searched) with mask as its signal mask,
 * traced from its first instruction.  Returns the pid, or -1 when it
 * could not be started (errno).  Whether its exec failed is known only
 * when it has exited: ptracer_exec_error().
 */
pid_t ptracer_spawn(struct ptracer *t, char *const argv[], const sigset_t *mask);

/* Tasks traced now.  They cannot run on without the tracer: the seccomp
 * filter would make their path syscalls fail (ENOSYS), and
 * PTRACE_O_EXITKILL kills them when the tracer goes. */
size_t ptracer_ntasks(const struct ptracer *t);

/* The errno of the root's failed exec, or 0 (it exec'd, or not done). */
int ptracer_exec_error(struct ptracer *t);

/*
 * A wait status of pid from waitpid(__WALL).  Returns 1 when it was a
 * ptrace stop, now handled (the caller has nothing more to do), 0 when
 * it is an exit (recorded if pid was a tracee) for the caller to see.
 */
int ptracer_event(struct ptracer *t, pid_t pid, int status);

/*
 * libsbtrace.so in pid asks, before exec'ing a static binary in thread
 * tid, to be taken over (preload/handover.c): attach to tid.
 */
void ptracer_adopt(struct ptracer *t, pid_t pid, pid_t tid);

/*
 * sbtrace -p (attach.c): seize thread tid of process pid, which runs
 * already (pid itself first, then its other threads), without
 * PTRACE_O_EXITKILL, and interrupt it; it is traced at every system
 * call from the stop on.  1 when seized, 0 when it was traced already,
 * -1 with errno (PTRACE_SEIZE's, or ENOMEM).
 */
int ptracer_seize(struct ptracer *t, pid_t pid, pid_t tid);
/* The seized process pid as it is now: its START, once the model is set. */
void ptracer_seized_start(struct ptracer *t, pid_t pid);
/* The tasks traced now, malloc'd, *n of them (NULL: none, or no memory
 * when *n > 0). */
pid_t *ptracer_tids(const struct ptracer *t, size_t *n);
/* tid is no tracee any more (detached, or gone). */
void ptracer_forget(struct ptracer *t, pid_t tid);

#endif
