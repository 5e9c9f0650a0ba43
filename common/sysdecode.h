/*
 * What a path syscall asks for, read from its number and arguments with
 * common/syscalls.h's table: the operation, the mode bits, and where
 * each path (or fd) is.  Shared by every backend that stops a traced
 * process at a syscall (the ptrace tracer, and the preload library's
 * trap of the C library's own syscalls), so each writes the same rows.
 * No libc: the preload library calls it from a signal handler.
 */
#ifndef SB_SYSDECODE_H
#define SB_SYSDECODE_H

#include <stddef.h>
#include <stdint.h>

/* Read n bytes at addr of the stopped process into out: 0 or -1. */
typedef int (*sc_peek_fn)(void *ctx, uint64_t addr, void *out, size_t n);

struct sc_path {
	int64_t dirfd; /* AT_FDCWD, or the fd a relative path is under */
	uint64_t addr; /* the string, in the process */
	int is_fd;     /* no string: the fd dirfd is the object (fchdir) */
};

struct sc_call {
	uint16_t op;   /* SB_OP_* */
	uint32_t mode; /* SB_M_* */
	int npaths;    /* 1, or 2 for rename and link */
	struct sc_path path[2];
	/* AT_EMPTY_PATH: if the path reads "", path[0].dirfd is the object
	 * (an fstat, which is no path access; an exec of that fd) */
	int empty_is_fd;
	uint64_t argv; /* SB_OP_EXEC: the argv array */
	/* the flags argument the mode bits came from (open_how's flags for
	 * openat2, the amode of access), 0 when the call has none */
	uint64_t flags;
};

/*
 * Decode syscall nr with arguments a.  Returns 1 with c filled, 0 when
 * nr is not a path syscall, -1 when an argument in memory could not be
 * read (openat2's struct open_how: the kernel faults on it too).
 */
int sc_decode(uint64_t nr, const uint64_t a[6], sc_peek_fn peek, void *ctx, struct sc_call *c);

#endif
