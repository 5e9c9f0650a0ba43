#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

static size_t
fixed_size(int type)
{
	switch (type) {
	case SB_MSG_START:
		return sizeof(struct sb_start);
	case SB_MSG_ACCESS:
		return sizeof(struct sb_access);
	case SB_MSG_EXEC:
		return sizeof(struct sb_exec);
	case SB_MSG_EXEC_FAIL:
		return sizeof(struct sb_exec_fail);
	case SB_MSG_EXIT:
		return sizeof(struct sb_exit);
	case SB_MSG_FORK:
		return sizeof(struct sb_fork);
	}
	return 0;
}

size_t
msg_min_strings(int type)
{
	switch (type) {
	case SB_MSG_START:
		return 3; /* exe, execfn, cwd */
	case SB_MSG_ACCESS:
		return 2; /* raw, base */
	case SB_MSG_EXEC:
		return 3; /* raw, resolved, base */
	}
	return 0;
}

static int
push(struct msg *m, const unsigned char *p, size_t n)
{
	if (m->nstr == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct str *v = reallocarray(m->str, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		m->str = v;
		m->cap = cap;
	}
	m->str[m->nstr].p = (const char *)p;
	m->str[m->nstr].n = n;
	m->nstr++;
	return 0;
}

int
msg_decode(struct msg *m, const struct sb_hdr *hdr, const unsigned char *body, size_t len)
{
	size_t fixed = fixed_size(hdr->type), off;
	uint32_t n;

	m->hdr = *hdr;
	m->nstr = 0;
	if (fixed == 0 || len < fixed) {
		errno = EBADMSG;
		return -1;
	}
	memset(&m->u, 0, sizeof(m->u));
	memcpy(&m->u, body, fixed);
	for (off = fixed; off < len; off += n) {
		if (len - off < sizeof(n)) {
			errno = EBADMSG;
			return -1;
		}
		memcpy(&n, body + off, sizeof(n));
		off += sizeof(n);
		if (n > len - off) {
			errno = EBADMSG;
			return -1;
		}
		if (push(m, body + off, n) == -1)
			return -1;
	}
	if (m->nstr < msg_min_strings(hdr->type)) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

void
msg_free(struct msg *m)
{
	free(m->str);
	m->str = NULL;
	m->nstr = m->cap = 0;
}
