/*
 * Decoding of message bodies (common/wire.h): the fixed struct of the
 * type, then strings (u32 length + bytes) to the end.  Every length is
 * checked against the body: the bytes come from any process in the
 * traced tree and may be hostile.
 */
#ifndef SB_COLLECTOR_MSG_H
#define SB_COLLECTOR_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "wire.h"

struct msg {
	struct sb_hdr hdr;
	union {
		struct sb_start start;
		struct sb_access access;
		struct sb_exec exec;
		struct sb_exec_fail exec_fail;
		struct sb_exit exit;
		struct sb_fork fork;
	} u;
	struct str *str; /* the strings, pointing into the body */
	size_t nstr;
	size_t cap; /* allocated entries of str */
};

/* Minimum number of strings each type must carry. */
size_t msg_min_strings(int type);

/*
 * Decode body[0..len) of a message of type hdr->type into m, reusing
 * m's string array.  Returns 0; -1 with errno EBADMSG when the body is
 * malformed or the type unknown, ENOMEM when memory ran out.
 */
int msg_decode(struct msg *m, const struct sb_hdr *hdr, const unsigned char *body, size_t len);

void msg_free(struct msg *m);

#endif
