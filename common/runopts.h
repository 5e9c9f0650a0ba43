/*
 * The launcher's run-time switches, in one place for the three ways
 * they are given (sidebundle-launcher(7)):
 *
 *   bin/.sidebundle-launcher --no-net ... ENTRY ARG...   (the options)
 *   SIDEBUNDLE_NET=0 bin/ENTRY ARG...                    (the environment)
 *   sidebundle create --run-no-net ...                   (the bundle's default)
 *
 * Each is a SIDEBUNDLE_* setting (layout.h); the first that gives it
 * wins, in that order.  Also the SRC[:DEST] lists of the bind settings
 * and which run mode can honour what.  libc only: the static launcher
 * links it.
 */
#ifndef SB_RUNOPTS_H
#define SB_RUNOPTS_H

#include <stddef.h>

struct sb_runopt {
	const char *launcher; /* the launcher's option, "--no-net" */
	const char *create;   /* sidebundle create's, "--run-no-net"; NULL: none */
	const char *env;      /* the setting it sets */
	int nargs;	      /* the launcher option's arguments: 0, 1, or 2 (SRC DEST) */
	const char *value;    /* the setting's value for an option without one */
	const char *args;     /* the arguments' names in usage, "SRC DEST" */
	const char *help;     /* one line for --help */
};

/* Every switch, ended by a NULL launcher. */
extern const struct sb_runopt sb_runopts[];

/* The switch the launcher option opt names, or NULL. */
const struct sb_runopt *sb_runopt_launcher(const char *opt);

/* Is the setting's value v one of 0, no, off, false (any case)? */
int sb_setting_false(const char *v);

/*
 * The next SRC[:DEST] of a bind list ("SRC[:DEST],SRC[:DEST]..."; a
 * backslash takes the next byte as it is, so \, \: and \\ write the
 * separators and itself) from *list, which moves past it.  *src and
 * *dest are malloc'd, *dest NULL when the item has none.  1 for an
 * item, 0 at the end, -1 with errno: EINVAL for an empty SRC, an
 * empty DEST, a second ':' or a backslash at the end; ENOMEM.
 */
int sb_bind_next(const char **list, char **src, char **dest);

/* list (may be NULL or "") with "SRC:DEST" appended, escaped; dest
 * may be NULL.  malloc'd, NULL on ENOMEM. */
char *sb_bind_append(const char *list, const char *src, const char *dest);

/* A setting's value by name, from wherever the caller keeps them. */
typedef const char *(*sb_setting_fn)(void *ctx, const char *name);

/*
 * Does a setting ask for what run mode mode ("host", "bwrap",
 * "chroot") cannot do?  NULL when nothing does; else the setting's
 * name in *name and why, "host mode cannot take the network away
 * (bwrap and chroot modes can)".  A setting that asks for less than the
 * mode gives is refused (no network in host mode), and so is one that
 * asks for more (a bind where nothing is bound).
 */
const char *sb_runopt_refusal(const char *mode, sb_setting_fn get, void *ctx, const char **name);

#endif
