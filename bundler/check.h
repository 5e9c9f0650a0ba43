/*
 * `sidebundle check` and `create --check`: each run a bundle keeps
 * (runrec.h) run again in an empty root made of the payload alone,
 * under bwrap(1), traced inside (ptrace when permitted, else the
 * preload library), and compared with the run recorded at create time.
 */
#ifndef SB_CHECK_H
#define SB_CHECK_H

#include <stddef.h>

#include "capture.h"
#include "runrec.h"

struct checker {
	char *bwrap;   /* resolved */
	char *sbtrace; /* the sbtrace to trace with */
	char *lib;     /* its libsbtrace.so, for -b preload */
	char **needs;  /* the libraries it needs but the C library, as the host has them */
	size_t nneeds;
	int ptrace;	 /* 1 until ptrace turned out not to be permitted */
	int verbose;	 /* show the empty-root run's output as it comes */
	int ptrace_only; /* never fall back to the library */
	int as_user;	 /* run as uid:gid (an image's User): bwrap --uid --gid */
	unsigned uid, gid;
};

struct check_result {
	struct outcome o; /* the empty-root run's */
	int same_status, same_out, same_err;
	int cwd_missing; /* ran in / for want of the recorded directory */
	char **missing;	 /* looked for, not found, and the host has it */
	size_t nmissing;
};

/* Find bwrap and sbtrace and make sure bwrap can make a sandbox here:
 * 0, or -1 with why in err. */
int checker_init(struct checker *k, char *err, size_t errlen);
void checker_free(struct checker *k);

/* Run r in an empty root made of payload (a host directory) and
 * compare; host is the root whose files count as "the host has it" (a
 * descriptor of "/" or of create's ROOT).  0, or -1 with a message
 * printed when the run could not be made. */
int check_run(struct checker *k, const char *payload, int hostfd, const struct runrec *r,
    struct check_result *res);
void check_result_free(struct check_result *res);

/* Run r in root (a host directory: an image's) as check_run does,
 * traced into db, with its output into o and copied to our standard
 * error; the sandbox's own rows are taken out of db and its run's cwd
 * is r's.  For tracing inside an image (image.h).  0, or -1 with a
 * message printed. */
int check_trace(struct checker *k, const char *root, const struct runrec *r, const char *db,
    struct outcome *o);

/* Is everything the same (and nothing missing)? */
int check_same(const struct check_result *res);

/* One line per difference of status and output, each "PREFIXLABEL: ...",
 * to f. */
void check_print_diffs(FILE *f, const char *prefix, const struct runrec *r,
    const struct check_result *res);

/* `sidebundle check [-v] DIR/NAME`; argv[0] is "check". */
int cmd_check(int argc, char **argv);

#endif
