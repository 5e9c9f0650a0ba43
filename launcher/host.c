/*
 * host mode: no privilege, no namespace.  A dynamic program is started
 * by the bundled ld.so with --library-path (the payload's library
 * directories) and --inhibit-cache (never the host's ld.so.cache), so
 * the bundled libraries are used without LD_LIBRARY_PATH: nothing of it
 * reaches child processes, which therefore start as they would without
 * us (the reference tool's GLIBC_PRIVATE crash comes from that leak).
 * --argv0 gives the program the name it was called by.
 *
 * Interpreters that find their library trees from a compiled-in prefix
 * (/usr/lib/python3.11, Perl's @INC) get the payload's copy through
 * their home variables.  The bundle's shim (launcher/shim/), given to
 * ld.so with --preload and told the payload, entry and library path by
 * SIDEBUNDLE_PAYLOAD, maps absolute paths into the payload and starts
 * the payload programs the entry executes the way we start the entry;
 * see sidebundle-launcher(7) for the limits.
 */
#include <err.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher.h"
#include "layout.h"

static int
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PYTHONHOME=<payload>/usr for a bundled python3.X whose standard
 * library is in the payload, unless the caller chose one. */
static void
python_home(const char *payload, const char *prog)
{
	const char *base = strrchr(prog, '/') + 1;
	char *prefix, *lib;

	if (strncmp(base, "python", 6) != 0 || getenv("PYTHONHOME") != NULL)
		return;
	prefix = xstrdup(prog);
	*strrchr(prefix, '/') = '\0'; /* .../usr/bin */
	char *s = strrchr(prefix, '/');
	if (s == NULL || s < prefix + strlen(payload)) {
		free(prefix);
		return;
	}
	*s = '\0'; /* .../usr */
	char sub[NAME_MAX + 8];
	snprintf(sub, sizeof sub, "lib/%s", base);
	lib = xjoin(prefix, sub);
	if (is_dir(lib) && setenv("PYTHONHOME", prefix, 1) < 0)
		err(EXIT_CANNOT_RUN, "setenv");
	free(lib);
	free(prefix);
}

/* PERL5LIB: the payload's copies of Debian's @INC directories, before
 * whatever the caller had. */
static void
perl_lib(const char *payload, const char *prog)
{
	static const char *const pats[] = {
		"/etc/perl",
		"/usr/lib/*/perl5/*",
		"/usr/share/perl5",
		"/usr/lib/*/perl-base",
		"/usr/lib/*/perl/*",
		"/usr/share/perl/*",
	};
	const char *base = strrchr(prog, '/') + 1, *old = getenv("PERL5LIB");
	size_t len = 1 + (old ? strlen(old) + 1 : 0), n = 0;
	char *dirs[64];

	if (strncmp(base, "perl", 4) != 0)
		return;
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
		glob_t g;
		char *pat = xjoin(payload, pats[i]);
		if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc && n < 64; k++) {
				if (strchr(g.gl_pathv[k], ':') || !is_dir(g.gl_pathv[k]))
					continue;
				dirs[n] = xstrdup(g.gl_pathv[k]);
				len += strlen(dirs[n++]) + 1;
			}
			globfree(&g);
		}
		free(pat);
	}
	if (n == 0)
		return;
	char *v = xmalloc(len), *o = v;
	for (size_t i = 0; i < n; i++) {
		o += snprintf(o, len - (size_t)(o - v), "%s%s", i ? ":" : "", dirs[i]);
		free(dirs[i]);
	}
	if (old && *old)
		snprintf(o, len - (size_t)(o - v), ":%s", old);
	if (setenv("PERL5LIB", v, 1) < 0)
		err(EXIT_CANNOT_RUN, "setenv");
	free(v);
}

/* "<payload><libdir>:..." for --library-path. */
static char *
library_path(const struct launch *l)
{
	size_t len = 1, pl = strlen(l->payload);
	for (size_t i = 0; i < l->m.nlibdirs; i++)
		len += pl + strlen(l->m.libdirs[i]) + 1;
	char *s = xmalloc(len), *o = s;
	*o = '\0';
	for (size_t i = 0; i < l->m.nlibdirs; i++)
		o += snprintf(o, len - (size_t)(o - s), "%s%s%s", i ? ":" : "", l->payload,
		    l->m.libdirs[i]);
	return s;
}

/*
 * bin/.sidebundle-shim.so, when the bundle has one and ld.so can take
 * its path: --preload splits at ' ' and ':' (the payload has no ':',
 * checked above).  NULL: the entry runs without it (sidebundle-launcher(7)).
 */
static char *
shim_path(const struct launch *l)
{
	char *p = xjoin(l->root, SB_LAYOUT_BIN "/" SB_LAYOUT_SHIM);
	if (strchr(p, ' ') != NULL || access(p, R_OK) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* Resolve payload path path for e, or die naming it. */
static char *
must_resolve(const struct launch *l, const char *path)
{
	char *r = payload_resolve(l->payload, path);
	if (r == NULL)
		warn("%s: %s is not in the payload %s", l->e->name, path, l->payload);
	return r;
}

int
run_host(struct launch *l)
{
	const struct mf_entry *e = l->e;
	int script = strcmp(e->kind, "script") == 0;
	char *prog, *script_path = NULL, interp[PATH_MAX];

	if (strchr(l->payload, ':') != NULL) {
		warnx(
		    "%s: host mode cannot run from a path holding ':' (ld.so splits --library-path there)",
		    l->payload);
		return EXIT_CANNOT_RUN;
	}
	/* prog: the ELF the kernel or ld.so runs */
	if ((prog = must_resolve(l, script ? e->interp : e->path)) == NULL)
		return EXIT_NOT_FOUND;
	if (script && (script_path = must_resolve(l, e->path)) == NULL)
		return EXIT_NOT_FOUND;
	int dyn = elf_interp(prog, interp, sizeof interp);
	if (dyn < 0) {
		warn("%s: %s", e->name, prog);
		return EXIT_CANNOT_RUN;
	}
	python_home(l->payload, prog);
	perl_lib(l->payload, prog);

	size_t n = 0, max = (size_t)l->nargs + e->nargs + 12;
	char **argv = xmalloc(max * sizeof *argv), *ldso = NULL;
	char *libpath = library_path(l), *shim = dyn ? shim_path(l) : NULL;
	/* the shim's setting, or none: a caller's must not reach the entry */
	if (shim != NULL) {
		const char *ent = strchr(e->path, ':') ? "" : e->path;
		size_t vl = strlen(l->payload) + strlen(ent) + strlen(libpath) + 3;
		char *v = xmalloc(vl);
		snprintf(v, vl, "%s:%s:%s", l->payload, ent, libpath);
		if (setenv(SB_ENV_PAYLOAD, v, 1) < 0)
			err(EXIT_CANNOT_RUN, "setenv");
		free(v);
	} else if (unsetenv(SB_ENV_PAYLOAD) < 0) {
		err(EXIT_CANNOT_RUN, "unsetenv");
	}
	if (dyn) {
		if ((ldso = must_resolve(l, interp)) == NULL)
			return EXIT_NOT_FOUND;
		argv[n++] = ldso;
		argv[n++] = "--inhibit-cache";
		if (l->m.nlibdirs > 0) {
			argv[n++] = "--library-path";
			argv[n++] = libpath;
		}
		if (shim != NULL) {
			argv[n++] = "--preload";
			argv[n++] = shim;
		}
		argv[n++] = "--argv0";
		argv[n++] = script ? e->interp : (char *)l->argv0;
		argv[n++] = prog;
	} else {
		argv[n++] = script ? e->interp : (char *)l->argv0;
	}
	for (size_t i = 0; script && i < e->nargs; i++)
		argv[n++] = e->args[i];
	if (script)
		argv[n++] = script_path;
	for (int i = 0; i < l->nargs; i++)
		argv[n++] = l->args[i];
	argv[n] = NULL;
	execv(dyn ? ldso : prog, argv);
	warn("%s: cannot run %s", e->name, dyn ? ldso : prog);
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}
