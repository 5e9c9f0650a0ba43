/*
 * Unit tests of common/dpkg.c on dpkg trees made here: Multi-Arch names,
 * packages not installed, diversions by a package and by the admin,
 * merged /usr both ways (the list says /bin/ls, the question
 * /usr/bin/ls, and the reverse), a root whose /var/lib/dpkg and /sbin
 * are absolute links (followed inside the root), and each malformed or
 * unreadable file an error that names it.  Then the host's own
 * database when it has one, with the time its load takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dpkg.h"

#include "check.h"

static char root[PATH_MAX];

/* Write text to root/rel, making its directories. */
static void
put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void
link_at(const char *target, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (symlink(target, path) < 0) {
		perror(path);
		exit(2);
	}
}

static void
mkdirs(const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof path, "%s/%s/x", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
}

static const char status[] = "Package: dpkg\n"
			     "Status: install ok installed\n"
			     "Architecture: amd64\n"
			     "Version: 1.21.22\n"
			     "Description: package manager\n"
			     " with a continuation line: Package: not-this\n"
			     " .\n"
			     "\n"
			     "Package: coreutils\n"
			     "Status: install ok installed\n"
			     "Priority: required\n"
			     "Installed-Size: 18062\n"
			     "Architecture: amd64\n"
			     "Multi-Arch: foreign\n"
			     "Version: 9.1-1\n"
			     "\n"
			     "Package: libc6\n"
			     "status: install ok installed\n" /* field names are case-blind */
			     "Architecture: amd64\n"
			     "Multi-Arch: same\n"
			     "Version: 2.36-9+deb12u4\n"
			     "\n"
			     "Package: libc6\n"
			     "Status: install ok installed\n"
			     "Architecture: i386\n"
			     "Multi-Arch: same\n"
			     "Version: 2.36-9+deb12u4\n"
			     "\n"
			     "Package: wine32\n"
			     "Status: install ok installed\n"
			     "Architecture: i386\n"
			     "Version: 8.0\n"
			     "\n"
			     "Package: dash\n"
			     "Status: install ok installed\n"
			     "Architecture: amd64\n"
			     "Version: 0.5.12-2\n"
			     "\n"
			     "Package: mksh\n"
			     "Status: install ok installed\n"
			     "Architecture: amd64\n"
			     "Version: 59c-2\n"
			     "\n"
			     "Package: gone\n"
			     "Status: purge ok not-installed\n"
			     "Architecture: amd64\n"
			     "\n"
			     "Package: oldconf\n"
			     "Status: deinstall ok config-files\n"
			     "Architecture: all\n"
			     "Version: 1.0\n"
			     "\n"
			     "Package: nolist\n"
			     "Status: install ok installed\n"
			     "Architecture: all\n"
			     "Version: 1\n"; /* no blank line at the end */

static void
make_tree(void)
{
	put("var/lib/dpkg/status", status);
	put("var/lib/dpkg/diversions",
	    "/bin/sh\n/bin/sh.distrib\ndash\n"
	    "/usr/bin/local-thing\n/usr/bin/local-thing.orig\n:\n");
	put("var/lib/dpkg/info/dpkg.list", "/.\n/usr\n/usr/bin\n/usr/bin/dpkg\n");
	put("var/lib/dpkg/info/coreutils.list",
	    "/.\n/bin\n/bin/ls\n/usr\n/usr/bin\n/usr/bin/local-thing\n/sbin/chroot2\n"
	    "/usr/share/doc/coreutils/copyright\n");
	put("var/lib/dpkg/info/libc6:amd64.list",
	    "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n"
	    "/lib64/ld-linux-x86-64.so.2\n/usr/share/doc/libc6/copyright\n");
	put("var/lib/dpkg/info/libc6:i386.list",
	    "/.\n/lib/i386-linux-gnu/libc.so.6\n/usr/share/doc/libc6/copyright\n");
	put("var/lib/dpkg/info/wine32.list", "/usr/lib/wine/wine\n");
	put("var/lib/dpkg/info/dash.list", "/bin/dash\n/bin/sh\n");
	/* mksh ships /bin/sh too, which dash's diversion moves aside */
	put("var/lib/dpkg/info/mksh.list", "/bin/mksh\n/bin/sh\n");
	put("var/lib/dpkg/info/gone.list", "/usr/bin/gone\n");
	put("var/lib/dpkg/info/oldconf.list", "/etc/oldconf.conf\n");
	/* merged /usr: relative links, and an absolute one that must be
	 * followed inside the root */
	mkdirs("usr/bin");
	mkdirs("usr/sbin");
	mkdirs("usr/lib/x86_64-linux-gnu");
	mkdirs("usr/lib64");
	link_at("usr/bin", "bin");
	link_at("usr/lib", "lib");
	link_at("usr/lib64", "lib64");
	link_at("/usr/sbin", "sbin");
}

/* The owners of path as "a b c", and their count. */
static size_t
owners(struct dpkg *db, const char *path, char *out, size_t len)
{
	const struct dpkg_pkg *o[8];
	size_t n = dpkg_owners(db, path, o, 8);

	out[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++) {
		if (i > 0)
			strlcat(out, " ", len);
		strlcat(out, o[i]->id, len);
	}
	return n;
}

#define OWNED(db, path, want)                                                                      \
	do {                                                                                       \
		char got_[256];                                                                    \
		owners(db, path, got_, sizeof got_);                                               \
		CHECK(strcmp(got_, want) == 0, "%s: owners \"%s\", want \"%s\"", path, got_,       \
		    want);                                                                         \
	} while (0)

static void
test_tree(void)
{
	char err[512];
	struct dpkg *db = dpkg_open(root, err, sizeof err);

	CHECK(db != NULL, "open: %s", err);
	if (db == NULL)
		return;
	CHECK(dpkg_count(db) == 9, "%zu packages (not-installed left out)", dpkg_count(db));
	const struct dpkg_pkg *p = dpkg_find(db, "coreutils");
	CHECK(p && strcmp(p->version, "9.1-1") == 0 && strcmp(p->arch, "amd64") == 0 &&
		strcmp(p->multiarch, "foreign") == 0 && p->installed_kib == 18062 &&
		strcmp(p->state, "installed") == 0 && strcmp(p->id, "coreutils") == 0,
	    "coreutils fields");
	CHECK(dpkg_find(db, "libc6") == NULL, "a bare name of two architectures is ambiguous");
	p = dpkg_find(db, "libc6:i386");
	CHECK(p && strcmp(p->arch, "i386") == 0 && strcmp(p->name, "libc6") == 0, "libc6:i386");
	p = dpkg_find(db, "wine32");
	CHECK(p && strcmp(p->id, "wine32:i386") == 0, "foreign: %s", p ? p->id : "none");
	p = dpkg_find(db, "oldconf");
	CHECK(p && strcmp(p->state, "config-files") == 0 && strcmp(p->id, "oldconf") == 0,
	    "config-files kept");
	CHECK(dpkg_find(db, "gone") == NULL, "not-installed left out");
	CHECK(dpkg_find(db, "not-this") == NULL, "continuation lines are not fields");
	p = dpkg_find(db, "nolist");
	CHECK(p && p->npaths == 0, "a package without a list owns nothing");

	/* merged /usr, both ways */
	OWNED(db, "/bin/ls", "coreutils");
	OWNED(db, "/usr/bin/ls", "coreutils");
	OWNED(db, "/usr//bin/./ls", "coreutils");
	OWNED(db, "/usr/lib/x86_64-linux-gnu/libc.so.6", "libc6:amd64");
	OWNED(db, "/lib/x86_64-linux-gnu/libc.so.6", "libc6:amd64");
	OWNED(db, "/usr/lib64/ld-linux-x86-64.so.2", "libc6:amd64");
	OWNED(db, "/usr/sbin/chroot2", "coreutils"); /* sbin -> /usr/sbin, inside the root */
	OWNED(db, "/usr/bin/dpkg", "dpkg");
	OWNED(db, "/bin/dpkg", "dpkg");
	OWNED(db, "/usr/lib/wine/wine", "wine32:i386");
	/* shared by two architectures, sorted by id */
	OWNED(db, "/usr/share/doc/libc6/copyright", "libc6:amd64 libc6:i386");
	/* directories: every package that lists them (/usr/bin is also
	 * /bin of coreutils' and dash's lists) */
	OWNED(db, "/usr/bin", "coreutils dpkg");
	OWNED(db, "/", "coreutils dpkg libc6:amd64 libc6:i386");
	/* diversions: the holder keeps the path, another package's file
	 * is at the diverted name; the admin's diverts everyone's */
	OWNED(db, "/bin/sh", "dash");
	OWNED(db, "/usr/bin/sh", "dash");
	OWNED(db, "/bin/sh.distrib", "mksh");
	OWNED(db, "/usr/bin/local-thing", "");
	OWNED(db, "/usr/bin/local-thing.orig", "coreutils");
	OWNED(db, "/etc/oldconf.conf", "oldconf");
	OWNED(db, "/usr/bin/gone", "");
	/* what no package lists, and what is no absolute path */
	OWNED(db, "/usr/bin/nothing", "");
	OWNED(db, "bin/ls", "");
	OWNED(db, "", "");
	/* a link as the last component is not followed */
	OWNED(db, "/lib", "libc6:amd64");
	OWNED(db, "/usr/lib", "");
	/* max below the count: the count all the same, the first by id */
	const struct dpkg_pkg *one[1];
	CHECK(dpkg_owners(db, "/usr/share/doc/libc6/copyright", one, 1) == 2 &&
		strcmp(one[0]->id, "libc6:amd64") == 0,
	    "max 1");
	CHECK(dpkg_owners(db, "/", NULL, 0) == 4, "count only");
	/* a path longer than any the kernel takes */
	char *longp = malloc(9000);
	memset(longp, 'a', 8999);
	longp[0] = '/';
	longp[8999] = '\0';
	for (int i = 100; i < 8999; i += 100)
		longp[i] = '/';
	CHECK(dpkg_owners(db, longp, NULL, 0) == 0, "a long path owns nothing");
	free(longp);
	dpkg_close(db);
}

/* A database made from bytes: lexical, since no root is there. */
static void
test_bytes(void)
{
	char err[256];
	struct dpkg *db = dpkg_new();

	CHECK(db != NULL, "new");
	CHECK(dpkg_add_status(db, status, strlen(status), err, sizeof err) == 0, "status: %s", err);
	CHECK(dpkg_add_diversions(db, "/bin/sh\n/bin/sh.distrib\ndash\n", 29, err, sizeof err) == 0,
	    "diversions: %s", err);
	CHECK(dpkg_add_list(db, "coreutils", "/bin/ls\n/../../etc/x", 20, err, sizeof err) == 0,
	    "list: %s", err);
	CHECK(dpkg_add_list(db, "libc6:amd64", "/lib/libc.so.6", 14, err, sizeof err) == 0,
	    "list by list name: %s", err);
	CHECK(dpkg_add_list(db, "wine32:i386", "/w\n", 3, err, sizeof err) == 0, "list by id: %s",
	    err);
	CHECK(dpkg_add_list(db, "mksh", "/bin/sh\n", 8, err, sizeof err) == 0, "mksh: %s", err);
	CHECK(dpkg_add_list(db, "nosuch", "/x\n", 3, err, sizeof err) < 0 && errno == EINVAL &&
		strstr(err, "nosuch") != NULL,
	    "an unknown package: %s", err);
	OWNED(db, "/bin/ls", "coreutils");
	OWNED(db, "/usr/bin/ls", ""); /* no root: nothing resolves */
	OWNED(db, "/etc/x", "coreutils");
	OWNED(db, "/lib/libc.so.6", "libc6:amd64");
	OWNED(db, "/w", "wine32:i386");
	OWNED(db, "/bin/sh.distrib", "mksh");
	CHECK(dpkg_add_status(db, status, strlen(status), err, sizeof err) < 0, "status twice");
	dpkg_close(db);
}

/* Status text that must be refused, with errpart in the message. */
static void
bad_status(int line, const char *text, const char *errpart)
{
	char err[256] = "";
	struct dpkg *db = dpkg_new();
	int rc = dpkg_add_status(db, text, strlen(text), err, sizeof err);

	CHECK(rc < 0 && errno == EINVAL && strstr(err, errpart) != NULL,
	    "line %d: rc %d, \"%s\", want \"%s\"", line, rc, err, errpart);
	dpkg_close(db);
}

static void
test_malformed(void)
{
	char err[256];

	bad_status(__LINE__, "Package: a\nStatus: install ok installed\nno colon here\n",
	    "status line 3: not a field");
	bad_status(__LINE__, " starts with a continuation\n", "status line 1: a continuation");
	bad_status(__LINE__, "Status: install ok installed\n", "without Package");
	bad_status(__LINE__, "Package: Bad_Name\nStatus: install ok installed\n",
	    "not a valid package");
	bad_status(__LINE__, "Package: a\nStatus: install ok installed\nArchitecture: x/y\n",
	    "not a valid package or architecture");
	bad_status(__LINE__, "Package: a\nArchitecture: amd64\n", "has no Status");
	bad_status(__LINE__,
	    "Package: a\nStatus: install ok installed\n\nPackage: a\nStatus: install ok "
	    "installed\n",
	    "package a twice");

	struct dpkg *db = dpkg_new();
	CHECK(dpkg_add_diversions(db, "/a\n/b\n", 6, err, sizeof err) < 0 && errno == EINVAL &&
		strstr(err, "groups of three") != NULL,
	    "two lines: %s", err);
	CHECK(dpkg_add_diversions(db, "a\n/b\nx\n", 7, err, sizeof err) < 0 && errno == EINVAL &&
		strstr(err, "line 1") != NULL,
	    "a relative path: %s", err);
	CHECK(dpkg_add_diversions(db, "", 0, err, sizeof err) == 0, "no diversions");
	CHECK(dpkg_add_status(db, "", 0, err, sizeof err) == 0 && dpkg_count(db) == 0,
	    "an empty status");
	dpkg_close(db);
}

/* dpkg_open on the tree as it is now: NULL with e in errno and part in
 * the message. */
static void
open_fails(int line, int e, const char *part)
{
	char err[512] = "";
	struct dpkg *db = dpkg_open(root, err, sizeof err);

	CHECK(db == NULL && errno == e && strstr(err, part) != NULL,
	    "line %d: %p errno %d \"%s\", want errno %d and \"%s\"", line, (void *)db, errno, err,
	    e, part);
	dpkg_close(db);
}

static void
test_files(void)
{
	char path[PATH_MAX * 2], path2[PATH_MAX * 2], err[512];

	/* an unreadable list: a directory where a file should be */
	snprintf(path, sizeof path, "%s/var/lib/dpkg/info/dash.list", root);
	snprintf(path2, sizeof path2, "%s/var/lib/dpkg/info/dash.list.x", root);
	CHECK(rename(path, path2) == 0 && mkdir(path, 0755) == 0, "setup");
	open_fails(__LINE__, EISDIR, "info/dash.list");
	rmdir(path);
	/* a list that is a symbolic link is not followed */
	CHECK(symlink("/etc/passwd", path) == 0, "setup");
	open_fails(__LINE__, ELOOP, "info/dash.list");
	unlink(path);
	CHECK(rename(path2, path) == 0, "setup");
	/* malformed diversions and status name their file */
	snprintf(path, sizeof path, "%s/var/lib/dpkg/diversions", root);
	snprintf(path2, sizeof path2, "%s/var/lib/dpkg/diversions.x", root);
	CHECK(rename(path, path2) == 0, "setup");
	put("var/lib/dpkg/diversions", "/only\n/two\n");
	open_fails(__LINE__, EINVAL, "var/lib/dpkg/diversions: 2 lines");
	CHECK(rename(path2, path) == 0, "setup");
	snprintf(path, sizeof path, "%s/var/lib/dpkg/status", root);
	snprintf(path2, sizeof path2, "%s/var/lib/dpkg/status.x", root);
	CHECK(rename(path, path2) == 0, "setup");
	open_fails(__LINE__, ENOENT, "var/lib/dpkg/status: No such file");
	put("var/lib/dpkg/status", "garbage\n");
	open_fails(__LINE__, EINVAL, "var/lib/dpkg/status line 1: not a field");
	CHECK(rename(path2, path) == 0, "setup");

	/* /var/lib/dpkg an absolute link: followed inside the root, never
	 * to the host's */
	snprintf(path, sizeof path, "%s/var/lib/dpkg", root);
	snprintf(path2, sizeof path2, "%s/srv/dpkgdb", root);
	mkdirs("srv");
	CHECK(rename(path, path2) == 0 && symlink("/srv/dpkgdb", path) == 0, "setup");
	struct dpkg *db = dpkg_open(root, err, sizeof err);
	CHECK(db != NULL && dpkg_count(db) == 9, "through a link: %s", db ? "" : err);
	if (db)
		OWNED(db, "/usr/bin/ls", "coreutils");
	dpkg_close(db);
	unlink(path);
	/* no database at all: not a Debian system */
	open_fails(__LINE__, ENOENT, "var/lib/dpkg: No such file");
	CHECK(rename(path2, path) == 0, "setup");
}

/* The host's own database, where there is one: what `dpkg -S` says of
 * a few paths of every Debian system, and how long a load takes. */
static void
test_host(void)
{
	struct timespec t0, t1;
	char err[512];

	if (access("/var/lib/dpkg/status", R_OK) != 0) {
		printf("no dpkg database on this host: skipped\n");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct dpkg *db = dpkg_open(NULL, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(db != NULL, "host: %s", err);
	if (db == NULL)
		return;
	printf("host: %zu packages loaded in %.1f ms\n", dpkg_count(db),
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	const struct dpkg_pkg *o[4];
	CHECK(dpkg_owners(db, "/usr/bin/ls", o, 4) == 1 && strcmp(o[0]->name, "coreutils") == 0,
	    "/usr/bin/ls");
	CHECK(dpkg_owners(db, "/bin/ls", o, 4) == 1 && strcmp(o[0]->name, "coreutils") == 0,
	    "/bin/ls");
	CHECK(dpkg_owners(db, "/usr/lib/x86_64-linux-gnu/libc.so.6", o, 4) >= 1 &&
		strcmp(o[0]->name, "libc6") == 0,
	    "libc.so.6");
	dpkg_close(db);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof root, "%s/dpkg-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	make_tree();
	test_tree();
	test_bytes();
	test_malformed();
	test_files();
	test_host();

	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", root);
	printf("dpkg: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
