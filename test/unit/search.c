/*
 * Unit tests of bundler/search.c: symlink resolution kept inside a root,
 * $ORIGIN/$LIB/$PLATFORM, RPATH versus RUNPATH, the default directories
 * and PATH lookup, on a small tree built in a temporary directory with
 * copies of the host's libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>

#include "libsearch.h"

#include "check.h"

static char root[PATH_MAX];

static void
mk(const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	mkdir(p, 0755);
}

static void
ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	if (symlink(target, p) == -1)
		perror(p);
}

static void
cp(const char *from, const char *rel)
{
	char cmd[PATH_MAX * 3];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s%s'", from, root, rel);
	if (system(cmd) != 0)
		printf("cannot %s\n", cmd);
}

static void
realpath_is(struct search *s, const char *in, const char *want)
{
	char *got = root_realpath(&s->root, in);

	CHECK(got != NULL && strcmp(got, want) == 0, "realpath(%s) = %s, want %s",
	    in, got ? got : strerror(errno), want);
	free(got);
}

int
main(void)
{
	struct search s;
	struct search_result r;
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";

	if (access(libc, R_OK) != 0) {
		printf("search: skipped (no %s)\n", libc);
		return 0;
	}
	snprintf(root, sizeof(root), "%s/sbsearch.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	mk("/usr");
	mk("/usr/lib");
	mk("/usr/lib/x86_64-linux-gnu");
	mk("/usr/bin");
	mk("/opt");
	mk("/opt/app");
	mk("/opt/app/lib");
	mk("/opt/app/lib/x86_64");
	ln("usr/lib", "/lib");
	ln("/usr/bin", "/bin");
	ln("../../../../../../usr/lib", "/opt/up");
	ln("loop2", "/loop1");
	ln("loop1", "/loop2");
	cp(libc, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	cp(libc, "/opt/app/lib/libapp.so");
	cp(libc, "/opt/app/lib/x86_64/libplat.so");
	cp("/bin/sh", "/usr/bin/tool");
	cp("/bin/sh", "/usr/bin/notexec");
	{
		char p[PATH_MAX * 2];
		snprintf(p, sizeof(p), "%s/usr/bin/notexec", root);
		chmod(p, 0644);
	}

	CHECK(search_init(&s, root, NULL) == 0, "init");
	CHECK(!root_is_host(&s.root), "not host");
	realpath_is(&s, "/lib/x86_64-linux-gnu/libc.so.6",
	    "/usr/lib/x86_64-linux-gnu/libc.so.6");
	realpath_is(&s, "/bin/tool", "/usr/bin/tool");
	realpath_is(&s, "/opt/up/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
	realpath_is(&s, "/../../lib/./x86_64-linux-gnu/", "/usr/lib/x86_64-linux-gnu");
	errno = 0;
	CHECK(root_realpath(&s.root, "/loop1") == NULL && errno == ELOOP, "loop");
	CHECK(root_realpath(&s.root, "/nonexistent") == NULL && errno == ENOENT,
	    "missing");
	CHECK(root_realpath(&s.root, "/usr/bin/tool/x") == NULL &&
		errno == ENOTDIR,
	    "ENOTDIR");

	/* The requester: a 64-bit x86-64 executable in /opt/app/bin. */
	struct elf_info exe = {.class = ELFCLASS64, .data = ELFDATA2LSB,
	    .machine = EM_X86_64, .type = ET_DYN};
	struct search_obj chain[1] = {{&exe, "/opt/app/bin"}};

	CHECK(search_lib(&s, "libc.so.6", chain, 1, &r) == 0 && r.n == 1 &&
		strcmp(r.v[0].path, "/lib/x86_64-linux-gnu/libc.so.6") == 0,
	    "default dirs: %s", r.n ? r.v[0].path : "none");
	search_result_free(&r);

	CHECK(search_lib(&s, "libapp.so", chain, 1, &r) == 0 && r.n == 0,
	    "not found without a path");
	search_result_free(&r);

	exe.runpath = "$ORIGIN/../lib";
	CHECK(search_lib(&s, "libapp.so", chain, 1, &r) == 0 && r.n == 1 &&
		strcmp(r.v[0].path, "/opt/app/lib/libapp.so") == 0,
	    "RUNPATH $ORIGIN");
	search_result_free(&r);
	exe.runpath = NULL;

	exe.rpath = "/nowhere:${ORIGIN}/../lib/$PLATFORM";
	CHECK(search_lib(&s, "libplat.so", chain, 1, &r) == 0 && r.n == 1 &&
		strcmp(r.v[0].path, "/opt/app/lib/x86_64/libplat.so") == 0,
	    "RPATH ${ORIGIN} $PLATFORM");
	search_result_free(&r);

	/* RPATH of the loader applies to a library without RUNPATH... */
	struct elf_info lib = exe;
	lib.rpath = NULL;
	struct search_obj chain2[2] = {{&lib, "/usr/lib"}, {&exe, "/opt/app/bin"}};
	exe.rpath = "$ORIGIN/../lib";
	CHECK(search_lib(&s, "libapp.so", chain2, 2, &r) == 0 && r.n == 1,
	    "inherited RPATH");
	search_result_free(&r);
	/* ...not to one with RUNPATH. */
	lib.runpath = "/nowhere";
	CHECK(search_lib(&s, "libapp.so", chain2, 2, &r) == 0 && r.n == 0,
	    "RUNPATH stops RPATH inheritance");
	search_result_free(&r);
	lib.runpath = NULL;

	exe.rpath = "/$LIB";
	CHECK(search_lib(&s, "libc.so.6", chain, 1, &r) == 0 && r.n == 1 &&
		strcmp(r.v[0].path, "/lib/x86_64-linux-gnu/libc.so.6") == 0,
	    "$LIB on a multiarch root: %s", r.n ? r.v[0].path : "none");
	search_result_free(&r);
	exe.rpath = NULL;

	/* Wrong machine: the file is skipped. */
	exe.machine = EM_AARCH64;
	CHECK(search_lib(&s, "libc.so.6", chain, 1, &r) == 0 && r.n == 0,
	    "other machine skipped");
	search_result_free(&r);
	exe.machine = EM_X86_64;

	/* DF_1_NODEFLIB: no default dirs. */
	exe.flags_1 = DF_1_NODEFLIB;
	CHECK(search_lib(&s, "libc.so.6", chain, 1, &r) == 0 && r.n == 0,
	    "nodeflib");
	search_result_free(&r);
	exe.flags_1 = 0;

	/* A name with a slash is a path. */
	CHECK(search_lib(&s, "/opt/app/lib/libapp.so", chain, 1, &r) == 0 &&
		r.n == 1,
	    "path name");
	search_result_free(&r);

	char *p = search_path(&s, "tool", "/nowhere:/bin");
	CHECK(p != NULL && strcmp(p, "/bin/tool") == 0, "PATH lookup");
	free(p);
	p = search_path(&s, "notexec", "/usr/bin");
	CHECK(p == NULL, "not executable");
	free(p);
	p = search_path(&s, "tool", NULL);
	CHECK(p != NULL && strcmp(p, "/usr/bin/tool") == 0, "default PATH");
	free(p);
	search_free(&s);

	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", root);
	printf("search: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
