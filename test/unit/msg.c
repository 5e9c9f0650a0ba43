/*
 * Unit tests of collector/msg.c: body decoding with bounds checks.
 * Prints a line per failed check and a summary; exits 1 on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

#include "check.h"

/* A body under construction. */
static unsigned char body[70000];
static size_t blen;

static void
put(const void *p, size_t n)
{
	memcpy(body + blen, p, n);
	blen += n;
}

static void
put_str(const void *p, uint32_t n)
{
	put(&n, sizeof(n));
	put(p, n);
}

static struct sb_hdr
hdr(int type)
{
	struct sb_hdr h = {.magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION,
	    .type = (uint8_t)type, .frag = SB_FRAG_WHOLE, .pid = 42};
	return h;
}

static int
streq(struct str s, const char *want, size_t n)
{
	return s.n == n && memcmp(s.p, want, n) == 0;
}

static void
test_access(void)
{
	struct msg m = {0};
	struct sb_access a = {.op = SB_OP_OPEN, .mode = SB_M_READ, .result = 2};
	struct sb_hdr h = hdr(SB_MSG_ACCESS);

	blen = 0;
	put(&a, sizeof(a));
	put_str("sub/\n\xff", 6);
	put_str("", 0);
	CHECK(msg_decode(&m, &h, body, blen) == 0, "decode: errno %d", errno);
	CHECK(m.u.access.op == SB_OP_OPEN && m.u.access.result == 2 &&
		m.u.access.mode == SB_M_READ, "fixed part");
	CHECK(m.nstr == 2 && streq(m.str[0], "sub/\n\xff", 6) &&
		streq(m.str[1], "", 0), "strings: %zu", m.nstr);
	CHECK(m.hdr.pid == 42, "header copied");

	/* rename: a second pair */
	put_str("new", 3);
	put_str("/base", 5);
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.nstr == 4 &&
		streq(m.str[3], "/base", 5), "four strings");

	/* the string array is reused and grows */
	blen = sizeof(a);
	for (int i = 0; i < 1000; i++)
		put_str("x", 1);
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.nstr == 1000,
	    "1000 strings: %zu", m.nstr);

	/* a 65000-byte string */
	blen = sizeof(a);
	static char big[65000];
	memset(big, 'b', sizeof(big));
	put_str(big, sizeof(big));
	put_str("", 0);
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.str[0].n == 65000,
	    "big string");
	msg_free(&m);
}

static void
test_malformed(void)
{
	struct msg m = {0};
	struct sb_access a = {.op = SB_OP_STAT};
	struct sb_hdr h = hdr(SB_MSG_ACCESS);
	uint32_t n;

	/* shorter than the fixed part */
	blen = 0;
	put(&a, sizeof(a) - 1);
	errno = 0;
	CHECK(msg_decode(&m, &h, body, blen) == -1 && errno == EBADMSG,
	    "short fixed part");

	/* a string length past the end */
	blen = 0;
	put(&a, sizeof(a));
	put_str("abc", 3);
	n = 100;
	put(&n, sizeof(n));
	put("xy", 2);
	errno = 0;
	CHECK(msg_decode(&m, &h, body, blen) == -1 && errno == EBADMSG,
	    "string overruns the body");

	/* a huge length that would wrap an offset */
	blen = 0;
	put(&a, sizeof(a));
	n = 0xffffffffu;
	put(&n, sizeof(n));
	put("xy", 2);
	errno = 0;
	CHECK(msg_decode(&m, &h, body, blen) == -1 && errno == EBADMSG,
	    "length 0xffffffff");

	/* a partial length word at the end */
	blen = 0;
	put(&a, sizeof(a));
	put_str("abc", 3);
	put_str("", 0);
	put("\1\0", 2);
	errno = 0;
	CHECK(msg_decode(&m, &h, body, blen) == -1 && errno == EBADMSG,
	    "truncated length word");

	/* too few strings for the type */
	blen = 0;
	put(&a, sizeof(a));
	put_str("only", 4);
	errno = 0;
	CHECK(msg_decode(&m, &h, body, blen) == -1 && errno == EBADMSG,
	    "ACCESS with one string");

	/* unknown types */
	int types[] = {0, 7, 200, 255};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct sb_hdr u = hdr(types[i]);
		blen = 0;
		put(&a, sizeof(a));
		put_str("a", 1);
		put_str("b", 1);
		put_str("c", 1);
		errno = 0;
		CHECK(msg_decode(&m, &u, body, blen) == -1 && errno == EBADMSG,
		    "type %d", types[i]);
	}

	/* every truncation of a good START body fails cleanly or decodes */
	struct sb_start st = {.ppid = 1, .starttime = 99};
	struct sb_hdr sh = hdr(SB_MSG_START);
	blen = 0;
	put(&st, sizeof(st));
	put_str("/bin/sh", 7);
	put_str("/bin/sh", 7);
	put_str("/", 1);
	put_str("sh", 2);
	size_t full = blen;
	int bad = 0;
	for (size_t cut = 0; cut < full; cut++) {
		int r = msg_decode(&m, &sh, body, cut);
		/* only cuts at string boundaries with >= 3 strings decode */
		if (r == 0 && m.nstr < 3)
			bad++;
	}
	CHECK(bad == 0, "%d truncations decoded with too few strings", bad);
	CHECK(msg_decode(&m, &sh, body, full) == 0 && m.nstr == 4 &&
		m.u.start.starttime == 99, "full START");
	msg_free(&m);
}

static void
test_fixed_only(void)
{
	struct msg m = {0};
	struct sb_exit e = {.status = 7};
	struct sb_hdr h = hdr(SB_MSG_EXIT);

	blen = 0;
	put(&e, sizeof(e));
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.u.exit.status == 7 &&
		m.nstr == 0, "EXIT");
	struct sb_exec_fail f = {.error = 13};
	h = hdr(SB_MSG_EXEC_FAIL);
	blen = 0;
	put(&f, sizeof(f));
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.u.exec_fail.error == 13,
	    "EXEC_FAIL");
	struct sb_fork fk = {.ppid = 5, .starttime = 6};
	h = hdr(SB_MSG_FORK);
	blen = 0;
	put(&fk, sizeof(fk));
	CHECK(msg_decode(&m, &h, body, blen) == 0 && m.u.fork.ppid == 5 &&
		m.u.fork.starttime == 6, "FORK");
	msg_free(&m);
}

int
main(void)
{
	test_access();
	test_malformed();
	test_fixed_only();
	printf("msg: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
