/*
 * Unit tests of collector/filter.c: the -e grammar of sbtrace(1) (names,
 * system calls, classes, !, all, none, ?, the trace= qualifier, the
 * errors that name what was not understood), --exclude-path matching
 * by whole components, and the JSON kept in the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "wire.h"

#include "check.h"

#define OP(x) (1u << (x))
#define ALL (OP(SB_OP_MAX) - 2)

/* The ops set -e expr gives, or 0xffffffff with err when it fails. */
static uint32_t
ops_of(const char *expr, char *err, size_t errlen)
{
	struct filter f;
	uint32_t ops;

	filter_init(&f);
	err[0] = '\0';
	ops = filter_trace(&f, expr, err, errlen) == 0 ? f.ops : 0xffffffffu;
	filter_free(&f);
	return ops;
}

static void
test_names(void)
{
	char err[512];
	uint32_t o;

	CHECK(ops_of("open", err, sizeof(err)) == OP(SB_OP_OPEN), "open");
	CHECK(ops_of("trace=open,stat", err, sizeof(err)) == (OP(SB_OP_OPEN) | OP(SB_OP_STAT)),
	    "trace=open,stat");
	CHECK(ops_of("t=exec", err, sizeof(err)) == OP(SB_OP_EXEC), "t=exec");
	/* system calls stand for the operation they are recorded as */
	CHECK(ops_of("openat,lstat,execve", err, sizeof(err)) ==
		(OP(SB_OP_OPEN) | OP(SB_OP_STAT) | OP(SB_OP_EXEC)),
	    "syscalls");
	CHECK(ops_of("unlinkat", err, sizeof(err)) == (OP(SB_OP_UNLINK) | OP(SB_OP_RMDIR)),
	    "unlinkat is unlink and rmdir");
	CHECK(ops_of("newfstatat,statx,faccessat2", err, sizeof(err)) ==
		(OP(SB_OP_STAT) | OP(SB_OP_ACCESS)),
	    "the *at forms");
	/* ours that no system call has */
	CHECK(ops_of("load,search,dlopen,realpath,opendir", err, sizeof(err)) ==
		(OP(SB_OP_LOAD) | OP(SB_OP_SEARCH) | OP(SB_OP_DLOPEN) | OP(SB_OP_REALPATH) |
		    OP(SB_OP_OPENDIR)),
	    "library operations");
	/* empty items are skipped, as strace does */
	CHECK(ops_of("open,,stat,", err, sizeof(err)) == (OP(SB_OP_OPEN) | OP(SB_OP_STAT)),
	    "empty items");
	o = ops_of("?nosuch,open", err, sizeof(err));
	CHECK(o == OP(SB_OP_OPEN), "?nosuch passes: %x %s", o, err);
	CHECK(ops_of("?%nosuch", err, sizeof(err)) == 0, "?%%class passes, records nothing");
}

static void
test_classes(void)
{
	char err[512];

	CHECK(ops_of("%file", err, sizeof(err)) == ALL, "%%file is everything");
	CHECK(ops_of("trace=file", err, sizeof(err)) == ALL, "file without %%");
	CHECK(ops_of("%process", err, sizeof(err)) == OP(SB_OP_EXEC), "%%process");
	CHECK(ops_of("process", err, sizeof(err)) == OP(SB_OP_EXEC), "process without %%");
	CHECK(ops_of("%stat", err, sizeof(err)) == OP(SB_OP_STAT), "%%stat");
	CHECK(ops_of("%%stat,%lstat", err, sizeof(err)) == OP(SB_OP_STAT), "%%%%stat, %%lstat");
	CHECK(ops_of("%lib", err, sizeof(err)) ==
		(OP(SB_OP_LOAD) | OP(SB_OP_SEARCH) | OP(SB_OP_DLOPEN)),
	    "%%lib");
	CHECK(ops_of("%lookup", err, sizeof(err)) ==
		(OP(SB_OP_STAT) | OP(SB_OP_ACCESS) | OP(SB_OP_READLINK) | OP(SB_OP_REALPATH)),
	    "%%lookup");
	CHECK(ops_of("%dir", err, sizeof(err)) ==
		(OP(SB_OP_OPENDIR) | OP(SB_OP_CHDIR) | OP(SB_OP_MKDIR) | OP(SB_OP_RMDIR)),
	    "%%dir");
	CHECK(ops_of("%modify", err, sizeof(err)) ==
		(OP(SB_OP_RENAME) | OP(SB_OP_UNLINK) | OP(SB_OP_RMDIR) | OP(SB_OP_MKDIR) |
		    OP(SB_OP_TRUNCATE) | OP(SB_OP_SYMLINK) | OP(SB_OP_LINK)),
	    "%%modify");
	CHECK(ops_of("%exec,open", err, sizeof(err)) == (OP(SB_OP_EXEC) | OP(SB_OP_OPEN)),
	    "a class and a name");
}

static void
test_sets(void)
{
	char err[512];

	CHECK(ops_of("all", err, sizeof(err)) == ALL, "all");
	CHECK(ops_of("none", err, sizeof(err)) == 0, "none");
	CHECK(ops_of("trace=!none", err, sizeof(err)) == ALL, "!none");
	CHECK(ops_of("!all", err, sizeof(err)) == 0, "!all");
	CHECK(ops_of("!stat", err, sizeof(err)) == (ALL & ~OP(SB_OP_STAT)), "!stat");
	CHECK(ops_of("trace=!open,%lib", err, sizeof(err)) ==
		(ALL & ~(OP(SB_OP_OPEN) | OP(SB_OP_LOAD) | OP(SB_OP_SEARCH) | OP(SB_OP_DLOPEN))),
	    "! applies to the whole list");
	CHECK(ops_of("!!open", err, sizeof(err)) == OP(SB_OP_OPEN), "each ! inverts");
}

/* -e expr fails with a message that has want in it. */
static void
bad(int line, const char *expr, const char *want)
{
	char err[512];
	uint32_t o = ops_of(expr, err, sizeof(err));

	checks++;
	if (o != 0xffffffffu || strstr(err, want) == NULL) {
		failures++;
		printf("FAIL line %d: -e %s: want an error with \"%s\", got %x \"%s\"\n", line,
		    expr, want, o, err);
	}
}
#define BAD(expr, want) bad(__LINE__, expr, want)

static void
test_errors(void)
{
	BAD("%foo", "unknown class %foo");
	BAD("open,%bar", "unknown class %bar");
	BAD("%network", "%network holds no call");
	BAD("trace=%desc", "%desc holds no call");
	BAD("read", "unknown operation or system call read");
	BAD("open,fstat", "system call fstat");
	BAD("signal=all", "sbtrace knows only the trace= qualifier, not signal=");
	BAD("abbrev=none", "not abbrev=");
	BAD("trace=/open", "regular expressions are not supported");
	BAD("", "no operation given");
	BAD("trace=", "no operation given");
	BAD("!", "no operation given");
	BAD(",,", "no operation given");
	BAD("?", "an empty name");
	BAD("all,open", "unknown operation or system call all");
}

static void
test_replace(void)
{
	struct filter f;
	char err[512];

	filter_init(&f);
	CHECK(!filter_active(&f), "nothing given: inactive");
	CHECK(filter_keep(&f, SB_OP_OPEN, "/x", 2), "nothing given: everything kept");
	CHECK(filter_trace(&f, "open,stat", err, sizeof(err)) == 0, "first -e");
	CHECK(filter_trace(&f, "access", err, sizeof(err)) == 0, "second -e");
	CHECK(f.ops == OP(SB_OP_ACCESS), "the last -e replaces the first, as in strace");
	CHECK(filter_active(&f), "active");
	/* a failed -e leaves the set as it was */
	CHECK(filter_trace(&f, "%nope", err, sizeof(err)) == -1, "bad -e");
	CHECK(f.ops == OP(SB_OP_ACCESS), "unchanged by an error");
	filter_free(&f);
}

static void
test_exclude(void)
{
	struct filter f;
	char err[512];

	filter_init(&f);
	CHECK(filter_exclude(&f, "tmp", err, sizeof(err)) == -1 &&
		strstr(err, "not an absolute path") != NULL,
	    "relative: %s", err);
	CHECK(filter_exclude(&f, "", err, sizeof(err)) == -1, "empty");
	CHECK(filter_exclude(&f, "/tmp/", err, sizeof(err)) == 0, "/tmp/");
	CHECK(filter_exclude(&f, "//var//./cache/../log", err, sizeof(err)) == 0, "normalised");
	CHECK(filter_active(&f), "active");
#define KEEP(p) filter_keep(&f, SB_OP_OPEN, p, strlen(p))
	CHECK(!KEEP("/tmp"), "/tmp itself");
	CHECK(!KEEP("/tmp/x"), "/tmp/x");
	CHECK(!KEEP("/tmp/x/y"), "/tmp/x/y");
	CHECK(KEEP("/tmpfoo"), "/tmpfoo is no child of /tmp");
	CHECK(KEEP("/tm"), "/tm");
	CHECK(KEEP("/"), "/");
	CHECK(!KEEP("/var/log/syslog"), "/var/log, given unnormalised");
	CHECK(KEEP("/var/cache/x"), "/var/cache");
	CHECK(KEEP("tmp/x"), "a relative path is under no prefix");
	CHECK(filter_trace(&f, "stat", err, sizeof(err)) == 0, "-e stat too");
	CHECK(!KEEP("/etc/passwd"), "open is not recorded");
	CHECK(filter_keep(&f, SB_OP_STAT, "/etc/passwd", 11), "stat is");
	CHECK(!filter_keep(&f, SB_OP_STAT, "/tmp/a", 6), "but not under /tmp");
	CHECK(!filter_keep(&f, SB_OP_MAX, "/etc", 4), "no such op");
	filter_free(&f);

	filter_init(&f);
	CHECK(filter_exclude(&f, "/", err, sizeof(err)) == 0, "/");
	CHECK(!KEEP("/etc"), "/ excludes every absolute path");
	CHECK(KEEP("rel"), "but not a relative one");
#undef KEEP
	filter_free(&f);
}

static void
test_json(void)
{
	struct filter f;
	struct buf b = { 0 };
	char err[512];

	filter_init(&f);
	CHECK(filter_trace(&f, "trace=open,%lib", err, sizeof(err)) == 0, "-e");
	CHECK(filter_json(&f, &b) == 0, "json");
	CHECK(strcmp(b.p, "{\"trace\":\"trace=open,%lib\",\"ops\":[\"open\",\"dlopen\",\"load\","
			  "\"search\"]}") == 0,
	    "-e only: %s", b.p);
	CHECK(filter_exclude(&f, "/a\"b", err, sizeof(err)) == 0, "exclude");
	buf_clear(&b);
	CHECK(filter_json(&f, &b) == 0, "json");
	CHECK(strcmp(b.p, "{\"trace\":\"trace=open,%lib\",\"ops\":[\"open\",\"dlopen\",\"load\","
			  "\"search\"],\"exclude_path\":[\"/a\\\"b\"]}") == 0,
	    "both: %s", b.p);
	filter_free(&f);

	filter_init(&f);
	CHECK(filter_exclude(&f, "/tmp", err, sizeof(err)) == 0, "exclude");
	buf_clear(&b);
	CHECK(filter_json(&f, &b) == 0, "json");
	CHECK(strcmp(b.p, "{\"exclude_path\":[\"/tmp\"]}") == 0, "--exclude-path only: %s",
	    b.p);
	filter_free(&f);
	buf_free(&b);
}

int
main(void)
{
	test_names();
	test_classes();
	test_sets();
	test_errors();
	test_replace();
	test_exclude();
	test_json();
	printf("filter: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
