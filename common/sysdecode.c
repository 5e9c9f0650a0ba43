/*
 * The decoder of common/sysdecode.h: one table row per path syscall,
 * built from common/syscalls.h.
 */
#include <fcntl.h>
#include <stddef.h>

#include "modes.h"
#include "syscalls.h"
#include "sysdecode.h"

struct sc_desc {
	uint16_t op;
	uint8_t rule;
	int8_t dirfd, path, dirfd2, path2, flags;
	uint32_t mode;
};

static const struct sc_desc table[SC_MAX_NR + 1] = {
#define SC_DESC_ONE(name, nr, op_, rule_, mode_, d0, p0, d1, p1, fl)                               \
	[nr] = { .op = op_,                                                                        \
		.rule = rule_,                                                                     \
		.dirfd = d0,                                                                       \
		.path = p0,                                                                        \
		.dirfd2 = d1,                                                                      \
		.path2 = p1,                                                                       \
		.flags = fl,                                                                       \
		.mode = mode_ },
	SC_TABLE(SC_DESC_ONE)
#undef SC_DESC_ONE
};

static void
path_of(struct sc_path *p, int dirfd_arg, int path_arg, const uint64_t a[6])
{
	p->is_fd = dirfd_arg == SC_FD;
	p->dirfd = dirfd_arg >= 0 ? (int64_t)(int)a[dirfd_arg]
	    : p->is_fd		  ? (int64_t)(int)a[path_arg]
				  : AT_FDCWD;
	p->addr = p->is_fd ? 0 : a[path_arg];
}

int
sc_decode(uint64_t nr, const uint64_t a[6], sc_peek_fn peek, void *ctx, struct sc_call *c)
{
	const struct sc_desc *d;
	uint64_t fl, how;

	if (nr > SC_MAX_NR || (d = &table[nr])->op == 0)
		return 0;
	*c = (struct sc_call){ 0 };
	c->op = d->op;
	c->mode = d->mode;
	fl = d->flags >= 0 ? a[d->flags] : 0;
	c->flags = fl;
	path_of(&c->path[0], d->dirfd, d->path, a);
	c->npaths = 1;
	if (d->path2 != SC_NONE) {
		path_of(&c->path[1], d->dirfd2, d->path2, a);
		c->npaths = 2;
	}
	switch ((enum sc_rule)d->rule) {
	case SC_R_FIXED:
		break;
	case SC_R_OPEN:
		c->mode |= sb_mode_of_open(fl);
		break;
	case SC_R_CREAT:
		c->mode |= sb_mode_of_open(O_WRONLY | O_CREAT | O_TRUNC);
		break;
	case SC_R_OPENHOW:
		/* struct open_how starts with its u64 flags */
		if (peek(ctx, fl, &how, sizeof how) == -1)
			return -1;
		c->flags = how;
		c->mode |= sb_mode_of_open(how);
		break;
	case SC_R_AMODE:
		c->mode |= sb_mode_of_access(fl);
		break;
	case SC_R_ATFLAGS:
		if (fl & AT_SYMLINK_NOFOLLOW)
			c->mode |= SB_M_NOFOLLOW;
		c->empty_is_fd = (fl & AT_EMPTY_PATH) != 0;
		break;
	case SC_R_UNLINKAT:
		if (fl & AT_REMOVEDIR)
			c->op = SB_OP_RMDIR;
		break;
	case SC_R_EXEC:
		c->argv = a[d->path + 1];
		c->empty_is_fd = d->flags >= 0 && (fl & AT_EMPTY_PATH) != 0;
		break;
	}
	return 1;
}
