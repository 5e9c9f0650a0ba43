/*
 * The launcher's run-time switches: the table, the bind lists, and
 * which run mode honours which (common/runopts.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layout.h"
#include "runopts.h"

const struct sb_runopt sb_runopts[] = {
	{ "--mode", NULL, SB_ENV_RUN_MODE, 1, NULL, "host|bwrap|chroot",
	    "the run mode, in place of the bundle's" },
	{ "--no-net", "--run-no-net", SB_ENV_NET, 0, "0", NULL,
	    "no network: only a loopback of its own (bwrap, chroot)" },
	{ "--clean-env", "--run-clean-env", SB_ENV_CLEAN_ENV, 0, "1", NULL,
	    "the bundle's --set-env values, TERM, HOME, USER, LOGNAME and a PATH only" },
	{ "--bind", "--run-bind", SB_ENV_BIND, 2, NULL, "SRC DEST",
	    "host path SRC read-write at DEST (bwrap)" },
	{ "--ro-bind", "--run-ro-bind", SB_ENV_RO_BIND, 2, NULL, "SRC DEST",
	    "host path SRC read-only at DEST (bwrap)" },
	{ "--workspace", "--run-workspace", SB_ENV_WORKSPACE, 1, NULL, "DIR",
	    "DIR read-write at " SB_WORKSPACE_DIR ", the working directory (bwrap)" },
	{ "--home", NULL, SB_ENV_BIND_HOME, 1, NULL, "rw|ro|off",
	    "how $HOME is bound (bwrap; default rw, ro for root)" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL },
};

const struct sb_runopt *
sb_runopt_launcher(const char *opt)
{
	for (const struct sb_runopt *o = sb_runopts; o->launcher != NULL; o++)
		if (strcmp(o->launcher, opt) == 0)
			return o;
	return NULL;
}

int
sb_setting_false(const char *v)
{
	return strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
	    strcasecmp(v, "false") == 0;
}

/* One field of a bind item, up to an unescaped ',' or (if colon) ':',
 * unescaped, into a malloc'd string; *s moves to the byte that ended
 * it.  NULL with errno. */
static char *
bind_field(const char **s, int colon)
{
	const char *p = *s;
	char *out = malloc(strlen(p) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *p != '\0' && *p != ',' && !(colon && *p == ':'); p++) {
		if (*p == '\\' && *++p == '\0') {
			free(out);
			errno = EINVAL;
			return NULL;
		}
		*o++ = *p;
	}
	*o = '\0';
	*s = p;
	return out;
}

int
sb_bind_next(const char **list, char **src, char **dest)
{
	const char *p = *list;

	*src = *dest = NULL;
	if (*p == '\0')
		return 0;
	if ((*src = bind_field(&p, 1)) == NULL)
		return -1;
	if (*p == ':') {
		p++;
		if ((*dest = bind_field(&p, 1)) == NULL)
			goto fail;
		if (**dest == '\0' || *p == ':') {
			errno = EINVAL;
			goto fail;
		}
	}
	if (**src == '\0') {
		errno = EINVAL;
		goto fail;
	}
	/* "a,,b" is an empty item: refused rather than skipped, as a typo */
	if (*p == ',' && (p[1] == '\0' || p[1] == ',')) {
		errno = EINVAL;
		goto fail;
	}
	*list = *p == ',' ? p + 1 : p;
	return 1;
fail:
	free(*src);
	free(*dest);
	*src = *dest = NULL;
	return -1;
}

/* Write s escaped at o; the end. */
static char *
escape_to(char *o, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ',' || *s == ':' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	return o;
}

char *
sb_bind_append(const char *list, const char *src, const char *dest)
{
	size_t ll = list ? strlen(list) : 0;
	char *out = malloc(ll + 2 * strlen(src) + (dest ? 2 * strlen(dest) : 0) + 3), *o = out;

	if (out == NULL)
		return NULL;
	if (ll > 0) {
		memcpy(o, list, ll);
		o += ll;
		*o++ = ',';
	}
	o = escape_to(o, src);
	if (dest) {
		*o++ = ':';
		o = escape_to(o, dest);
	}
	*o = '\0';
	return out;
}

/* The setting's value, NULL when unset or empty (an empty value is the
 * way to take back what the bundle sets). */
static const char *
get_set(sb_setting_fn get, void *ctx, const char *name)
{
	const char *v = get(ctx, name);
	return v != NULL && *v != '\0' ? v : NULL;
}

const char *
sb_runopt_refusal(const char *mode, sb_setting_fn get, void *ctx, const char **name)
{
	static const char *const binds[] = { SB_ENV_BIND, SB_ENV_RO_BIND, SB_ENV_WORKSPACE };
	int host = strcmp(mode, "host") == 0, chroot = strcmp(mode, "chroot") == 0;
	const char *v;

	if (!host && !chroot && strcmp(mode, "bwrap") != 0)
		return NULL; /* the caller refuses the mode itself */
	*name = SB_ENV_NET;
	if (host && (v = get_set(get, ctx, SB_ENV_NET)) != NULL && sb_setting_false(v))
		return "host mode cannot take the network away (bwrap and chroot modes can)";
	for (size_t i = 0; i < sizeof binds / sizeof *binds; i++) {
		*name = binds[i];
		if (!get_set(get, ctx, binds[i]))
			continue;
		if (host)
			return "host mode binds nothing: the program sees the host's own files "
			       "(bwrap mode binds)";
		if (chroot)
			return "chroot mode binds nothing of the host (bwrap mode binds)";
	}
	*name = SB_ENV_BIND_HOME;
	if ((v = get_set(get, ctx, SB_ENV_BIND_HOME)) != NULL) {
		if (host && (sb_setting_false(v) || strcasecmp(v, "ro") == 0))
			return "host mode cannot hide $HOME or make it read-only (bwrap mode can)";
		if (chroot && !sb_setting_false(v))
			return "chroot mode binds nothing of the host, $HOME neither (bwrap mode "
			       "binds it)";
	}
	*name = SB_ENV_BIND_CWD;
	if ((v = get_set(get, ctx, SB_ENV_BIND_CWD)) != NULL) {
		if (host && sb_setting_false(v))
			return "host mode cannot hide the current directory (bwrap mode can)";
		if (chroot && !sb_setting_false(v))
			return "chroot mode binds nothing of the host, the current directory "
			       "neither (bwrap mode binds it)";
	}
	*name = SB_ENV_USER;
	if (!chroot && get_set(get, ctx, SB_ENV_USER))
		return host ? "host mode runs the entry as the user who starts it (chroot mode "
			      "switches)"
			    : "bwrap mode runs the entry as the user who starts it (chroot mode "
			      "switches)";
	*name = NULL;
	return NULL;
}
