/*
 * Running a command with its standard output and error captured: what
 * `create` records of a traced run and what `check` compares with it
 * (sidebundle-check(5)).  Each stream is kept up to CAPTURE_MAX bytes
 * and hashed whole, so that an output of any size is compared exactly
 * and stored bounded.
 */
#ifndef SB_CAPTURE_H
#define SB_CAPTURE_H

#include <sha2.h>
#include <stddef.h>
#include <stdint.h>

#define CAPTURE_MAX (1u << 20)

struct capture {
	unsigned char *buf; /* the first len bytes, len <= CAPTURE_MAX */
	size_t len;
	uint64_t size; /* every byte written */
	char sha[65];  /* SHA-256 of all of them, lower-case hex */
	SHA2_CTX ctx;
};

struct outcome {
	int status; /* the exit code, or 128+N when signal N killed it */
	struct capture out, err;
};

/*
 * Run argv[0] (a path) with argv and envp (the caller's environment
 * when NULL), standard input from /dev/null, standard output and error
 * captured into o and, when echo >= 0, copied to echo as they come.
 * The caller's SIGINT/SIGTERM (sb_interrupted) is passed on as SIGTERM.
 * Once the command exits, what is left in the pipes is read, and no
 * more: a daemon it left behind holding them does not keep us waiting.
 * Returns 0 with o->status set, -1 with a message printed.
 */
int capture_run(char *const argv[], char *const envp[], int echo, struct outcome *o);

/* Finish c's hash (after the last capture_feed); idempotent. */
void capture_finish(struct capture *c);
void outcome_free(struct outcome *o);

#endif
