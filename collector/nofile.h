/*
 * sbtrace's own limit on open files.  The seccomp backend holds a
 * listener and a pidfd per traced process, and opens /proc files while
 * it serves a call: with the usual soft limit of 1,024 a wide process
 * tree ran it out of descriptors and calls went unrecorded.  So sbtrace
 * raises its soft limit to the hard one, and the command it starts gets
 * the limit back as it was: the program sees what it would untraced.
 */
#ifndef SB_COLLECTOR_NOFILE_H
#define SB_COLLECTOR_NOFILE_H

/* Raise the soft RLIMIT_NOFILE to the hard limit, keeping the old one;
 * a failure leaves the limit as it was (the backend then warns of what
 * it could not record). */
void nofile_raise(void);

/* In a child before its exec: the limit as it was before nofile_raise
 * (nothing when it was not raised).  Async-signal-safe. */
void nofile_restore(void);

#endif
