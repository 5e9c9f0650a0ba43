/*
 * The seccomp backend (sbtrace(1) -b seccomp, and the static parts of -b
 * auto where ptrace is not permitted): processes run under a filter
 * that returns SECCOMP_RET_USER_NOTIF at the path syscalls, so the
 * kernel holds each such call until sbtrace, which holds the filter's
 * listener, has read it and answered SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 * No ptrace is involved.  It feeds the model the messages libsbtrace.so
 * would send (collector/tracee.c), with processes.backend "seccomp".
 *
 * A listener comes from sbtrace's own child (a static command,
 * unotifier_spawn) or from the library in a process about to exec a
 * static binary, over a unix socket (preload/unotify.c, sbtrace-wire(5)).
 * A notification comes before the call runs: its result is what the
 * call will meet, probed by sbtrace (sbtrace(1) CAVEATS).
 *
 * A helper process, the keeper, holds a copy of every listener and,
 * once sbtrace has gone, answers the calls it held and every later one
 * with CONTINUE until the traced processes are gone: they run on
 * untraced, as those of the library do, instead of failing with ENOSYS.
 */
#ifndef SB_COLLECTOR_UNOTIFY_H
#define SB_COLLECTOR_UNOTIFY_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "model.h"

struct unotifier;

/*
 * Can this process hand out the filter, and the kernel notify and let
 * calls continue (Linux 5.5, 5.8 for the end of a listener's
 * processes)?  Cheap: nothing is installed.  0, or -1 with
 * "<cause>; <remedy>" in why.
 */
int unotify_probe(char *why, size_t len);

/*
 * A backend listening for hand-overs on a socket in dir (the channel's
 * private directory; a name in the abstract namespace when the path
 * would be too long).  hybrid: -b auto, where images that load
 * libsbtrace.so report themselves.  NULL with errno.
 */
struct unotifier *unotifier_new(int hybrid, const char *dir);
/* The model it feeds; set before unotifier_handle(). */
void unotifier_set_model(struct unotifier *u, struct model *m);
/*
 * fn(ctx) is called before the backend tells the model of a new image:
 * it must read the FIFO, so that the library's exec record, written
 * before the exec, reaches the model before the image it started.
 */
void unotifier_set_sync(struct unotifier *u, void (*fn)(void *), void *ctx);
/* The value of SBTRACE_UNOTIFY for the library. */
const char *unotifier_address(const struct unotifier *u);
/* A descriptor to poll for POLLIN: then unotifier_handle(). */
int unotifier_fd(const struct unotifier *u);
/* Serve whatever is ready: hand-overs, calls, processes that ended.
 * Never blocks. */
void unotifier_handle(struct unotifier *u);

/*
 * Fork and exec argv (PATH-searched) with mask as its signal mask,
 * under the filter from its first instruction.  The pid, or -1 with
 * errno.  Whether its exec failed is known once it has exited:
 * unotifier_exec_error().
 */
pid_t unotifier_spawn(struct unotifier *u, char *const argv[], const sigset_t *mask);
/* The errno of the spawned command's failed exec, or 0. */
int unotifier_exec_error(struct unotifier *u);

/* How many calls were let through unrecorded for want of a resource
 * (descriptors, memory), with the first such errno in *error. */
unsigned long long unotifier_unrecorded(const struct unotifier *u, int *error);

/* How many hand-overs were turned away for want of a descriptor (their
 * processes ran on untraced). */
unsigned long long unotifier_refused(const struct unotifier *u);

/* Close everything and remove the socket; the keeper serves from now
 * on what is still running.  NULL is fine. */
void unotifier_free(struct unotifier *u);

#endif
