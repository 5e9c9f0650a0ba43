/*
 * glibc's runtime files: what a program needs that neither its ELF
 * headers nor (always) a trace show.  Each rule adds paths with origin
 * "rule"; sidebundle(1) lists them.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"

static int
exists_in(const struct closure *c, const char *path, int dir)
{
	struct stat st;

	if (fstatat(c->rootfd, path + 1, &st, 0) < 0)
		return 0;
	return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* Add path if the root has it; missing optional files are no error. */
static int
add_if(struct closure *c, const char *path, enum how how)
{
	if (!exists_in(c, path, how == HOW_TREE) && !exists_in(c, path, 0))
		return 0;
	return closure_add(c, path, OR_RULE, how, 0) < 0 ? -1 : 0;
}

/*
 * gconv: iconv(3) dlopens a module only after reading gconv-modules (or
 * its cache) in the module's directory, and a trace sees the modules but
 * not always the configuration (the cache is mmapped once per process).
 */
static int
rule_gconv(struct closure *c)
{
	char dirs[8][PATH_MAX];
	size_t nd = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct item *it = &c->items[i];
		const char *g = strstr(it->path, "/gconv/");
		size_t len = strlen(it->path);
		if (it->type != MF_FILE || g == NULL || strchr(g + 7, '/') != NULL || len < 3 ||
		    strcmp(it->path + len - 3, ".so") != 0)
			continue;
		size_t dl = (size_t)(g - it->path) + 6;
		size_t k;
		for (k = 0; k < nd; k++)
			if (strncmp(dirs[k], it->path, dl) == 0 && dirs[k][dl] == '\0')
				break;
		if (k == nd && nd < sizeof dirs / sizeof *dirs && dl < PATH_MAX) {
			memcpy(dirs[nd], it->path, dl);
			dirs[nd++][dl] = '\0';
		}
	}
	for (size_t k = 0; k < nd; k++) {
		char p[PATH_MAX + 32];
		snprintf(p, sizeof p, "%s/gconv-modules", dirs[k]);
		if (add_if(c, p, HOW_OBJECT) < 0)
			return -1;
		snprintf(p, sizeof p, "%s/gconv-modules.cache", dirs[k]);
		if (add_if(c, p, HOW_OBJECT) < 0)
			return -1;
		snprintf(p, sizeof p, "%s/gconv-modules.d", dirs[k]);
		struct dirent **names;
		int n = scandirat(c->rootfd, p + 1, &names, NULL, alphasort), rc = 0;
		for (int i = 0; i < n; i++) {
			const char *nm = names[i]->d_name;
			size_t l = strlen(nm);
			char f[PATH_MAX * 2];
			if (rc == 0 && l > 5 && strcmp(nm + l - 5, ".conf") == 0) {
				snprintf(f, sizeof f, "%s/%s", p, nm);
				rc = add_if(c, f, HOW_OBJECT);
			}
			free(names[i]);
		}
		if (n >= 0)
			free(names);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The locale create runs in is the one the bundle is made for: the
 * locale data a trace would have read through the mmapped archive. */
static int
rule_locale(struct closure *c)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *loc = NULL;
	char p[PATH_MAX];

	for (size_t i = 0; i < 3 && loc == NULL; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			loc = v;
	}
	if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return 0;
	if (strchr(loc, '/') != NULL || strcmp(loc, "..") == 0) {
		warnx("locale %s: not a locale name, no locale data bundled", loc);
		return 0;
	}
	if (strcmp(loc, "C.UTF-8") == 0 || strcmp(loc, "C.utf8") == 0) {
		if (add_if(c, "/usr/lib/locale/C.utf8", HOW_TREE) < 0)
			return -1;
	} else {
		snprintf(p, sizeof p, "/usr/lib/locale/%s", loc);
		if (exists_in(c, p, 1)) {
			if (add_if(c, p, HOW_TREE) < 0)
				return -1;
		} else if (add_if(c, "/usr/lib/locale/locale-archive", HOW_OBJECT) < 0) {
			return -1;
		}
	}
	return add_if(c, "/usr/share/locale/locale.alias", HOW_OBJECT);
}

/* NSS: the modules come from the trace; their configuration is read
 * lazily and may not have been, so add what a lookup reads. */
static int
rule_nss(struct closure *c, const struct trace_result *tr)
{
	static const char *const files[] = { "/etc/passwd", "/etc/group", "/etc/host.conf",
		"/etc/hosts" };

	if (add_if(c, "/etc/nsswitch.conf", HOW_OBJECT) < 0)
		return -1;
	if (tr == NULL || !tr->nss)
		return 0;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (add_if(c, files[i], HOW_OBJECT) < 0)
			return -1;
	return 0;
}

/*
 * Python: a module's byte code DIR/__pycache__/NAME.TAG.pyc is used only
 * with its source DIR/NAME.py next to it (the import system finds the
 * module by listing DIR, and checks the .pyc against the source's mtime
 * and size).  The trace shows the source only as a stat; bring it in.
 */
static int
rule_python(struct closure *c)
{
	size_t n = c->n; /* items added here need no second look */

	for (size_t i = 0; i < n; i++) {
		const char *path = c->items[i].path;
		const char *pc = strstr(path, "/__pycache__/");
		size_t len = strlen(path);
		if (c->items[i].type != MF_FILE || pc == NULL || len < 4 ||
		    strcmp(path + len - 4, ".pyc") != 0 || strchr(pc + 13, '/') != NULL)
			continue;
		const char *name = pc + 13, *dot = strchr(name, '.');
		char src[PATH_MAX];
		int k = snprintf(src, sizeof src, "%.*s/%.*s.py", (int)(pc - path), path,
		    (int)(dot - name), name);
		if (k < 0 || (size_t)k >= sizeof src || closure_find(c, src))
			continue;
		if (add_if(c, src, HOW_OBJECT) < 0)
			return -1;
	}
	return 0;
}

int
rules_apply(struct closure *c, const struct trace_result *tr)
{
	if (rule_gconv(c) < 0 || rule_locale(c) < 0 || rule_nss(c, tr) < 0 || rule_python(c) < 0)
		return -1;
	return 0;
}
