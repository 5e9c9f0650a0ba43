/*
 * The program's environment.  The caller's, or with
 * SIDEBUNDLE_CLEAN_ENV only TERM, HOME, USER and LOGNAME of it: what a
 * program needs to know who runs it and on what terminal, and nothing
 * that names host paths or tunes libraries (the point of a clean one
 * is that the run does not depend on who started it).  Then the
 * bundle's --set-env values over it, and a PATH when a clean one has
 * none.  The launcher itself reads the caller's environment as it came
 * (l->callenv), so cleaning it loses none of its settings.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"
#include "layout.h"

extern char **environ;

/* The PATH of a clean environment: the usual directories, where a
 * bundle has its programs (in bwrap and chroot modes the payload's). */
#define CLEAN_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const kept[] = { "TERM", "HOME", "USER", "LOGNAME" };

/* The bundle's --set-env values override the caller's environment; its
 * SIDEBUNDLE_* settings are only defaults, read through setting(). */
static void
apply_bundle_env(const struct manifest *m)
{
	for (size_t i = 0; i < m->nenv; i++) {
		char *kv = m->env[i], *eq = strchr(kv, '=');
		if (strncmp(kv, SB_ENV_PREFIX, sizeof SB_ENV_PREFIX - 1) == 0)
			continue;
		*eq = '\0';
		if (setenv(kv, eq + 1, 1) < 0)
			err(EXIT_CANNOT_RUN, "setenv %s", kv);
		*eq = '=';
	}
}

void
env_prepare(const struct launch *l)
{
	if (setting_bool(l, SB_ENV_CLEAN_ENV, 0)) {
		/* the strings stay: l->callenv points at them */
		if (clearenv() != 0)
			errx(EXIT_CANNOT_RUN, "clearenv failed");
		for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
			const char *v = caller_env(l, kept[i]);
			if (v != NULL && setenv(kept[i], v, 1) < 0)
				err(EXIT_CANNOT_RUN, "setenv %s", kept[i]);
		}
	}
	apply_bundle_env(&l->m);
	if (setting_bool(l, SB_ENV_CLEAN_ENV, 0) && getenv("PATH") == NULL &&
	    setenv("PATH", CLEAN_PATH, 1) < 0)
		err(EXIT_CANNOT_RUN, "setenv PATH");
}

/* Does the bundle's --set-env set the variable named n (len nl)? */
static int
bundle_sets(const struct launch *l, const char *n, size_t nl)
{
	for (size_t i = 0; i < l->m.nenv; i++)
		if (strncmp(l->m.env[i], n, nl) == 0 && l->m.env[i][nl] == '=')
			return 1;
	return 0;
}

void
env_scrub_loader(const struct launch *l)
{
	/* the caller's variables are all in l->callenv, which unsetenv
	 * leaves alone (environ it moves); the rest came from the bundle */
	for (char **e = l->callenv; e != NULL && *e != NULL; e++) {
		size_t nl = strcspn(*e, "=");
		if (strncmp(*e, "LD_", 3) != 0 || (*e)[nl] != '=' || bundle_sets(l, *e, nl))
			continue;
		char *name = xmalloc(nl + 1);
		memcpy(name, *e, nl);
		name[nl] = '\0';
		if (unsetenv(name) < 0) {
			perror("sidebundle-launcher: unsetenv");
			exit(EXIT_CANNOT_RUN);
		}
		free(name);
	}
}
