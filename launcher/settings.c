/*
 * The SIDEBUNDLE_* settings and where they come from: the launcher's
 * own options (started as bin/.sidebundle-launcher, before the entry,
 * so they never mix with the program's arguments), the caller's
 * environment as it came, the bundle's --set-env records, in that
 * order.  The options are kept here, not put into the environment:
 * they are for this run, not for the bundles the program starts.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"
#include "layout.h"
#include "runopts.h"

/* The value of name in a NULL-terminated "K=V" vector, or NULL. */
static const char *
vec_get(char *const *v, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; v != NULL && i < n && v[i] != NULL; i++)
		if (strncmp(v[i], name, nl) == 0 && v[i][nl] == '=')
			return v[i] + nl + 1;
	return NULL;
}

const char *
caller_env(const struct launch *l, const char *name)
{
	return vec_get(l->callenv, (size_t)-1, name);
}

const char *
setting_from(const struct launch *l, const char *name, const char **from)
{
	const char *v;

	if ((v = vec_get(l->opts, l->nopts, name)) != NULL) {
		*from = "given as an option";
		for (const struct sb_runopt *o = sb_runopts; o->launcher != NULL; o++)
			if (strcmp(o->env, name) == 0)
				*from = o->launcher;
		return v;
	}
	if ((v = caller_env(l, name)) != NULL) {
		*from = "in the environment";
		return v;
	}
	*from = "the bundle's default; an empty value in the environment takes it back";
	return vec_get(l->m.env, l->m.nenv, name);
}

const char *
setting(const struct launch *l, const char *name)
{
	const char *from;
	return setting_from(l, name, &from);
}

int
setting_bool(const struct launch *l, const char *name, int def)
{
	const char *v = setting(l, name);

	if (v == NULL || *v == '\0')
		return def;
	return !sb_setting_false(v);
}

static void
help(FILE *f)
{
	fputs("usage: .sidebundle-launcher [OPTION]... ENTRY [ARG...]\n"
	      "       bin/ENTRY [ARG...]\n\n",
	    f);
	for (const struct sb_runopt *o = sb_runopts; o->launcher != NULL; o++) {
		char opt[64];
		snprintf(opt, sizeof opt, "%s%s%s", o->launcher, o->args ? " " : "",
		    o->args ? o->args : "");
		fprintf(f, "  %-26s %s\n", opt, o->help);
	}
	fputs("  -h, --help                 print this help and exit\n\n"
	      "Each option is also a setting: SIDEBUNDLE_NET=0 in the environment is --no-net;\n"
	      "see sidebundle-launcher(7).\n",
	    f);
}

static void __attribute__((noreturn)) usage_error(void)
{
	fputs("usage: .sidebundle-launcher [OPTION]... ENTRY [ARG...]\n", stderr);
	exit(2);
}

/* Set name to value among the options' settings, replacing it. */
static void
opt_set(struct launch *l, const char *name, const char *value)
{
	size_t nl = strlen(name), i;
	char *kv = xmalloc(nl + strlen(value) + 2);

	snprintf(kv, nl + strlen(value) + 2, "%s=%s", name, value);
	for (i = 0; i < l->nopts; i++)
		if (strncmp(l->opts[i], name, nl) == 0 && l->opts[i][nl] == '=')
			break;
	if (i == l->nopts) {
		char **v = realloc(l->opts, (l->nopts + 2) * sizeof *v);
		if (v == NULL)
			err(EXIT_CANNOT_RUN, NULL);
		l->opts = v;
		l->opts[l->nopts++] = NULL;
		l->opts[l->nopts] = NULL;
	}
	free(l->opts[i]);
	l->opts[i] = kv;
}

int
options_parse(struct launch *l, int argc, char **argv)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i++];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help(stdout);
			exit(0);
		}
		const struct sb_runopt *o = sb_runopt_launcher(a);
		if (o == NULL) {
			warnx("unknown option %s", a);
			usage_error();
		}
		if (argc - i < o->nargs) {
			warnx("%s needs %s", a, o->args);
			usage_error();
		}
		if (o->nargs == 2) {
			/* --bind SRC DEST, repeated: one list */
			char *v = sb_bind_append(vec_get(l->opts, l->nopts, o->env), argv[i],
			    argv[i + 1]);
			if (v == NULL)
				err(EXIT_CANNOT_RUN, NULL);
			opt_set(l, o->env, v);
			free(v);
		} else {
			opt_set(l, o->env, o->nargs ? argv[i] : o->value);
		}
		i += o->nargs;
	}
	if (i >= argc) {
		warnx("no entry given");
		usage_error();
	}
	return i;
}

static const char *
lookup(void *ctx, const char *name)
{
	return setting(ctx, name);
}

int
settings_check(const struct launch *l, const char *mode)
{
	const char *name, *from, *why = sb_runopt_refusal(mode, lookup, (void *)l, &name);

	if (why == NULL)
		return 0;
	const char *v = setting_from(l, name, &from);
	warnx("%s=%s (%s): %s", name, v, from, why);
	return -1;
}
