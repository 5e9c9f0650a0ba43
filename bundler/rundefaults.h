/*
 * create's --run-* options: the launcher's run-time switches
 * (common/runopts.h) baked into the bundle as its defaults, as the
 * SIDEBUNDLE_* env records --set-env writes, which the caller's
 * environment and the launcher's options override at run time.
 */
#ifndef SB_RUNDEFAULTS_H
#define SB_RUNDEFAULTS_H

#include <stddef.h>

/* getopt_long values of the options, one past another */
enum {
	RUNDEF_NO_NET = 0x200, /* --run-no-net */
	RUNDEF_CLEAN_ENV,      /* --run-clean-env */
	RUNDEF_BIND,	       /* --run-bind SRC[:DEST] */
	RUNDEF_RO_BIND,	       /* --run-ro-bind SRC[:DEST] */
	RUNDEF_WORKSPACE,      /* --run-workspace DIR */
};

/* Option ch with arg into the "K=V" list *env (the --set-env values,
 * *nenv of them): a bind is added to the list its setting already has,
 * the others replace their setting.  -1 when arg is malformed, said
 * why (the caller's usage error); exits on ENOMEM. */
int rundefault_add(char ***env, size_t *nenv, int ch, const char *arg);

/* -1 when a SIDEBUNDLE_* value of env asks for what run mode mode
 * cannot do, or a bind list is malformed, said why. */
int rundefault_check(const char *mode, char *const *env, size_t nenv);

#endif
