/*
 * glibc's runtime files: what a program needs that neither its ELF
 * headers nor (always) a trace show.  Each rule adds paths with origin
 * "rule"; sidebundle(1) lists them.  The rules that depend on the
 * environment read the traced processes' (processes.env), not ours: the
 * bundle is made for the way the program ran.
 */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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
add_if(struct closure *c, const char *path, enum how how, const char *why)
{
	if (!exists_in(c, path, how == HOW_TREE) && !exists_in(c, path, 0))
		return 0;
	return closure_add(c, path, OR_RULE, how, ASK_USED, why) < 0 ? -1 : 0;
}

/*
 * gconv: iconv(3) dlopens a module only after reading gconv-modules (or
 * its cache) in the module's directory, and a trace sees the modules but
 * not always the configuration (the cache is mmapped once per process).
 */
#define GCONV_WHY "rule: gconv configuration of a bundled gconv module"

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
		if (add_if(c, p, HOW_OBJECT, GCONV_WHY) < 0)
			return -1;
		snprintf(p, sizeof p, "%s/gconv-modules.cache", dirs[k]);
		if (add_if(c, p, HOW_OBJECT, GCONV_WHY) < 0)
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
				rc = add_if(c, f, HOW_OBJECT, GCONV_WHY);
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

/* --- the traced environment ------------------------------------------ */

#define MAX_VALUES 64

extern char **environ;

/*
 * The values the traced processes gave the variables a predicate picks,
 * each once (pointers into tr or the environment).  Where the trace does
 * not say (no trace, a schema-1 database, a process whose environment
 * was not read), our own environment stands in: the traces we run
 * ourselves inherit it.
 */
static size_t
env_values(const struct trace_result *tr, int (*pick)(const char *kv, void *arg), void *arg,
    const char **out)
{
	size_t n = 0;
	int own = tr == NULL || tr->dbs == 0 || tr->env_unknown;

	for (int pass = 0; pass < 2; pass++) {
		char *const *v = pass == 0 ? (tr ? tr->env : NULL) : own ? environ : NULL;
		size_t nv = pass == 0 ? (tr ? tr->nenv : 0) : SIZE_MAX;
		for (size_t i = 0; v != NULL && i < nv && v[i] != NULL && n < MAX_VALUES; i++) {
			const char *eq = strchr(v[i], '=');
			if (eq == NULL || !pick(v[i], arg))
				continue;
			size_t k;
			for (k = 0; k < n && strcmp(out[k], eq + 1) != 0; k++)
				;
			if (k == n)
				out[n++] = eq + 1;
		}
	}
	return n;
}

/* kv names the variable arg. */
static int
is_var(const char *kv, void *arg)
{
	size_t n = strlen(arg);
	return strncmp(kv, arg, n) == 0 && kv[n] == '=';
}

/* kv names a locale: LANG, LC_ALL or any LC_ category. */
static int
is_locale_var(const char *kv, void *arg)
{
	return is_var(kv, "LANG") || (strncmp(kv, "LC_", 3) == 0 && kv[3] != '=');
}

/* --- locales ------------------------------------------------------------ */

/* glibc's normalised codeset (_nl_normalize_codeset): "en_US.UTF-8" is
 * also looked for as "en_US.utf8". */
static void
normalize_locale(const char *loc, char *out, size_t len)
{
	const char *dot = strchr(loc, '.'), *at = strchr(loc, '@');
	size_t o = 0;

	if (dot == NULL || (at != NULL && at < dot)) {
		strlcpy(out, loc, len);
		return;
	}
	const char *cs = dot + 1, *end = at ? at : cs + strlen(cs);
	int digits = 1;
	for (const char *p = cs; p < end; p++)
		digits &= !isalpha((unsigned char)*p);
	snprintf(out, len, "%.*s.%s", (int)(dot - loc), loc, digits ? "iso" : "");
	o = strlen(out);
	for (const char *p = cs; p < end && o + 1 < len; p++)
		if (isalnum((unsigned char)*p))
			out[o++] = (char)tolower((unsigned char)*p);
	out[o] = '\0';
	if (at)
		strlcat(out, at, len);
}

/* The data of locale loc: its directory in each of dirs, else the
 * archive; 1 when loc is a locale that needs data. */
static int
add_locale(struct closure *c, const char *loc, const char *const *dirs, size_t nd)
{
	char norm[NAME_MAX + 1], p[PATH_MAX], why[NAME_MAX + 64];
	int found = 0;

	if (*loc == '\0' || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
		return 0;
	if (strchr(loc, '/') != NULL || strcmp(loc, "..") == 0 || strlen(loc) > NAME_MAX) {
		warnx("locale %s: not a locale name, no locale data bundled", loc);
		return 0;
	}
	normalize_locale(loc, norm, sizeof norm);
	snprintf(why, sizeof why, "rule: locale %s", loc);
	for (size_t i = 0; i < nd; i++) {
		for (int k = 0; k < 2; k++) {
			snprintf(p, sizeof p, "%s/%s", dirs[i], k ? norm : loc);
			if (exists_in(c, p, 1)) {
				found = 1;
				if (add_if(c, p, HOW_TREE, why) < 0)
					return -1;
			}
		}
	}
	/* glibc looks in the archive first, for any name */
	if (!found && add_if(c, "/usr/lib/locale/locale-archive", HOW_OBJECT, why) < 0)
		return -1;
	return 1;
}

/*
 * The locales the traced processes ran in (LC_ALL, LC_*, LANG: every
 * value, since each category may name another), in LOCPATH's
 * directories when it is set, else /usr/lib/locale.  C.UTF-8 always:
 * it is small, and Python, Perl and others coerce the C locale to it,
 * after which glibc reads /usr/lib/locale/C.utf8 by itself.
 */
static int
rule_locale(struct closure *c, const struct trace_result *tr)
{
	const char *locs[MAX_VALUES], *lp[MAX_VALUES], *dirs[MAX_VALUES];
	size_t nl = env_values(tr, is_locale_var, NULL, locs);
	size_t nlp = env_values(tr, is_var, "LOCPATH", lp), nd = 0;
	char *buf[MAX_VALUES] = { 0 };
	int need_alias = 0, rc = 0;

	if (add_if(c, "/usr/lib/locale/C.utf8", HOW_TREE, "rule: locale C.UTF-8, always") < 0)
		return -1;
	/* LOCPATH: a list of directories, searched before the default */
	for (size_t i = 0; i < nlp && nd < MAX_VALUES - 1; i++) {
		if ((buf[i] = strdup(lp[i])) == NULL)
			return -1;
		for (char *s = buf[i], *d; (d = strsep(&s, ":")) != NULL && nd < MAX_VALUES - 1;)
			if (d[0] == '/')
				dirs[nd++] = d;
	}
	dirs[nd++] = "/usr/lib/locale";
	for (size_t i = 0; i < nl && rc >= 0; i++) {
		const char *loc = locs[i];
		if (strcmp(loc, "C.UTF-8") == 0 || strcmp(loc, "C.utf8") == 0)
			continue;
		rc = add_locale(c, loc, dirs, nd);
		need_alias |= rc > 0;
	}
	for (size_t i = 0; i < nlp; i++)
		free(buf[i]);
	if (rc < 0)
		return -1;
	return need_alias ? add_if(c, "/usr/share/locale/locale.alias", HOW_OBJECT,
				"rule: locale aliases, for the locales bundled")
			  : 0;
}

/* --- time zones --------------------------------------------------------- */

/*
 * TZ, as tzset(3) reads it: ":" first is dropped; an absolute value is
 * the file; any other is looked for in TZDIR, else
 * /usr/share/zoneinfo.  A value no file has is a POSIX rule
 * ("CET-1CEST"), for which glibc reads posixrules.  An empty TZ is UTC
 * and reads nothing; an unset one reads /etc/localtime, which the trace
 * shows with its target.
 */
static int
rule_tz(struct closure *c, const struct trace_result *tr)
{
	const char *tzs[MAX_VALUES], *tzdirs[MAX_VALUES];
	size_t ntz = env_values(tr, is_var, "TZ", tzs);
	size_t nd = env_values(tr, is_var, "TZDIR", tzdirs);
	char p[PATH_MAX], why[PATH_MAX + 16];

	if (nd == 0)
		tzdirs[nd++] = "/usr/share/zoneinfo";
	for (size_t i = 0; i < ntz; i++) {
		const char *tz = tzs[i] + (tzs[i][0] == ':');
		if (*tz == '\0')
			continue;
		for (size_t k = 0; k < nd; k++) {
			if (tz[0] == '/' ? k > 0 : tzdirs[k][0] != '/')
				continue;
			snprintf(p, sizeof p, "%s%s%s", tz[0] == '/' ? "" : tzdirs[k],
			    tz[0] == '/' ? "" : "/", tz);
			if (!exists_in(c, p, 0))
				snprintf(p, sizeof p, "%s/posixrules", tzdirs[k]);
			snprintf(why, sizeof why, "rule: TZ=%s", tzs[i]);
			if (add_if(c, p, HOW_OBJECT, why) < 0)
				return -1;
		}
	}
	return 0;
}

/* NSS: the modules come from the trace; their configuration is read
 * lazily and may not have been, so add what a lookup reads. */
static int
rule_nss(struct closure *c, const struct trace_result *tr)
{
	static const char *const files[] = { "/etc/passwd", "/etc/group", "/etc/host.conf",
		"/etc/hosts" };

	if (add_if(c, "/etc/nsswitch.conf", HOW_OBJECT, "rule: NSS configuration") < 0)
		return -1;
	if (tr == NULL || !tr->nss)
		return 0;
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (add_if(c, files[i], HOW_OBJECT,
			"rule: NSS files, as a trace loaded an NSS module") < 0)
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
		char src[PATH_MAX], why[PATH_MAX + 32];
		int k = snprintf(src, sizeof src, "%.*s/%.*s.py", (int)(pc - path), path,
		    (int)(dot - name), name);
		if (k < 0 || (size_t)k >= sizeof src || closure_find(c, src))
			continue;
		snprintf(why, sizeof why, "rule: the source of %s", path);
		if (add_if(c, src, HOW_OBJECT, why) < 0)
			return -1;
	}
	return 0;
}

int
rules_apply(struct closure *c, const struct trace_result *tr)
{
	if (rule_gconv(c) < 0 || rule_locale(c, tr) < 0 || rule_tz(c, tr) < 0 ||
	    rule_nss(c, tr) < 0 || rule_python(c) < 0)
		return -1;
	return 0;
}
