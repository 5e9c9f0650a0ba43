/*
 * "#!" lines as the kernel reads them (fs/binfmt_script.c): the first
 * SHEBANG_BUF_SIZE bytes only, the interpreter up to the first blank, and
 * at most ONE argument: the rest of the line, blanks trimmed at both
 * ends.  Plus env(1)'s reading of that argument, for
 * "#!/usr/bin/env NAME" and "#!/usr/bin/env -S NAME ARGS".
 */
#ifndef SB_SHEBANG_H
#define SB_SHEBANG_H

#include <stddef.h>

#include "binfmt.h"

/* The kernel's BINPRM_BUF_SIZE. */
#define SHEBANG_BUF_SIZE SB_BINPRM_BUF

/* binfmt.h's codes, under the names the bundler uses. */
enum shebang_rc {
	SHEBANG_OK = SB_SHEBANG_OK,
	SHEBANG_NONE = SB_SHEBANG_NONE,
	SHEBANG_EMPTY = SB_SHEBANG_EMPTY,
	SHEBANG_TOOLONG = SB_SHEBANG_TOOLONG,
};

struct shebang {
	char *interp; /* as written (may be relative: the kernel allows it) */
	char *arg;    /* the single optional argument, or NULL */
};

/*
 * Parse the first len bytes of a file (only the first SHEBANG_BUF_SIZE
 * count).  Returns an enum shebang_rc (sb filled only for SHEBANG_OK),
 * or -1 with errno ENOMEM.
 */
int shebang_parse(const void *buf, size_t len, struct shebang *sb);

/* Read the first SHEBANG_BUF_SIZE bytes of fd (pread at 0) and parse
 * them.  Returns as shebang_parse, or -1 with errno set. */
int shebang_read(int fd, struct shebang *sb);

void shebang_free(struct shebang *sb);

/* A message for a shebang_rc other than SHEBANG_OK. */
const char *shebang_strerror(int rc);

/*
 * What env(1) does with its single #! argument arg: the command it runs
 * and that command's arguments.  Handles -S/--split-string (words split
 * with env's quoting: '' "" and backslash escapes, '#' comments), the
 * options -i, -0, -v, -u NAME, -C DIR, "-", "--", and NAME=VALUE
 * settings before the command.  ${VAR} is left as written (no
 * environment at analysis time).  Returns 0 with *cmd (malloc'd) and
 * *args (malloc'd, NULL-terminated, each malloc'd), 1 when env would
 * run no command from the #! line, -1 with errno ENOMEM.
 */
int shebang_env(const char *arg, char **cmd, char ***args);

/* Free a NULL-terminated vector and its strings. */
void shebang_argv_free(char **v);

/* 1 if interp names env(1): its last path component is "env". */
int shebang_is_env(const char *interp);

#endif
