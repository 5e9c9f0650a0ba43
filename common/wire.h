/*
 * The wire format between libsbtrace.so and the sbtrace collector.
 * Contract 1 of ARCHITECTURE.md; documented in sbtrace-wire(5).
 *
 * Every traced process writes records into one FIFO.  A record is a
 * header and up to SB_REC_MAX - sizeof(header) bytes of body, sent in a
 * single write(2) of at most PIPE_BUF bytes, so records of different
 * processes never interleave.  A message larger than one record is sent
 * as several records (fragments) that share pid, tid, image and ts_ns;
 * the first has SB_FRAG_FIRST set, the last SB_FRAG_LAST, a whole
 * message in one record has both, and off says where each one's body
 * goes in the message.  Every record carries a checksum of itself
 * (sb_wire_sum), so a reader can tell a record from bytes that only
 * look like one and resynchronise on the next magic without losing the
 * records of other writers.  All integers are in host byte order:
 * writer and reader run on the same machine.
 *
 * This header is included by the preload library, so it must stay free
 * of anything but libc types.
 */
#ifndef SB_WIRE_H
#define SB_WIRE_H

#include <stdint.h>

#include "schema.h" /* the mode bits records carry */

#define SB_WIRE_VERSION 2
#define SB_WIRE_MAGIC 0x5342 /* bytes "BS" on the wire (little-endian) */
#define SB_REC_MAX 4096	     /* PIPE_BUF on Linux: the atomic write size */

/* Environment shared by the collector, the library and its children. */
#define SB_ENV_FIFO "SBTRACE_FIFO"   /* path of the FIFO */
#define SB_ENV_ALIVE "SBTRACE_ALIVE" /* file the collector holds locked */
#define SB_ENV_LIB "SBTRACE_LIB"     /* absolute path of libsbtrace.so */
/* The libc-free audit module sbtrace sets as LD_AUDIT, found beside
 * libsbtrace.so. */
#define SB_AUDIT_LIB_NAME "libsbtrace-audit.so"
/*
 * The file named by SB_ENV_ALIVE is also the trace's table of C library
 * calls already recorded (preload/libc.c): SB_SEEN_SIZE bytes of 64-bit
 * slots, 0 free, else a call's key, claimed with compare-and-swap by
 * the first process to trace that call.  Later processes making the same
 * call in the same environment skip it, so setlocale in every one of a
 * build's thousand processes is traced once.
 */
#define SB_SEEN_SIZE 65536
#define SB_SEEN_PROBES 32

/* pid of a collector (-b auto) that takes over, with ptrace, a process
 * about to exec a static binary (preload/handover.c) */
#define SB_ENV_PTRACER "SBTRACE_PTRACER"

/*
 * The seccomp backend (sbtrace -b seccomp, and -b auto where ptrace is
 * not permitted): the address of the collector's SOCK_SEQPACKET unix
 * socket, a path, or "@name" for a name in the abstract namespace.  A
 * process about to exec a static binary connects, waits for the byte
 * SB_UNOTIFY_READY (the collector has room for its listener; the end of
 * the connection instead: run on untraced), installs a filter returning
 * SECCOMP_RET_USER_NOTIF at the path syscalls (preload/unotify.c) and
 * sends one sb_unotify_hello with the filter's listener as SCM_RIGHTS;
 * the collector answers the byte SB_UNOTIFY_ACK once it serves the
 * listener.
 */
#define SB_ENV_UNOTIFY "SBTRACE_UNOTIFY"
#define SB_UNOTIFY_MAGIC 0x314e4253 /* "SBN1" */
#define SB_UNOTIFY_READY 'r'
#define SB_UNOTIFY_ACK 'k'

struct sb_unotify_hello {
	uint32_t magic; /* SB_UNOTIFY_MAGIC */
	uint32_t pid;	/* getpid() of the sender */
	uint32_t tid;	/* the thread about to exec */
	uint32_t reserved;
	uint64_t image; /* the sender's image, which the library reports */
};

/*
 * Is this process under the trace's filter already (inherited from a
 * static ancestor)?  faccessat(-1, SB_UNOTIFY_PROBE, F_OK) fails with
 * EBADF anywhere else; the collector answers it with
 * SB_UNOTIFY_PROBE_ERR (errno.h), which faccessat never returns.
 */
#define SB_UNOTIFY_PROBE "sbtrace-unotify-probe"
#define SB_UNOTIFY_PROBE_ERR ENOTRECOVERABLE

struct sb_hdr {
	uint16_t magic;	  /* SB_WIRE_MAGIC: lets a reader resync */
	uint16_t len;	  /* bytes in this record, header included */
	uint8_t version;  /* SB_WIRE_VERSION */
	uint8_t type;	  /* enum sb_msg */
	uint8_t frag;	  /* SB_FRAG_* bits */
	uint8_t reserved; /* 0 */
	uint32_t pid;	  /* getpid() of the writer */
	uint32_t tid;	  /* gettid() when fragmented or exec, else 0 */
	uint64_t image;	  /* first 8 bytes of AT_RANDOM: new at each exec */
	uint64_t ts_ns;	  /* CLOCK_REALTIME at the start of the message */
	uint32_t sum;	  /* sb_wire_sum() of the record, computed with sum 0 */
	uint32_t off;	  /* where this record's body starts in the message */
};
/* Whole 64-bit words, which sb_wire_sum() relies on. */
_Static_assert(sizeof(struct sb_hdr) == 40, "sb_hdr is 40 bytes");

#define SB_FRAG_FIRST 0x1
#define SB_FRAG_LAST 0x2
#define SB_FRAG_WHOLE (SB_FRAG_FIRST | SB_FRAG_LAST)

/*
 * The record checksum: the header (with sum 0) and the body n bytes
 * after it, a 64-bit word at a time (multiply, rotate), folded to 32
 * bits.  Not a defence against a writer that means harm (any process
 * that can write the FIFO can write valid records); it tells records
 * from garbage, from a header whose len lies, and from a record cut
 * short.  Integer arithmetic only: the libc-free audit module uses it.
 * The rotation keeps a bit flipped in two words from cancelling out, as
 * it would with a multiply alone.
 */
#define SB_SUM_K 0x9e3779b97f4a7c15ull

static inline uint64_t
sb_sum_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * SB_SUM_K;
	return h << 31 | h >> 33;
}

static inline uint64_t
sb_sum_load(const unsigned char *p)
{
	uint64_t w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

static inline uint32_t
sb_wire_sum(const struct sb_hdr *hdr, const void *body, unsigned n)
{
	const unsigned char *p = (const unsigned char *)hdr;
	uint64_t h = SB_SUM_K, w = 0;
	unsigned i;

	for (i = 0; i < sizeof(*hdr); i += 8)
		h = sb_sum_word(h, sb_sum_load(p + i));
	for (p = (const unsigned char *)body; n >= 8; p += 8, n -= 8)
		h = sb_sum_word(h, sb_sum_load(p));
	if (n > 0) {
		for (i = 0; i < n; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = sb_sum_word(h, w);
	}
	/* murmur3's finaliser: every bit of h reaches the 32 kept */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)(h ^ h >> 32);
}

/*
 * Message bodies.  Each starts with the fixed struct below, followed by a
 * list of strings, each a uint32_t byte count and the bytes (no NUL,
 * any byte value).  The list runs to the end of the message.
 */
enum sb_msg {
	/* A process image starts: constructor of libsbtrace in a new image.
	 * Strings: exe (/proc/self/exe), execfn (AT_EXECFN), cwd, then
	 * sb_start.nenv "NAME=value" strings (libcenv.h), then argv[0..]. */
	SB_MSG_START = 1,
	/* A path was used.  Strings: raw path as given, base directory it is
	 * relative to ("" when the path is absolute or the base unknown);
	 * for rename and link a second pair follows: raw new path, base. */
	SB_MSG_ACCESS = 2,
	/* Caller side of exec/spawn/system/popen.  Strings: raw path as
	 * given, resolved path ("" if unknown), base (cwd), argv[0..]. */
	SB_MSG_EXEC = 3,
	/* The exec that this thread announced with SB_MSG_EXEC returned. */
	SB_MSG_EXEC_FAIL = 4,
	/* The process exits through libc (exit, _exit, _Exit). */
	SB_MSG_EXIT = 5,
	/* A fork child (pthread_atfork), so the collector learns its parent. */
	SB_MSG_FORK = 6,
};

struct sb_start {
	uint32_t ppid;
	uint32_t nenv;	    /* environment strings before argv (0: none) */
	uint64_t starttime; /* field 22 of /proc/self/stat, clock ticks */
};

struct sb_access {
	uint16_t op; /* enum sb_op */
	uint16_t reserved;
	uint32_t mode;	/* SB_M_* */
	int32_t result; /* 0 or the errno of the call */
	uint32_t reserved2;
};

struct sb_exec {
	uint32_t ppid;
	uint32_t mode;	    /* SB_M_* (SB_M_STATIC, SB_M_SETUID, ...) */
	int32_t result;	    /* SB_EXEC_PENDING, or 0/errno when known */
	uint32_t child_pid; /* spawn-like calls: the child, else 0 */
};
#define SB_EXEC_PENDING (-1)

struct sb_exec_fail {
	int32_t error;
	uint32_t reserved;
};

struct sb_exit {
	int32_t status; /* the argument of exit() */
	uint32_t reserved;
};

struct sb_fork {
	uint32_t ppid;
	uint32_t reserved;
	uint64_t starttime;
};

/* Operations; the names are what the database stores in accesses.op. */
enum sb_op {
	SB_OP_EXEC = 1, /* collector-only: from SB_MSG_EXEC */
	SB_OP_OPEN,
	SB_OP_STAT,
	SB_OP_ACCESS,
	SB_OP_READLINK,
	SB_OP_REALPATH,
	SB_OP_OPENDIR,
	SB_OP_DLOPEN,
	SB_OP_LOAD,   /* LD_AUDIT la_objopen: the dynamic linker mapped it */
	SB_OP_SEARCH, /* LD_AUDIT la_objsearch: a candidate it considered */
	SB_OP_CHDIR,
	SB_OP_RENAME,
	SB_OP_UNLINK,
	SB_OP_RMDIR,
	SB_OP_MKDIR,
	SB_OP_TRUNCATE,
	SB_OP_SYMLINK,
	SB_OP_LINK,
	SB_OP_MAX
};

#define SB_OP_NAMES                                                                                \
	{                                                                                          \
		[SB_OP_EXEC] = "exec", [SB_OP_OPEN] = "open", [SB_OP_STAT] = "stat",               \
		[SB_OP_ACCESS] = "access", [SB_OP_READLINK] = "readlink",                          \
		[SB_OP_REALPATH] = "realpath", [SB_OP_OPENDIR] = "opendir",                        \
		[SB_OP_DLOPEN] = "dlopen", [SB_OP_LOAD] = "load", [SB_OP_SEARCH] = "search",       \
		[SB_OP_CHDIR] = "chdir", [SB_OP_RENAME] = "rename", [SB_OP_UNLINK] = "unlink",     \
		[SB_OP_RMDIR] = "rmdir", [SB_OP_MKDIR] = "mkdir", [SB_OP_TRUNCATE] = "truncate",   \
		[SB_OP_SYMLINK] = "symlink", [SB_OP_LINK] = "link",                                \
	}

#endif
