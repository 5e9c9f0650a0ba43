/*
 * Unit tests of common/runopts.c: the SRC[:DEST] lists of the bind
 * settings (escapes, what is refused, a write and read back of paths
 * holding the separators), the option table, and which run mode
 * refuses which setting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "runopts.h"

#include "check.h"

/* Parse list and expect the items in want ("SRC>DEST" or "SRC"),
 * then the end; or, when want is NULL, a refusal. */
static void
list_is(int line, const char *list, const char *const *want)
{
	const char *p = list;
	char *src, *dest;
	int rc;
	size_t i = 0;

	while ((rc = sb_bind_next(&p, &src, &dest)) > 0) {
		char got[512];
		snprintf(got, sizeof got, "%s%s%s", src, dest ? ">" : "", dest ? dest : "");
		CHECK(want != NULL && want[i] != NULL && strcmp(got, want[i]) == 0,
		    "line %d: %s: item %zu is %s", line, list, i, got);
		if (want != NULL && want[i] != NULL)
			i++;
		free(src);
		free(dest);
	}
	if (want == NULL) {
		CHECK(rc < 0 && errno == EINVAL, "line %d: %s: want EINVAL, got %d", line, list,
		    rc);
		return;
	}
	CHECK(rc == 0, "line %d: %s: ends with %d (errno %d)", line, list, rc, errno);
	CHECK(want[i] == NULL, "line %d: %s: %s missing", line, list, want[i]);
}

#define LIST(l, ...)                                                                               \
	do {                                                                                       \
		static const char *const w_[] = { __VA_ARGS__, NULL };                             \
		list_is(__LINE__, l, w_);                                                          \
	} while (0)
#define BAD(l) list_is(__LINE__, l, NULL)

static void
test_lists(void)
{
	LIST("", NULL);
	LIST("/data", "/data");
	LIST("/data:/mnt", "/data>/mnt");
	LIST("/a:/b,/c,rel:/d", "/a>/b", "/c", "rel>/d");
	LIST("/with\\,comma:/x\\:y", "/with,comma>/x:y");
	LIST("/back\\\\slash", "/back\\slash");
	LIST("/a b/c d:/e f", "/a b/c d>/e f");
	BAD(",/a");
	BAD("/a,");
	BAD("/a,,/b");
	BAD(":/a");
	BAD("/a:");
	BAD("/a:/b:/c");
	BAD("/a\\");
}

/* Every byte but NUL survives sb_bind_append and sb_bind_next. */
static void
test_roundtrip(void)
{
	char src[256], dest[256];
	size_t n = 0;

	for (int c = 1; c < 256; c++)
		src[n++] = (char)c;
	src[n] = '\0';
	snprintf(dest, sizeof dest, "/d,:\\%s", "x");
	char *one = sb_bind_append(NULL, src, dest);
	char *two = sb_bind_append(one, "/plain", NULL);
	const char *p = two;
	char *s, *d;

	CHECK(one != NULL && two != NULL, "append");
	CHECK(sb_bind_next(&p, &s, &d) == 1 && strcmp(s, src) == 0 && d && strcmp(d, dest) == 0,
	    "first item back");
	free(s);
	free(d);
	CHECK(sb_bind_next(&p, &s, &d) == 1 && strcmp(s, "/plain") == 0 && d == NULL,
	    "second item back");
	free(s);
	CHECK(sb_bind_next(&p, &s, &d) == 0, "end");
	free(one);
	free(two);
	char *e = sb_bind_append("", "/a", "/b");
	CHECK(e && strcmp(e, "/a:/b") == 0, "append to an empty list: %s", e);
	free(e);
}

static void
test_table(void)
{
	const struct sb_runopt *o = sb_runopt_launcher("--no-net");

	CHECK(o && strcmp(o->env, SB_ENV_NET) == 0 && o->nargs == 0 && strcmp(o->value, "0") == 0,
	    "--no-net");
	o = sb_runopt_launcher("--bind");
	CHECK(o && strcmp(o->env, SB_ENV_BIND) == 0 && o->nargs == 2, "--bind");
	CHECK(sb_runopt_launcher("--nope") == NULL, "unknown option");
	for (o = sb_runopts; o->launcher; o++) {
		CHECK(strncmp(o->env, SB_ENV_PREFIX, sizeof SB_ENV_PREFIX - 1) == 0, "%s: %s",
		    o->launcher, o->env);
		CHECK((o->nargs == 0) == (o->value != NULL), "%s: a value iff no argument",
		    o->launcher);
		CHECK(o->create == NULL || strncmp(o->create, "--run-", 6) == 0, "%s: %s",
		    o->launcher, o->create);
	}
	CHECK(sb_setting_false("0") && sb_setting_false("Off") && sb_setting_false("FALSE") &&
		sb_setting_false("no"),
	    "false values");
	CHECK(!sb_setting_false("1") && !sb_setting_false("ro") && !sb_setting_false(""),
	    "not false");
}

/* The settings of one case: "K=V" strings, NULL-terminated. */
static const char *
get(void *ctx, const char *name)
{
	size_t n = strlen(name);

	for (const char *const *kv = ctx; *kv; kv++)
		if (strncmp(*kv, name, n) == 0 && (*kv)[n] == '=')
			return *kv + n + 1;
	return NULL;
}

/* mode with these settings: refused for setting want (NULL: not). */
static void
refusal_is(int line, const char *mode, const char *want, const char *const *kv)
{
	const char *name = NULL, *why = sb_runopt_refusal(mode, get, (void *)kv, &name);

	if (want == NULL)
		CHECK(why == NULL, "line %d: %s mode: refused %s: %s", line, mode, name, why);
	else
		CHECK(why != NULL && name && strcmp(name, want) == 0 && strstr(why, mode),
		    "line %d: %s mode: want %s refused, got %s (%s)", line, mode, want,
		    name ? name : "-", why ? why : "-");
}

#define REFUSED(mode, want, ...)                                                                   \
	do {                                                                                       \
		static const char *const kv_[] = { __VA_ARGS__, NULL };                            \
		refusal_is(__LINE__, mode, want, kv_);                                             \
	} while (0)

static void
test_refusals(void)
{
	REFUSED("bwrap", NULL, "SIDEBUNDLE_NET=0", "SIDEBUNDLE_BIND=/a", "SIDEBUNDLE_RO_BIND=/b",
	    "SIDEBUNDLE_WORKSPACE=/w", "SIDEBUNDLE_BIND_HOME=0", "SIDEBUNDLE_BIND_CWD=0",
	    "SIDEBUNDLE_CLEAN_ENV=1");
	REFUSED("bwrap", SB_ENV_USER, "SIDEBUNDLE_USER=1000");
	REFUSED("host", NULL, "SIDEBUNDLE_NET=1", "SIDEBUNDLE_CLEAN_ENV=1", "SIDEBUNDLE_BIND=",
	    "SIDEBUNDLE_BIND_HOME=rw", "SIDEBUNDLE_BIND_CWD=1", "SIDEBUNDLE_USER=");
	REFUSED("host", SB_ENV_NET, "SIDEBUNDLE_NET=off");
	REFUSED("host", SB_ENV_BIND, "SIDEBUNDLE_BIND=/a");
	REFUSED("host", SB_ENV_RO_BIND, "SIDEBUNDLE_RO_BIND=/a");
	REFUSED("host", SB_ENV_WORKSPACE, "SIDEBUNDLE_WORKSPACE=.");
	REFUSED("host", SB_ENV_BIND_HOME, "SIDEBUNDLE_BIND_HOME=ro");
	REFUSED("host", SB_ENV_BIND_HOME, "SIDEBUNDLE_BIND_HOME=0");
	REFUSED("host", SB_ENV_BIND_CWD, "SIDEBUNDLE_BIND_CWD=no");
	REFUSED("host", SB_ENV_USER, "SIDEBUNDLE_USER=1");
	REFUSED("chroot", NULL, "SIDEBUNDLE_NET=0", "SIDEBUNDLE_CLEAN_ENV=1",
	    "SIDEBUNDLE_BIND_HOME=0", "SIDEBUNDLE_BIND_CWD=false", "SIDEBUNDLE_USER=1:1");
	REFUSED("chroot", SB_ENV_WORKSPACE, "SIDEBUNDLE_WORKSPACE=/w");
	REFUSED("chroot", SB_ENV_BIND_HOME, "SIDEBUNDLE_BIND_HOME=rw");
	REFUSED("chroot", SB_ENV_BIND_CWD, "SIDEBUNDLE_BIND_CWD=1");
}

int
main(void)
{
	test_lists();
	test_roundtrip();
	test_table();
	test_refusals();
	printf("runopts: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
