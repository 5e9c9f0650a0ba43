#ifndef SB_ENV_H
#define SB_ENV_H

#include <stddef.h>

#include "sb.h"

/* Is lib (len bytes, 0: never) one of the ':' or ' ' separated entries
 * of list? */
SB_HIDDEN int sb_list_has(const char *list, const char *lib, size_t len);
/* Entries in a NULL-terminated vector (0 for NULL). */
SB_HIDDEN size_t sb_vec_len(char *const *v);
/* Does envp lack any of our variables? */
SB_HIDDEN int sb_env_needs_doctor(char *const *envp);
/* Bytes of scratch sb_env_doctor may need for envp. */
SB_HIDDEN size_t sb_env_scratch(char *const *envp);
/*
 * envp with our variables put back: envp itself when nothing is missing,
 * else out (room for sb_vec_len(envp) + SB_ENV_EXTRA pointers) built with
 * strings in scratch (sb_env_scratch(envp) bytes).
 */
SB_HIDDEN char *const *sb_env_doctor(char *const *envp, char **out, char *scratch);
#define SB_ENV_EXTRA 7

/* Stack storage for a doctored copy of envp, in the caller's frame. */
#define SB_ENV_DOCTORED(name, envp)                                                                \
	char *name##_vec[sb_vec_len(envp) + SB_ENV_EXTRA];                                         \
	char name##_scratch[sb_env_scratch(envp)];                                                 \
	char *const *name = sb_env_doctor((envp), name##_vec, name##_scratch)

#endif
