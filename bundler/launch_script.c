/*
 * bin/<entry> until the launcher lands: a POSIX sh script that finds the
 * bundle from its own location and runs the entry with the bundled ld.so,
 * never the host's: --inhibit-cache keeps the host's ld.so.cache out,
 * --library-path points at the payload's library directories.  Every
 * payload path in it is the resolved one: a bundled link with an absolute
 * target (/lib64/ld-linux-x86-64.so.2 -> /lib/...) would lead to the
 * host's file when followed outside a sandbox.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"

/* Write s single-quoted for sh: ' becomes '\''. */
static void
put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* "$p"'/resolved/path' for payload path path; -1 if the closure does not
 * lead anywhere from it. */
static int
put_payload_path(FILE *f, const struct closure *c, const char *path)
{
	char *r = closure_resolve(c, path);

	if (r == NULL) {
		warnx("%s: not in the payload", path);
		return -1;
	}
	fputs("\"$p\"", f);
	put_quoted(f, r);
	free(r);
	return 0;
}

/* ld.so with its options, for an ELF whose PT_INTERP is ldso. */
static int
put_ldso(FILE *f, const struct closure *c, const char *ldso,
    char *const *libdirs, size_t nlibdirs)
{
	if (put_payload_path(f, c, ldso) < 0)
		return -1;
	fputs(" --inhibit-cache --library-path \"", f);
	for (size_t i = 0; i < nlibdirs; i++) {
		if (i > 0)
			fputc(':', f);
		/* ':' inside a directory name cannot be passed: ld.so splits */
		fputs("$p\"", f);
		put_quoted(f, libdirs[i]);
		fputc('"', f);
	}
	fputs("\" --argv0 \"$0\" ", f);
	return 0;
}

static int
write_body(FILE *f, const struct closure *c, const struct entry *e,
    char *const *libdirs, size_t nlibdirs)
{
	fputs("#!/bin/sh\n"
	      "# Runs the bundled ", f);
	fputs(e->name, f);
	fputs(" (written by sidebundle create).\n"
	      "# The bundle root is two levels above this script, wherever the\n"
	      "# bundle was moved.\n"
	      "here=$(readlink -f -- \"$0\") || exit 127\n"
	      "root=${here%/*}\n"
	      "root=${root%/*}\n"
	      "p=$root/payload\n"
	      "exec ", f);
	if (strcmp(e->kind, "elf-dynamic") == 0) {
		if (put_ldso(f, c, e->interp, libdirs, nlibdirs) < 0)
			return -1;
	} else if (strcmp(e->kind, "script") == 0) {
		if (e->interp_ldso) {
			if (put_ldso(f, c, e->interp_ldso, libdirs, nlibdirs) < 0)
				return -1;
		}
		if (put_payload_path(f, c, e->interp) < 0)
			return -1;
		for (size_t i = 0; i < e->nargs; i++) {
			fputc(' ', f);
			put_quoted(f, e->args[i]);
		}
		fputc(' ', f);
	}
	if (put_payload_path(f, c, e->path) < 0)
		return -1;
	fputs(" \"$@\"\n", f);
	return 0;
}

int
launch_script_write(int bindirfd, const struct closure *c,
    const struct entry *e, char *const *libdirs, size_t nlibdirs)
{
	int fd = openat(bindirfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	FILE *f;

	/* fchmod: the umask must not take the execute bits away */
	if (fd < 0 || fchmod(fd, 0755) < 0 || (f = fdopen(fd, "w")) == NULL) {
		warn("bin/%s", e->name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = write_body(f, c, e, libdirs, nlibdirs);
	if (ferror(f))
		rc = -1;
	if (fclose(f) != 0 && rc == 0) {
		warn("bin/%s", e->name);
		rc = -1;
	}
	return rc;
}
