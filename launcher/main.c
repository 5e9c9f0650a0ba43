/*
 * sidebundle-launcher: find the bundle (two levels above our own
 * executable), the entry (the name we were started as, following the
 * symlinks that led to us; or, started by our own name, the options and
 * the entry after them), read the manifest's header, and run.  When
 * an archive follows the program, we are a single-file bundle instead
 * (single.c), which runs through the same launch_run().
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher.h"
#include "layout.h"

extern char **environ;

/* Our own executable, resolved. */
static char *
self_path(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	/* no /proc: the path the kernel ran, else argv[0] on PATH */
	const char *fn = (const char *)getauxval(AT_EXECFN);
	char *p = path_search(fn && *fn ? fn : argv0, getenv("PATH"));
	char *r = p ? realpath(p, NULL) : NULL;
	free(p);
	return r;
}

static char *
dir_of(const char *path)
{
	char *d = xstrdup(path), *s = strrchr(d, '/');

	if (s == NULL) {
		free(d);
		return xstrdup(".");
	}
	if (s == d)
		s[1] = '\0';
	else
		*s = '\0';
	return d;
}

/* The entry we were started as: the path that was run (AT_EXECFN: what
 * a PATH search found), followed through its symlinks until a name in
 * the bundle's bin/ directory.  A link ~/bin/py -> BUNDLE/bin/python3
 * thus runs python3.  NULL when we were started as the launcher itself
 * or under a name that leads to no entry. */
static char *
entry_name(const char *argv0, const struct stat *bin)
{
	char *p = run_path(argv0), *name = NULL;

	for (int hops = 0; p != NULL && hops < 40; hops++) {
		char *dir = dir_of(p), *base = strrchr(p, '/'), *next;
		struct stat st;
		int in_bin =
		    stat(dir, &st) == 0 && st.st_dev == bin->st_dev && st.st_ino == bin->st_ino;
		base = base ? base + 1 : p;
		free(dir);
		if (in_bin) {
			name = strcmp(base, SB_LAYOUT_LAUNCHER) == 0 ? NULL : xstrdup(base);
			break;
		}
		if ((next = link_next(p)) == NULL) {
			/* a copy or hard link of the launcher: trust its name */
			name = xstrdup(base);
			break;
		}
		free(p);
		p = next;
	}
	free(p);
	return name;
}

/* A copy of the caller's environment vector: unsetenv(3) moves the
 * pointers of the one it came in, setenv(3) and clearenv(3) leave the
 * strings be. */
static char **
env_snapshot(void)
{
	size_t n = 0;

	while (environ != NULL && environ[n] != NULL)
		n++;
	char **v = xmalloc((n + 1) * sizeof *v);
	if (n > 0)
		memcpy(v, environ, n * sizeof *v);
	v[n] = NULL;
	return v;
}

void
launch_read_manifest(struct launch *l)
{
	char errbuf[512];

	l->payload = xjoin(l->root, SB_LAYOUT_PAYLOAD);
	int rootfd = open(l->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		err(EXIT_CANNOT_RUN, "%s", l->root);
	if (manifest_read(&l->m, rootfd, MF_HEADER, errbuf, sizeof errbuf) < 0)
		errx(EXIT_CANNOT_RUN, "%s/%s", l->root, errbuf);
	close(rootfd);
}

int
launch_run(struct launch *l)
{
	/* before the environment is touched: the settings are read from it */
	l->callenv = env_snapshot();
	const char *from, *mode = setting_from(l, SB_ENV_RUN_MODE, &from);
	if (mode == NULL || *mode == '\0')
		mode = l->m.run_mode;
	if (strcmp(mode, "host") != 0 && strcmp(mode, "bwrap") != 0 && strcmp(mode, "chroot") != 0)
		errx(2, SB_ENV_RUN_MODE "=%s (%s): want host, bwrap or chroot", mode, from);
	/* all of it is checked before anything is done */
	if (settings_check(l, mode) < 0)
		return 2;
	/* an image's program given no arguments runs with its Entrypoint's
	 * and Cmd's, as an engine runs it; given some, with those alone */
	if (l->nargs == 0 && l->e->ndefargs > 0) {
		l->args = l->e->defargs;
		l->nargs = (int)l->e->ndefargs;
	}
	env_prepare(l);
	if (strcmp(mode, "host") == 0)
		return run_host(l);
	if (strcmp(mode, "bwrap") == 0)
		return run_bwrap(l);
	return run_chroot(l);
}

int
main(int argc, char **argv)
{
	struct launch l = { 0 };
	struct stat bin;

	program_invocation_short_name = "sidebundle-launcher";
	if (argc < 1)
		errx(2, "started without a name");
	l.argv0 = argv[0];
	char *self = self_path(argv[0]);
	if (self == NULL)
		err(EXIT_CANNOT_RUN, "cannot find its own executable");
	/* a single-file bundle: the same launcher with an archive after it */
	int rc = single_main(self, argc, argv);
	if (rc >= 0)
		return rc;
	char *bindir = dir_of(self);
	l.root = dir_of(bindir);
	if (stat(bindir, &bin) < 0)
		err(EXIT_CANNOT_RUN, "%s", bindir);

	char *name = entry_name(argv[0], &bin);
	int first = 1;
	if (name == NULL) {
		/* started as the launcher itself: options, then the entry */
		first = options_parse(&l, argc, argv);
		name = xstrdup(argv[first]);
		l.argv0 = argv[first++];
	}
	launch_read_manifest(&l);
	if ((l.e = manifest_entry(&l.m, name)) == NULL)
		errx(EXIT_NOT_FOUND, "no entry named %s in bundle %s", name, l.root);
	l.args = argv + first;
	l.nargs = argc - first;
	return launch_run(&l);
}
