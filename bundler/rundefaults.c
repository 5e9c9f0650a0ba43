/*
 * create's --run-* options (rundefaults.h).  What they write is checked
 * as the launcher will read it, so that a bundle that would refuse to
 * start in its own run mode is refused here instead.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "rundefaults.h"
#include "runopts.h"
#include "words.h"

/* Set name=value in the list, in place of the one there or last. */
static void
env_put(char ***env, size_t *nenv, const char *name, const char *value)
{
	char *kv;
	size_t at;

	if (asprintf(&kv, "%s=%s", name, value) < 0)
		err(1, NULL);
	if (words_env_get(*env, *nenv, name, &at) != NULL) {
		free((*env)[at]);
		(*env)[at] = kv;
		return;
	}
	char **v = reallocarray(*env, *nenv + 1, sizeof *v);
	if (v == NULL)
		err(1, NULL);
	v[(*nenv)++] = kv;
	*env = v;
}

/* The number of items of a bind list; -1 when one is malformed or its
 * DEST is not absolute, said why. */
static int
check_list(const char *opt, const char *list)
{
	const char *p = list;
	char *src, *dest;
	int rc, n = 0;

	while ((rc = sb_bind_next(&p, &src, &dest)) > 0) {
		int bad = dest != NULL && dest[0] != '/';
		if (bad)
			warnx("create: %s %s: DEST %s must be an absolute path", opt, list, dest);
		free(src);
		free(dest);
		if (bad)
			return -1;
		n++;
	}
	if (rc < 0 && errno == ENOMEM)
		err(1, NULL);
	if (rc < 0) {
		warnx("create: %s %s: want SRC[:DEST] (a \\ before a ',', ':' or \\ of a path)",
		    opt, list);
		return -1;
	}
	return n;
}

int
rundefault_add(char ***env, size_t *nenv, int ch, const char *arg)
{
	switch (ch) {
	case RUNDEF_NO_NET:
		env_put(env, nenv, SB_ENV_NET, "0");
		return 0;
	case RUNDEF_CLEAN_ENV:
		env_put(env, nenv, SB_ENV_CLEAN_ENV, "1");
		return 0;
	case RUNDEF_WORKSPACE:
		if (*arg == '\0') {
			warnx("create: --run-workspace: want a directory");
			return -1;
		}
		env_put(env, nenv, SB_ENV_WORKSPACE, arg);
		return 0;
	default:
		break;
	}
	const char *name = ch == RUNDEF_BIND ? SB_ENV_BIND : SB_ENV_RO_BIND;
	const char *opt = ch == RUNDEF_BIND ? "--run-bind" : "--run-ro-bind";
	int n = check_list(opt, arg);
	if (n < 0)
		return -1;
	if (n != 1) {
		warnx("create: %s %s: one SRC[:DEST] each time (a ',' of a path is written \\,)",
		    opt, arg);
		return -1;
	}
	const char *old = words_env_get(*env, *nenv, name, NULL);
	char *v;
	if (old != NULL && *old != '\0') {
		if (asprintf(&v, "%s,%s", old, arg) < 0)
			err(1, NULL);
	} else if ((v = strdup(arg)) == NULL) {
		err(1, NULL);
	}
	env_put(env, nenv, name, v);
	free(v);
	return 0;
}

struct envlist {
	char *const *v;
	size_t n;
};

static const char *
lookup(void *ctx, const char *name)
{
	const struct envlist *e = ctx;
	return words_env_get(e->v, e->n, name, NULL);
}

int
rundefault_check(const char *mode, char *const *env, size_t nenv)
{
	struct envlist e = { env, nenv };
	const char *name, *why, *v;

	if ((v = words_env_get(env, nenv, SB_ENV_BIND, NULL)) != NULL &&
	    check_list(SB_ENV_BIND, v) < 0)
		return -1;
	if ((v = words_env_get(env, nenv, SB_ENV_RO_BIND, NULL)) != NULL &&
	    check_list(SB_ENV_RO_BIND, v) < 0)
		return -1;
	if ((why = sb_runopt_refusal(mode, lookup, &e, &name)) != NULL) {
		warnx("create: --run-mode %s with %s=%s: %s", mode, name,
		    words_env_get(env, nenv, name, NULL), why);
		return -1;
	}
	return 0;
}
