/*
 * A traced process read from outside, for the backends that stop it at
 * a system call (ptrace.c, unotify.c): its memory, its /proc files, the
 * path call it is making, and the messages the library would have sent
 * for it, built here once so that every backend writes the same rows.
 */
#ifndef SB_COLLECTOR_TRACEE_H
#define SB_COLLECTOR_TRACEE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"
#include "util.h"

/* n bytes at addr in pid: 0 or -1.  process_vm_readv, or /proc/PID/mem
 * when that is not allowed (some seccomp profiles). */
int tracee_peek(pid_t pid, uint64_t addr, void *out, size_t n);
/* The NUL-terminated string at addr into b (without the NUL, but
 * terminated), at most max bytes; -1 when nothing could be read. */
int tracee_peek_str(pid_t pid, uint64_t addr, struct buf *b, size_t max);
/* readlink(path) into b, terminated; -1 when it cannot be read. */
int tracee_read_link(const char *path, struct buf *b);
/* A whole small /proc file into b, terminated; -1 with errno on failure. */
int tracee_read_file(const char *path, struct buf *b);
/* ppid and starttime of pid from /proc/PID/stat; -1 if it is gone. */
int tracee_stat(pid_t pid, pid_t *ppid, uint64_t *starttime, struct buf *tmp);
/* The thread group of tid (tid itself when /proc cannot say). */
pid_t tracee_tgid(pid_t tid, struct buf *tmp);
/* The image id of pid, the first 8 bytes of its AT_RANDOM (what the
 * library uses), and its AT_EXECFN into execfn when that is not NULL;
 * 0 when it cannot be read. */
uint64_t tracee_image(pid_t pid, struct buf *execfn, struct buf *tmp);
/*
 * Will the image pid now runs load libsbtrace.so?  Yes when it has a
 * native PT_INTERP and the trace's variables are in its environment:
 * the library then reports it, and the backend only keeps watch.
 */
int tracee_loads_library(pid_t pid, struct buf *tmp);

/* A path call read at its entry, before it runs. */
struct tracee_call {
	uint16_t op;	/* SB_OP_* */
	uint32_t mode;	/* SB_M_* */
	uint64_t flags; /* the call's flags argument (sc_call.flags) */
	int npaths;
	struct buf raw[2], base[2];
	int64_t dirfd[2]; /* what raw is relative to: AT_FDCWD or an fd */
	int by_fd;	  /* raw[0] is the file behind an fd (SB_M_FD) */
	uint64_t argv;	  /* SB_OP_EXEC: the argv array in the tracee */
};

/*
 * Read syscall nr with arguments a of thread tid in process tgid into
 * c: its paths from the tracee's memory, the base of each relative one
 * from /proc now, before the call can change the cwd.  1: a path call
 * to record; 0: nothing to record (no path syscall, an fstat through
 * AT_EMPTY_PATH, a path the kernel would fault on).
 */
int tracee_call_take(struct tracee_call *c, pid_t tid, pid_t tgid, uint64_t nr,
    const uint64_t a[6]);
void tracee_call_free(struct tracee_call *c);

/* The messages a backend sends to the model, as backend (its
 * processes.backend); body and tmp are its scratch buffers. */
struct tracee_out {
	struct model *model;
	const char *backend;
	struct buf body, tmp, argv;
};

void tracee_out_free(struct tracee_out *o);
/* The body of the next message: the fixed part, then strings. */
void tracee_body_start(struct tracee_out *o, const void *fixed, size_t n);
void tracee_body_str(struct tracee_out *o, const char *s, size_t n);
/* Send the body as a message of type from pid (tid: 0 or the thread
 * of a fragmented or exec message) of image. */
void tracee_send(struct tracee_out *o, int type, pid_t pid, pid_t tid, uint64_t image);
/*
 * pid runs a new image: its START, as the library's constructor would
 * send it.  *image is set to its id (tracee_image(), or a fresh one
 * unique in the run when AT_RANDOM cannot be read).
 */
void tracee_send_start(struct tracee_out *o, pid_t pid, uint64_t *image);
/* An exec announced at its entry (c from tracee_call_take), as the
 * library's wrapper does before the real call. */
void tracee_send_exec(struct tracee_out *o, const struct tracee_call *c, pid_t tgid, pid_t tid,
    uint64_t image);
/* The exec announced by tid failed with err. */
void tracee_send_exec_fail(struct tracee_out *o, int err, pid_t tgid, pid_t tid, uint64_t image);
/* The body of the access message of c, with result err (0 or errno),
 * for tracee_send() later. */
void tracee_body_access(struct tracee_out *o, const struct tracee_call *c, int err);
/* The access c, with result err (0 or errno). */
void tracee_send_access(struct tracee_out *o, const struct tracee_call *c, int err, pid_t tgid,
    uint64_t image);
/* A fork child of an image the backend records. */
void tracee_send_fork(struct tracee_out *o, pid_t pid, pid_t ppid, uint64_t starttime,
    uint64_t image);

#endif
