/*
 * execvp's walk of PATH, one rule for everything of ours that looks a
 * command up as execvp would: sbtrace starting the command and naming
 * it for the record, finding itself, and the shim's execvp family.
 * Header-only, stack only, no allocation: fit for a vfork child and for
 * the shim inside other people's programs.
 */
#ifndef SB_EXECPATH_H
#define SB_EXECPATH_H

#include <errno.h>
#include <string.h>

/* Where PATH is unset, the directories glibc's execvp searches. */
#define SB_EXEC_DEFAULT_PATH "/bin:/usr/bin"

/*
 * The candidate for file (flen bytes) in the next element of the
 * colon-separated list *list: "DIR/file", or file alone for an empty
 * element (the working directory), in buf[0..size).  1 with *list moved
 * past the element (NULL after the last), 0 when none is left.  An
 * element whose candidate does not fit is passed over.
 */
static inline int
sb_exec_path_next(const char **list, const char *file, size_t flen, char *buf, size_t size)
{
	while (*list != NULL) {
		const char *p = *list, *e = strchrnul(p, ':');
		size_t dl = (size_t)(e - p);

		*list = *e != '\0' ? e + 1 : NULL;
		if (dl + (dl > 0) + flen + 1 > size)
			continue;
		memcpy(buf, p, dl);
		if (dl > 0)
			buf[dl++] = '/';
		memcpy(buf + dl, file, flen + 1);
		return 1;
	}
	return 0;
}

/* After an exec of a candidate failed with err: does execvp go on to
 * the next (no such file there, or one it may not run)? */
static inline int
sb_exec_path_goes_on(int err)
{
	switch (err) {
	case EACCES:
	case ENOENT:
	case ENOTDIR:
	case ESTALE:
	case ENODEV:
	case ETIMEDOUT:
		return 1;
	default:
		return 0;
	}
}

#endif
