/*
 * Unit tests of common/libcenv.h: which "NAME=value" strings name a
 * variable that changes the files the C library reads, bounded by a
 * length or by the string's NUL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcenv.h"

#include "check.h"

/* s with exactly strlen(s) bytes, no NUL after them: a read past the
 * bound is caught under ASan */
static int
is_bounded(const char *s)
{
	size_t n = strlen(s);
	char *copy = malloc(n > 0 ? n : 1);
	int r;

	memcpy(copy, s, n);
	r = sb_libcenv_is(copy, n);
	free(copy);
	return r;
}

static void
is(int ln, const char *s, int want)
{
	int c = sb_libcenv_is(s, SIZE_MAX), b = is_bounded(s);

	CHECK(c == want, "line %d: \"%s\" as a C string: %d, want %d", ln, s, c, want);
	CHECK(b == want, "line %d: \"%s\" bounded: %d, want %d", ln, s, b, want);
}
#define IS(s, want) is(__LINE__, s, want)

int
main(void)
{
	/* the header's own list: a name added there whose first letter
	 * the quick test turns away fails here */
	const char *const *names = sb_libcenv_names;
	size_t nnames = sizeof sb_libcenv_names / sizeof *sb_libcenv_names;
	char buf[64];

	CHECK(nnames == 10, "%zu names", nnames);
	for (size_t i = 0; i < nnames; i++) {
		snprintf(buf, sizeof buf, "%s=x", names[i]);
		IS(buf, 1);
		snprintf(buf, sizeof buf, "%s=", names[i]); /* set, empty */
		IS(buf, 1);
		snprintf(buf, sizeof buf, "%s", names[i]); /* no '=': not a variable */
		IS(buf, 0);
		snprintf(buf, sizeof buf, "%sX=x", names[i]); /* a longer name */
		IS(buf, 0);
		snprintf(buf, sizeof buf, "%.*s=x", (int)strlen(names[i]) - 1, names[i]);
		IS(buf, 0); /* a shorter one */
		snprintf(buf, sizeof buf, "x%s=x", names[i]);
		IS(buf, 0);
	}
	IS("LC_ALL=C", 1);
	IS("LC_CTYPE=C.UTF-8", 1);
	IS("LC_X=", 1);
	IS("LC_=x", 0); /* the prefix alone names no category */
	IS("LC=x", 0);
	IS("lang=C", 0); /* names are case-sensitive */
	IS("Lang=C", 0);
	IS("PATH=/usr/bin", 0);
	IS("HOME=/root", 0);
	IS("TERM=xterm", 0);   /* first letter of TZ, not TZ */
	IS("GCONV=x", 0);      /* first letter of GCONV_PATH */
	IS("HOSTNAME=x", 0);   /* first letter of HOSTALIASES */
	IS("RESOLV=x", 0);     /* first letter of RES_OPTIONS */
	IS("NLSPATHS=x", 0);
	IS("LS_COLORS=rs=0", 0);
	IS("=LANG", 0);
	IS("", 0);
	IS("LANG=C=D", 1); /* the value may hold '=' */

	/* the bound cuts the name before its '=' */
	CHECK(sb_libcenv_is("LANG=C", 4) == 0, "LANG=C cut at 4");
	CHECK(sb_libcenv_is("LANG=C", 5) == 1, "LANG=C cut at 5");
	CHECK(sb_libcenv_is("LANG=C", 0) == 0, "LANG=C cut at 0");
	CHECK(sb_libcenv_is("TZ=UTC", 2) == 0, "TZ=UTC cut at 2");
	/* a NUL inside the bound ends the string */
	CHECK(sb_libcenv_is("LANG\0=C", 7) == 0, "NUL before '='");

	printf("libcenv: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
