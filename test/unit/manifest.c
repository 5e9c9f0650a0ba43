/*
 * Unit tests of common/manifest.c, the one manifest.lock reader and
 * writer: the whole file (verify) against the header only (the
 * launcher), records out of order, bin-file records, bytes that must
 * have been escaped, a header read in chunks across the reader's 8 KiB
 * boundary, and a write and read back of fields holding every byte 0x01
 * to 0xff.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"

#include "check.h"

#define H "sidebundle-manifest\t1\nname\tsh\nrun-mode\thost\n"
#define SHA "f5adb8bf0100ed0f8c7782ca5f92814e9229525a4b4e0d401cf3bea09ac960a6"
#define ENTRY "entry\tsh\t/bin/sh\telf-dynamic\t/lib64/ld-linux-x86-64.so.2\n"
#define RECS                                                                                       \
	"dir\t/dev\t0755\trule\nfile\t/usr/bin/dash\t0755\t125640\t" SHA "\telf\n"                 \
	"symlink\t/usr/bin/sh\tdash\telf\n"

static const char *
how_name(enum mf_read how)
{
	return how == MF_ALL ? "MF_ALL" : "MF_HEADER";
}

/* Parse text (exactly len bytes, in a buffer of that size) how; expect
 * ok (1) or a failure whose message holds errpart. */
static void
parse_is(int line, const char *text, size_t len, enum mf_read how, int ok, const char *errpart,
    struct manifest *out)
{
	struct manifest m;
	char err[512] = "";
	char *copy = malloc(len > 0 ? len : 1);

	memcpy(copy, text, len);
	int rc = manifest_parse(&m, copy, len, how, err, sizeof err);
	free(copy);
	if (ok) {
		CHECK(rc == 0, "line %d: %s: %s", line, how_name(how), err);
	} else {
		CHECK(rc == -1 && strstr(err, errpart) != NULL,
		    "line %d: %s: rc %d \"%s\", want \"%s\"", line, how_name(how), rc, err,
		    errpart);
		CHECK(m.name == NULL && m.nrecs == 0 && m.nentries == 0 && m.nenv == 0,
		    "line %d: a failed parse leaves m empty", line);
	}
	if (out != NULL && rc == 0)
		*out = m;
	else
		manifest_free(&m);
}
#define PARSE(s, how, ok, e) parse_is(__LINE__, s, sizeof(s) - 1, how, ok, e, NULL)
/* both ways: whole and header only */
#define BOTH(s, okall, eall, okhdr, ehdr)                                                          \
	do {                                                                                       \
		PARSE(s, MF_ALL, okall, eall);                                                     \
		PARSE(s, MF_HEADER, okhdr, ehdr);                                                  \
	} while (0)

static int
memfd_of(const void *p, size_t n)
{
	int fd = memfd_create("manifest", MFD_CLOEXEC);
	const char *c = p;

	while (fd >= 0 && n > 0) {
		ssize_t w = write(fd, c, n);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
same_strv(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static int
same_header(const struct manifest *a, const struct manifest *b)
{
	if (strcmp(a->name, b->name) != 0 || strcmp(a->run_mode, b->run_mode) != 0 ||
	    !same_strv(a->env, a->nenv, b->env, b->nenv) ||
	    !same_strv(a->libdirs, a->nlibdirs, b->libdirs, b->nlibdirs) ||
	    a->nentries != b->nentries || a->nbins != b->nbins)
		return 0;
	for (size_t i = 0; i < a->nbins; i++) {
		const struct mf_bin *x = &a->bins[i], *y = &b->bins[i];
		if (strcmp(x->name, y->name) != 0 || x->mode != y->mode || x->size != y->size ||
		    strcmp(x->sha, y->sha) != 0)
			return 0;
	}
	for (size_t i = 0; i < a->nentries; i++) {
		const struct mf_entry *x = &a->entries[i], *y = &b->entries[i];
		if (strcmp(x->name, y->name) != 0 || strcmp(x->path, y->path) != 0 ||
		    strcmp(x->kind, y->kind) != 0 || strcmp(x->interp, y->interp) != 0 ||
		    !same_strv(x->args, x->nargs, y->args, y->nargs))
			return 0;
	}
	return 1;
}

static int
same_recs(const struct manifest *a, const struct manifest *b)
{
	if (a->nrecs != b->nrecs)
		return 0;
	for (size_t i = 0; i < a->nrecs; i++) {
		const struct mf_rec *x = &a->recs[i], *y = &b->recs[i];
		if (x->type != y->type || strcmp(x->path, y->path) != 0 || x->origin != y->origin)
			return 0;
		if (x->type == MF_SYMLINK && strcmp(x->target, y->target) != 0)
			return 0;
		if (x->type != MF_SYMLINK && x->mode != y->mode)
			return 0;
		if (x->type == MF_FILE && (x->size != y->size || strcmp(x->sha, y->sha) != 0))
			return 0;
		if ((x->package == NULL) != (y->package == NULL) ||
		    (x->package && strcmp(x->package, y->package) != 0))
			return 0;
	}
	if (a->npkgs != b->npkgs)
		return 0;
	for (size_t i = 0; i < a->npkgs; i++)
		if (strcmp(a->pkgs[i].id, b->pkgs[i].id) != 0 ||
		    strcmp(a->pkgs[i].version, b->pkgs[i].version) != 0)
			return 0;
	return 1;
}

/* The PACKAGE field of file and symlink records and the package
 * records, added to version 1 after the first bundles: both forms of a
 * record read, the header reader stops before them as before. */
static void
packages(void)
{
	struct manifest m;
	static const char with[] =
	    H ENTRY "dir\t/dev\t0755\trule\n"
		    "file\t/usr/bin/dash\t0755\t125640\t" SHA "\telf\tdash\n"
		    "symlink\t/usr/bin/sh\tdash\telf\tdash\n"
		    "file\t/usr/lib/libc.so.6\t0755\t1\t" SHA "\telf\tlibc6:amd64,libc6:i386\n"
		    "file\t/x\t0644\t1\t" SHA "\ttrace\n"
		    "package\tdash\t0.5.12-2\npackage\tlibc6:amd64\t2.36-9%2Bdeb12u4\n";

	parse_is(__LINE__, with, sizeof with - 1, MF_ALL, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(m.nrecs == 5 && strcmp(m.recs[1].package, "dash") == 0 &&
			strcmp(m.recs[3].package, "libc6:amd64,libc6:i386") == 0 &&
			m.recs[4].package == NULL && m.recs[0].package == NULL &&
			strcmp(m.recs[2].package, "dash") == 0 &&
			strcmp(m.recs[2].target, "dash") == 0 && m.recs[2].origin == OR_ELF,
		    "package fields");
		CHECK(m.npkgs == 2 && strcmp(m.pkgs[1].id, "libc6:amd64") == 0 &&
			strcmp(m.pkgs[1].version, "2.36-9+deb12u4") == 0,
		    "package records");
		manifest_free(&m);
	}
	parse_is(__LINE__, with, sizeof with - 1, MF_HEADER, 1, NULL, &m);
	CHECK(m.nrecs == 0 && m.npkgs == 0 && m.nentries == 1, "header read stops at the records");
	manifest_free(&m);
	/* packages but no file, dir or symlink record: the header read
	 * stops there too */
	BOTH(H "package\tdash\t1\n", 1, NULL, 1, NULL);

	BOTH(H "dir\t/d\t0755\trule\tdash\n", 0, "dir: want PATH MODE ORIGIN", 1, NULL);
	BOTH(H "file\t/x\t0644\t1\t" SHA "\ttrace\tdash\textra\n", 0,
	    "file: want PATH MODE SIZE SHA256 ORIGIN [PACKAGE]", 1, NULL);
	BOTH(H "symlink\t/x\ty\ttrace\tdash\textra\n", 0,
	    "symlink: want PATH TARGET ORIGIN [PACKAGE]", 1, NULL);
	static const char *const bad[] = { "Dash", "a:", ":amd64", "a,,b", "a,", "-a", "a:x_y",
		"a%20b", "a:b:c" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[512];
		int n = snprintf(text, sizeof text, H "symlink\t/x\ty\ttrace\t%s\n", bad[i]);
		parse_is(__LINE__, text, (size_t)n, MF_ALL, 0, "want ID[,ID...]", NULL);
		n = snprintf(text, sizeof text, H "package\t%s\t1\n", bad[i]);
		parse_is(__LINE__, text, (size_t)n, MF_ALL, 0, "not a Debian package id", NULL);
	}
	CHECK(mf_package_ok("g++-12") && mf_package_ok("libstdc++6:amd64,lib32stdc++6:i386") &&
		mf_package_ok("0ad") && !mf_package_ok(""),
	    "mf_package_ok");
	BOTH(H "package\tb\t1\npackage\ta\t1\n", 0, "package a: out of order", 1, NULL);
	BOTH(H "package\ta\t1\npackage\ta\t2\n", 0, "package a: out of order or duplicate",
	    1, NULL);
	BOTH(H "package\ta\n", 0, "package: want ID VERSION", 1, NULL);
	BOTH(H "package\ta\t1\ndir\t/d\t0755\trule\n", 0, "dir record out of place", 1, NULL);

	/* the fields of any line of the bundle's other files */
	char **f, err[256];
	size_t nf;
	CHECK(mf_split("/a%20b\tDT_NEEDED%20of%20/x", 26, 1, &f, &nf, err, sizeof err) == 0 &&
		nf == 2 && strcmp(f[0], "/a b") == 0 && strcmp(f[1], "DT_NEEDED of /x") == 0,
	    "mf_split: %s", err);
	mf_fields_free(f, nf);
	CHECK(mf_split("a b", 3, 7, &f, &nf, err, sizeof err) < 0 &&
		strstr(err, "line 7: unescaped byte 0x20") != NULL,
	    "mf_split of a raw space: %s", err);
	CHECK(mf_split("", 0, 3, &f, &nf, err, sizeof err) < 0 && strstr(err, "empty") != NULL,
	    "mf_split of nothing: %s", err);
}

static void
fields(void)
{
	struct manifest m;

	/* every field of a whole manifest */
	static const char full[] =
	    H "env\tA=1\nenv\tPATH=/bin%3A/usr/bin\n" ENTRY
	      "entry\ttool\t/opt/tool\tscript\t/usr/bin/env\tpython3%20-u\t-x\n"
	      "libdir\t/usr/lib/x86_64-linux-gnu\nlibdir\t/usr/lib64\n" RECS;
	parse_is(__LINE__, full, sizeof full - 1, MF_ALL, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(strcmp(m.name, "sh") == 0 && strcmp(m.run_mode, "host") == 0,
		    "name, run-mode");
		CHECK(m.nenv == 2 && strcmp(m.env[0], "A=1") == 0 &&
			strcmp(m.env[1], "PATH=/bin:/usr/bin") == 0,
		    "env");
		CHECK(m.nentries == 2 && strcmp(m.entries[1].name, "tool") == 0 &&
			strcmp(m.entries[1].kind, "script") == 0 && m.entries[1].nargs == 2 &&
			strcmp(m.entries[1].args[0], "python3 -u") == 0 &&
			strcmp(m.entries[1].args[1], "-x") == 0 && m.entries[0].nargs == 0,
		    "entries");
		CHECK(manifest_entry(&m, "tool") == &m.entries[1] &&
			manifest_entry(&m, "x") == NULL,
		    "manifest_entry");
		CHECK(m.nlibdirs == 2 && strcmp(m.libdirs[1], "/usr/lib64") == 0, "libdirs");
		CHECK(m.nrecs == 3 && m.recs[0].type == MF_DIR && m.recs[0].mode == 0755 &&
			m.recs[0].origin == OR_RULE && m.recs[1].type == MF_FILE &&
			m.recs[1].size == 125640 && strcmp(m.recs[1].sha, SHA) == 0 &&
			m.recs[2].type == MF_SYMLINK && strcmp(m.recs[2].target, "dash") == 0 &&
			strcmp(m.recs[2].path, "/usr/bin/sh") == 0,
		    "records");
		manifest_free(&m);
	}
	/* the header only: the same header, no records */
	parse_is(__LINE__, full, sizeof full - 1, MF_HEADER, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(m.nrecs == 0 && m.nenv == 2 && m.nentries == 2 && m.nlibdirs == 2,
		    "header only: %zu records %zu env %zu entries", m.nrecs, m.nenv, m.nentries);
		manifest_free(&m);
	}
	/* no records at all, no env, entry nor libdir */
	parse_is(__LINE__, H, sizeof H - 1, MF_ALL, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(m.nrecs == 0 && m.nenv == 0 && m.nentries == 0 && m.nlibdirs == 0,
		    "header alone");
		manifest_free(&m);
	}
	PARSE(H, MF_HEADER, 1, NULL);
}

static void
structure(void)
{
	/* not enough of a header */
	BOTH("", 0, "ends before its header", 0, "ends before its header");
	BOTH("sidebundle-manifest\t1\n", 0, "ends before", 0, "ends before");
	BOTH("sidebundle-manifest\t1\nname\tsh\n", 0, "line 3: manifest ends before", 0,
	    "ends before");
	BOTH("sidebundle-manifest\t2\nname\tsh\nrun-mode\thost\n", 0, "version 2", 0, "version 2");
	BOTH("sidebundle-manifest\t01\nname\tsh\nrun-mode\thost\n", 0, "version 01", 0, "version");
	BOTH("sidebundle-manifest\t1\trc\nname\tsh\nrun-mode\thost\n", 0, "not a sidebundle", 0,
	    "not a sidebundle");
	BOTH("name\tsh\nsidebundle-manifest\t1\nrun-mode\thost\n", 0, "line 1:", 0, "line 1:");
	PARSE(H "dir\t/dev\t0755\trule", MF_ALL, 0, "line 4: no newline at the end");
	BOTH("sidebundle-manifest\t1\nname\tsh\nrun-mode\thost", 0, "line 3: no newline", 0,
	    "no newline");
	BOTH(H "\n", 0, "line 4: empty line", 0, "line 4: empty line");
	BOTH(H "env\tA=1\t\n", 0, "line 4: empty field 3", 0, "empty field");
	BOTH(H "env\t\tA=1\n", 0, "empty field 2", 0, "empty field");
	BOTH("sidebundle-manifest\t1\nname\tsh\nrun-mode\tsomewhere\n", 0, "run-mode somewhere", 0,
	    "run-mode");
	BOTH(H "env\t=1\n", 0, "env: want K=V", 0, "env: want K=V");
	BOTH(H "env\tA\n", 0, "env: want K=V", 0, "env");

	/* an unknown record in the header: skipped by the header read
	 * (a later version-1 addition), refused by the whole read */
	BOTH(H "future\tx\ty\n" ENTRY RECS, 0, "line 4: unknown record future", 1, NULL);
	BOTH(H "env\tA=1\nfuture\tx\n" ENTRY "libdir\t/lib\n" RECS, 0, "line 5: unknown record", 1,
	    NULL);
	BOTH(H ENTRY "libdir\t/lib\nfuture\n" RECS, 0, "unknown record future", 1, NULL);
	BOTH(H ENTRY "libdir\t/lib\nfuture\n", 0, "unknown record future", 1, NULL);
	{
		struct manifest m;
		static const char t[] = H "future\tx\n" ENTRY "future2\ty\nlibdir\t/lib\n" RECS;
		parse_is(__LINE__, t, sizeof t - 1, MF_HEADER, 1, NULL, &m);
		CHECK(m.nentries == 1 && m.nlibdirs == 1 && m.nrecs == 0,
		    "records around unknown ones still read: %zu %zu", m.nentries, m.nlibdirs);
		manifest_free(&m);
	}
	/* before run-mode nothing is skipped */
	BOTH("sidebundle-manifest\t1\nfuture\tx\nname\tsh\nrun-mode\thost\n", 0,
	    "line 2: want name", 0, "line 2: want name");
	BOTH("sidebundle-manifest\t1\nname\tsh\nfuture\tx\nrun-mode\thost\n", 0, "line 3:", 0,
	    "line 3:");
	/* after the records start: the header read never gets there */
	BOTH(H ENTRY RECS "future\tx\n", 0, "line 8: unknown record", 1, NULL);
	BOTH(H ENTRY RECS "garbage \x80\n", 0, "line 8:", 1, NULL);
	BOTH(H ENTRY "dir\t/dev\t0755\trule\nenv\tA=1\n", 0, "env record out of place", 1, NULL);

	/* sections out of order */
	BOTH(H ENTRY "env\tA=1\n", 0, "line 5: env record out of place", 0, "out of place");
	BOTH(H "libdir\t/lib\n" ENTRY, 0, "entry record out of place", 0, "out of place");
	BOTH(H "libdir\t/lib\nenv\tA=1\n", 0, "env record out of place", 0, "out of place");
	PARSE(H "name\tagain\n", MF_ALL, 0, "unknown record name");
	PARSE(H "run-mode\thost\n", MF_ALL, 0, "unknown record run-mode");
	/* entries and records sorted, each once */
	BOTH(H "entry\tb\t/b\tscript\t-\nentry\ta\t/a\tscript\t-\n", 0, "entry a: out of order", 0,
	    "out of order");
	BOTH(H "entry\ta\t/a\tscript\t-\nentry\ta\t/b\tscript\t-\n", 0, "duplicate", 0,
	    "duplicate");
	BOTH(H "dir\t/b\t0755\trule\ndir\t/a\t0755\trule\n", 0, "path /a: out of order", 1, NULL);
	BOTH(H "dir\t/a\t0755\trule\nfile\t/a\t0644\t1\t" SHA "\telf\n", 0, "duplicate", 1, NULL);
	BOTH(H "dir\t/a\t0755\trule\ndir\t/a/b\t0755\trule\ndir\t/a-\t0755\trule\n", 0,
	    "out of order", 1, NULL);
	/* bytewise: '-' (0x2d) sorts before '/' (0x2f) */
	BOTH(H "dir\t/a\t0755\trule\ndir\t/a-\t0755\trule\ndir\t/a/b\t0755\trule\n", 1, NULL, 1,
	    NULL);

	/* entries */
	BOTH(H "entry\tsh\t/bin/sh\telf-dynamic\n", 0, "entry: want NAME", 0, "entry: want NAME");
	BOTH(H "entry\ta/b\t/bin/sh\tscript\t-\n", 0, "one path component", 0, "one path");
	BOTH(H "entry\t..\t/bin/sh\tscript\t-\n", 0, "one path component", 0, "one path");
	BOTH(H "entry\tsh\tbin/sh\tscript\t-\n", 0, "not an absolute normal path", 0,
	    "normal path");
	BOTH(H "entry\tsh\t/bin/../sh\tscript\t-\n", 0, "normal path", 0, "normal path");
	BOTH(H "entry\tsh\t/bin/sh\telf\t-\n", 0, "entry kind elf", 0, "entry kind");

	/* libdir: absolute, normal, no ':' (ld.so's --library-path) */
	BOTH(H "libdir\t/usr/lib:/lib\n", 0, "libdir: want one absolute", 0, "libdir");
	BOTH(H "libdir\t/usr/lib%3A/lib\n", 0, "libdir: want one absolute", 0, "libdir");
	BOTH(H "libdir\tusr/lib\n", 0, "libdir", 0, "libdir");
	BOTH(H "libdir\t/usr/./lib\n", 0, "libdir", 0, "libdir");
	BOTH(H "libdir\t/usr/lib/\n", 0, "libdir", 0, "libdir");
	BOTH(H "libdir\t/\n", 0, "libdir", 0, "libdir");
	BOTH(H "libdir\t/a\t/b\n", 0, "libdir", 0, "libdir");
	BOTH(H "libdir\t/usr/lib%20x\n", 1, NULL, 1, NULL);

	/* records */
	BOTH(H "file\t/a\t0644\t1\t" SHA "\n", 0, "file: want PATH", 1, NULL);
	BOTH(H "file\t/a\t644\t1\t" SHA "\telf\n", 0, "want 4 octal digits", 1, NULL);
	BOTH(H "file\t/a\t0648\t1\t" SHA "\telf\n", 0, "want 4 octal digits", 1, NULL);
	BOTH(H "file\t/a\t0644\t-1\t" SHA "\telf\n", 0, "size -1", 1, NULL);
	BOTH(H "file\t/a\t0644\t18446744073709551616\t" SHA "\telf\n", 0, "too large", 1, NULL);
	BOTH(H "file\t/a\t0644\t18446744073709551615\t" SHA "\telf\n", 1, NULL, 1, NULL);
	BOTH(H "file\t/a\t0644\t1\tF5ADB8BF0100ED0F8C7782CA5F92814E9229525A4B4E0D401CF3BEA09AC960A6"
	       "\telf\n",
	    0, "lower-case hex", 1, NULL);
	BOTH(H "file\t/a\t0644\t1\t" SHA "0\telf\n", 0, "lower-case hex", 1, NULL);
	BOTH(H "file\t/a\t0644\t1\t" SHA "\tdownloaded\n", 0, "unknown origin downloaded", 1, NULL);
	BOTH(H "dir\t/a\t0755\n", 0, "dir: want PATH MODE ORIGIN", 1, NULL);
	BOTH(H "dir\ta\t0755\trule\n", 0, "not an absolute normal path", 1, NULL);
	BOTH(H "dir\t/\t0755\trule\n", 0, "not an absolute normal path", 1, NULL);
	BOTH(H "dir\t/a//b\t0755\trule\n", 0, "normal path", 1, NULL);
	BOTH(H "dir\t/a/..\t0755\trule\n", 0, "normal path", 1, NULL);
	BOTH(H "symlink\t/a\t../../etc/passwd\telf\n", 1, NULL, 1, NULL); /* a target is free */
	BOTH(H "symlink\t/a\tb\n", 0, "symlink: want PATH TARGET ORIGIN", 1, NULL);
}

/* bin-file records: after the libdirs, before the payload's records,
 * sorted by name; the header read takes them too, and an older
 * launcher, which skips header records it does not know, runs on. */
static void
bin_files(void)
{
	struct manifest m;
#define BIN(n, mode) "bin-file\t" n "\t" mode "\t298360\t" SHA "\n"
	static const char t[] = H ENTRY "libdir\t/lib\n" BIN(".sidebundle-launcher", "0755")
	    BIN(".sidebundle-shim.so", "0644") RECS;

	parse_is(__LINE__, t, sizeof t - 1, MF_ALL, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(m.nbins == 2 && strcmp(m.bins[0].name, ".sidebundle-launcher") == 0 &&
			m.bins[0].mode == 0755 && m.bins[0].size == 298360 &&
			strcmp(m.bins[0].sha, SHA) == 0 && m.bins[1].mode == 0644 && m.nrecs == 3,
		    "bin-file records");
		manifest_free(&m);
	}
	parse_is(__LINE__, t, sizeof t - 1, MF_HEADER, 1, NULL, &m);
	if (m.name != NULL) {
		CHECK(m.nbins == 2 && m.nrecs == 0 && m.nlibdirs == 1, "bin-file, header read");
		manifest_free(&m);
	}
	BOTH(H BIN("b", "0755") BIN("a", "0755"), 0, "bin-file a: out of order", 0, "out of order");
	BOTH(H BIN("a", "0755") BIN("a", "0644"), 0, "duplicate", 0, "duplicate");
	BOTH(H BIN("a/b", "0755"), 0, "one path component", 0, "one path component");
	BOTH(H BIN("..", "0755"), 0, "one path component", 0, "one path component");
	BOTH(H BIN("a", "755"), 0, "want 4 octal digits", 0, "octal");
	BOTH(H "bin-file\ta\t0755\t1\n", 0, "bin-file: want NAME MODE SIZE SHA256", 0, "bin-file");
	BOTH(H "bin-file\ta\t0755\t1\tabc\n", 0, "sha256 abc", 0, "sha256");
	/* in its place: after libdir, before the records */
	BOTH(H BIN("a", "0755") "libdir\t/lib\n", 0, "libdir record out of place", 0,
	    "out of place");
	BOTH(H BIN("a", "0755") ENTRY, 0, "entry record out of place", 0, "out of place");
	BOTH(H RECS BIN("a", "0755"), 0, "bin-file record out of place", 1, NULL);
#undef BIN
}

static void
escapes(void)
{
	/* raw bytes a writer escapes are refused wherever they are */
	BOTH(H "env\tA=a b\n", 0, "unescaped byte 0x20", 0, "unescaped byte 0x20");
	BOTH(H "env\tA=a\rb\n", 0, "unescaped byte 0x0d", 0, "0x0d");
	BOTH(H "env\tA=\x80\n", 0, "unescaped byte 0x80", 0, "0x80");
	BOTH(H "env\tA=\xff\n", 0, "unescaped byte 0xff", 0, "0xff");
	BOTH(H "env\tA=\x7f\n", 0, "unescaped byte 0x7f", 0, "0x7f");
	BOTH(H "env\tA=\x01\n", 0, "unescaped byte 0x01", 0, "0x01");
	BOTH("sidebundle-manifest\t1\nname\ts h\nrun-mode\thost\n", 0, "line 2: unescaped", 0,
	    "line 2: unescaped");
	BOTH("sidebundle-manifest\t1\r\nname\tsh\nrun-mode\thost\n", 0, "line 1: unescaped", 0,
	    "line 1:");
	/* a raw NUL inside a line */
	{
		static const char t[] = H "env\tA=\0\n";
		parse_is(__LINE__, t, sizeof t - 1, MF_ALL, 0, "unescaped byte 0x00", NULL);
		parse_is(__LINE__, t, sizeof t - 1, MF_HEADER, 0, "unescaped byte 0x00", NULL);
	}
	/* a raw TAB inside a value is a field separator: one field too many */
	BOTH(H "env\tA=a\tb\n", 0, "env: want K=V", 0, "env: want K=V");
	BOTH(H "dir\t/a\tb\t0755\trule\n", 0, "dir: want PATH MODE ORIGIN", 1, NULL);
	BOTH("sidebundle-manifest\t1\nname\ts\th\nrun-mode\thost\n", 0, "want name NAME", 0,
	    "want name NAME");
	/* escapes: %XX, upper-case hex, never %00 */
	BOTH(H "env\tA=%00\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%0a\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%e9\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%4\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%G0\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\tA=%%41\n", 0, "bad escape", 0, "bad escape");
	BOTH(H "env\t%41=%0A%09%20%25%FF%7F%01\n", 1, NULL, 1, NULL);
	{
		struct manifest m;
		static const char t[] = H "env\t%41=%0A%09%20%25%FF%7F%01%2541\n";
		parse_is(__LINE__, t, sizeof t - 1, MF_ALL, 1, NULL, &m);
		CHECK(m.nenv == 1 && strcmp(m.env[0], "A=\n\t %\xff\x7f\x01%41") == 0,
		    "decoded: %s", m.nenv ? m.env[0] : "");
		manifest_free(&m);
	}
	/* the writer's side of the rule */
	char *e = mf_escape("a b%\n\t\x01\x7f\x80\xff~!");
	CHECK(e != NULL && strcmp(e, "a%20b%25%0A%09%01%7F%80%FF~!") == 0, "mf_escape: %s",
	    e ? e : "NULL");
	free(e);
	e = mf_escape("");
	CHECK(e != NULL && strcmp(e, "") == 0, "mf_escape of \"\"");
	free(e);
}

/* manifest_read_fd of text in a memfd, how */
static int
read_fd(const char *text, size_t len, enum mf_read how, struct manifest *m, char *err, size_t el)
{
	int fd = memfd_of(text, len);

	if (fd < 0) {
		snprintf(err, el, "memfd: %s", strerror(errno));
		memset(m, 0, sizeof *m);
		return -1;
	}
	int rc = manifest_read_fd(m, fd, how, err, el);
	close(fd);
	return rc;
}

/* A header with an env record of envlen bytes, an entry; then a symlink
 * record 20000 bytes long (so that the next record's tag is far) and
 * nrecs file records. */
static char *
big_manifest(size_t envlen, size_t nrecs, size_t *len)
{
	size_t cap = envlen + nrecs * 128 + 30000, n = 0;
	char *t = malloc(cap);

	n += (size_t)snprintf(t + n, cap - n, H "env\tBIG=");
	memset(t + n, 'v', envlen);
	n += envlen;
	n += (size_t)snprintf(t + n, cap - n, "\n" ENTRY "libdir\t/usr/lib\nsymlink\t/a\t");
	memset(t + n, 't', 20000);
	n += 20000;
	n += (size_t)snprintf(t + n, cap - n, "\telf\n");
	for (size_t i = 0; i < nrecs; i++)
		n += (size_t)snprintf(t + n, cap - n, "file\t/f%08zu\t0644\t%zu\t" SHA "\telf\n", i,
		    i);
	*len = n;
	return t;
}

static void
chunked(void)
{
	struct manifest whole, hdr;
	char err[512];
	size_t len;

	/* the first record's tag ("\nsymlink\t", the longest) anywhere
	 * around the first read's end (8192 bytes): the header read must
	 * see it, whole or split, and read no further */
	for (size_t at = 8150; at <= 8200; at++) {
		/* env length so that the records start at offset at */
		char *t0 = big_manifest(0, 0, &len);
		size_t base = (size_t)(strstr(t0, "\nsymlink\t") + 1 - t0);
		free(t0);
		if (at < base)
			continue;
		char *t = big_manifest(at - base, 300, &len);
		CHECK(strncmp(t + at - 1, "\nsymlink\t", 9) == 0, "records at %zu", at);
		int rc = manifest_parse(&whole, t, len, MF_ALL, err, sizeof err);
		CHECK(rc == 0, "whole, records at %zu: %s", at, err);
		int fd = memfd_of(t, len);
		rc = fd < 0 ? -1 : manifest_read_fd(&hdr, fd, MF_HEADER, err, sizeof err);
		CHECK(rc == 0, "header read, records at %zu: %s", at, err);
		/* it stopped after the chunk where the records start */
		off_t pos = fd < 0 ? -1 : lseek(fd, 0, SEEK_CUR);
		CHECK(pos > 0 && pos <= (at + 8 <= 8192 ? 8192 : 16384),
		    "header read, records at %zu: read %lld bytes of %zu", at, (long long)pos, len);
		if (fd >= 0)
			close(fd);
		if (rc == 0 && whole.name != NULL) {
			CHECK(same_header(&whole, &hdr) && hdr.nrecs == 0 &&
				strlen(hdr.env[0]) == at - base + 4,
			    "header read, records at %zu: not the same header", at);
		}
		manifest_free(&hdr);
		/* and the whole read through a file agrees with the buffer */
		rc = read_fd(t, len, MF_ALL, &hdr, err, sizeof err);
		CHECK(rc == 0 && same_header(&whole, &hdr) && same_recs(&whole, &hdr) &&
			hdr.nrecs == 301,
		    "whole read through a file, records at %zu: %s", at, rc ? err : "differs");
		manifest_free(&hdr);
		manifest_free(&whole);
		free(t);
	}

	/* an env record of 20000 bytes: the header spans several reads */
	char *t = big_manifest(20000, 2, &len);
	CHECK(read_fd(t, len, MF_HEADER, &hdr, err, sizeof err) == 0 && hdr.nenv == 1 &&
		strlen(hdr.env[0]) == 20004 && hdr.nentries == 1 && hdr.nlibdirs == 1 &&
		hdr.nrecs == 0,
	    "20000-byte env: %s", err);
	manifest_free(&hdr);
	free(t);

	/* a header read stops early however large the file: a small header
	 * and 200000 records (over 20 MB) read no more than a chunk */
	t = big_manifest(10, 200000, &len);
	int fd = memfd_of(t, len);
	CHECK(fd >= 0, "memfd");
	if (fd >= 0) {
		CHECK(manifest_read_fd(&hdr, fd, MF_HEADER, err, sizeof err) == 0 &&
			hdr.nrecs == 0 && hdr.nentries == 1,
		    "header of a big manifest: %s", err);
		off_t pos = lseek(fd, 0, SEEK_CUR);
		CHECK(pos > 0 && pos <= 8192, "a header read read %lld bytes of %zu",
		    (long long)pos, len);
		manifest_free(&hdr);
		/* from the current offset: the whole file again */
		lseek(fd, 0, SEEK_SET);
		CHECK(manifest_read_fd(&hdr, fd, MF_ALL, err, sizeof err) == 0 &&
			hdr.nrecs == 200001,
		    "whole big manifest: %s", err);
		manifest_free(&hdr);
		close(fd);
	}
	free(t);

	/* a header larger than any we write (4 MiB) is refused by the
	 * header read; the whole read takes it */
	t = big_manifest(5u << 20, 1, &len);
	CHECK(read_fd(t, len, MF_HEADER, &hdr, err, sizeof err) == -1 &&
		strstr(err, "manifest.lock: larger than any manifest") != NULL,
	    "5 MiB header: %s", err);
	CHECK(read_fd(t, len, MF_ALL, &hdr, err, sizeof err) == 0 && hdr.nrecs == 2,
	    "5 MiB header, whole: %s", err);
	manifest_free(&hdr);
	free(t);

	/* read from the current offset */
	{
		static const char t2[] = "junk" H ENTRY RECS;
		fd = memfd_of(t2, sizeof t2 - 1);
		CHECK(fd >= 0 && lseek(fd, 4, SEEK_SET) == 4, "seek");
		CHECK(manifest_read_fd(&hdr, fd, MF_ALL, err, sizeof err) == 0 && hdr.nrecs == 3,
		    "read from offset 4: %s", err);
		manifest_free(&hdr);
		close(fd);
	}
	/* an empty file, a pipe */
	CHECK(read_fd("", 0, MF_HEADER, &hdr, err, sizeof err) == -1 &&
		strstr(err, "manifest.lock: line 1: manifest ends before its header") != NULL,
	    "empty file: %s", err);
	{
		int p[2];
		CHECK(pipe(p) == 0, "pipe");
		CHECK(manifest_read_fd(&hdr, p[0], MF_HEADER, err, sizeof err) == -1 &&
			strstr(err, "not a regular file") != NULL,
		    "a pipe: %s", err);
		close(p[0]);
		close(p[1]);
	}
}

/* manifest_read: DIRFD/manifest.lock, never through a symlink */
static void
read_dir(void)
{
	char dir[PATH_MAX - 32], p[PATH_MAX], err[512];
	struct manifest m;

	snprintf(dir, sizeof dir, "%s/sbmanifest.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof p, "%s/real.lock", dir);
	FILE *f = fopen(p, "w");
	if (f != NULL) {
		fputs(H ENTRY RECS, f);
		fclose(f);
	}
	CHECK(manifest_read(&m, dfd, MF_ALL, err, sizeof err) == -1 &&
		strstr(err, "manifest.lock: ") != NULL,
	    "no manifest.lock: %s", err);
	snprintf(p, sizeof p, "%s/manifest.lock", dir);
	CHECK(symlink("real.lock", p) == 0, "symlink");
	CHECK(manifest_read(&m, dfd, MF_ALL, err, sizeof err) == -1, "through a symlink: read");
	unlink(p);
	char real[PATH_MAX];
	snprintf(real, sizeof real, "%s/real.lock", dir);
	CHECK(rename(real, p) == 0, "rename");
	CHECK(manifest_read(&m, dfd, MF_HEADER, err, sizeof err) == 0 && m.nentries == 1,
	    "manifest.lock: %s", err);
	manifest_free(&m);
	unlink(p);
	close(dfd);
	rmdir(dir);
}

/* Written and read back: fields holding every byte 0x01..0xff. */
static void
round_trip(void)
{
	char all[256], noslash[260], lib[256], comp[256], path[260], env[260];
	size_t n = 0, k = 0, l = 0;

	for (int c = 1; c < 256; c++) {
		all[n++] = (char)c;
		if (c != '/')
			comp[k++] = (char)c;
		if (c != '/' && c != ':')
			lib[l++] = (char)c;
	}
	all[n] = comp[k] = lib[l] = '\0';
	snprintf(noslash, sizeof noslash, "/%s", comp);
	snprintf(path, sizeof path, "/%s", all + 0); /* its '/' splits it in two */
	snprintf(env, sizeof env, "K=%s", all);
	char libdir[260];
	snprintf(libdir, sizeof libdir, "/%s", lib);

	char *args[] = { all, "%", " ", "%00" };
	struct mf_entry ent[] = {
		{ .name = comp,
		    .path = noslash,
		    .kind = "script",
		    .interp = all,
		    .args = args,
		    .nargs = 4 },
		{ .name = "a",
		    .path = path,
		    .kind = "elf-static",
		    .interp = "-",
		    .args = NULL,
		    .nargs = 0 },
	};
	char *envs[] = { env, "A==" };
	char *libs[] = { libdir, "/usr/lib" };
	struct mf_bin bins[] = {
		{ .name = comp, .mode = 0644, .size = 1 },
		{ .name = ".sidebundle-launcher", .mode = 04755, .size = UINT64_MAX },
	};
	memset(bins[0].sha, 'a', 64);
	bins[0].sha[64] = '\0';
	memset(bins[1].sha, '0', 64);
	bins[1].sha[64] = '\0';
	struct mf_rec recs[] = {
		{ .type = MF_FILE,
		    .path = path,
		    .mode = 07755,
		    .size = UINT64_MAX,
		    .origin = OR_TRACE },
		{ .type = MF_DIR, .path = noslash, .mode = 0, .origin = OR_COPY },
		{ .type = MF_SYMLINK,
		    .path = "/x/y",
		    .target = all,
		    .origin = OR_INCLUDE,
		    .package = "libc6:amd64,libc6:i386" },
		{ .type = MF_SYMLINK, .path = "/%", .target = "..", .origin = OR_SCRIPT },
	};
	memset(recs[0].sha, 'e', 64);
	recs[0].sha[64] = '\0';
	recs[0].package = "g++-12";
	struct mf_pkg pkgs[] = { { "libc6:amd64", "2.36-9+deb12u4" }, { "g++-12", all } };
	struct manifest m = {
		.name = all,
		.run_mode = "bwrap",
		.env = envs,
		.nenv = 2,
		.entries = ent,
		.nentries = 2,
		.libdirs = libs,
		.nlibdirs = 2,
		.bins = bins,
		.nbins = 2,
		.recs = recs,
		.nrecs = 4,
		.pkgs = pkgs,
		.npkgs = 2,
	};
	manifest_sort(&m);
	/* bytewise: 0x01 first, and '/' (0x2f) before '0' (0x30) */
	CHECK(strcmp(m.bins[0].name, comp) == 0 && strcmp(m.entries[0].name, comp) == 0 &&
		strcmp(m.recs[0].path, path) == 0 &&
		strcmp(m.recs[1].path, noslash) == 0 && strcmp(m.recs[2].path, "/%") == 0,
	    "manifest_sort: %s %s", m.entries[0].name, m.recs[2].path);

	int fd = memfd_create("manifest", MFD_CLOEXEC);
	CHECK(fd >= 0 && manifest_write(&m, fd) == 0, "manifest_write");
	off_t len = lseek(fd, 0, SEEK_CUR);
	char *text = malloc((size_t)len + 1);
	CHECK(pread(fd, text, (size_t)len, 0) == len, "pread");
	text[len] = '\0';
	/* only printable ASCII, TAB and newline; every line ended */
	size_t bad = 0;
	for (off_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		bad += !(c == '\t' || c == '\n' || (c > 0x20 && c < 0x7f));
	}
	CHECK(bad == 0 && len > 0 && text[len - 1] == '\n', "%zu raw bytes written", bad);
	CHECK(strncmp(text, "sidebundle-manifest\t1\nname\t%01%02", 33) == 0, "first lines: %.40s",
	    text);

	struct manifest r, h;
	char err[512];
	lseek(fd, 0, SEEK_SET);
	int rc = manifest_read_fd(&r, fd, MF_ALL, err, sizeof err);
	CHECK(rc == 0, "read back: %s", err);
	if (rc == 0) {
		CHECK(same_header(&m, &r), "header read back differs");
		CHECK(same_recs(&m, &r), "records read back differ");
		CHECK(strcmp(r.name, all) == 0 && strlen(r.entries[0].interp) == 255 &&
			r.entries[0].nargs == 4 && strcmp(r.entries[0].args[3], "%00") == 0 &&
			strcmp(r.recs[3].target, all) == 0 && r.recs[0].size == UINT64_MAX &&
			r.recs[0].mode == 07755 && r.recs[1].mode == 0 &&
			r.recs[0].origin == OR_TRACE,
		    "fields read back");
		/* the same bytes when written again */
		int fd2 = memfd_create("again", MFD_CLOEXEC);
		CHECK(fd2 >= 0 && manifest_write(&r, fd2) == 0 && lseek(fd2, 0, SEEK_CUR) == len,
		    "written again");
		char *text2 = malloc((size_t)len + 1);
		CHECK(pread(fd2, text2, (size_t)len, 0) == len &&
			memcmp(text, text2, (size_t)len) == 0,
		    "written again: other bytes");
		free(text2);
		close(fd2);
		manifest_free(&r);
	}
	lseek(fd, 0, SEEK_SET);
	rc = manifest_read_fd(&h, fd, MF_HEADER, err, sizeof err);
	CHECK(rc == 0 && same_header(&m, &h) && h.nrecs == 0, "header read back: %s", err);
	manifest_free(&h);
	close(fd);
	free(text);
}

int
main(void)
{
	fields();
	packages();
	structure();
	bin_files();
	escapes();
	chunked();
	read_dir();
	round_trip();
	printf("manifest: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
