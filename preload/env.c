/*
 * Putting the tracing variables back into the environment of every exec,
 * so `env -i`, execle with an empty envp or a scrubbing program does not
 * end the trace.  Builds on caller-provided stack memory only: these run
 * in vfork children.
 */
#include <string.h>

#include "env.h"
#include "sb.h"

/* handover.c: "SBTRACE_PTRACER=pid" or empty; unotify.c:
 * "SBTRACE_UNOTIFY=address" or empty */
SB_HIDDEN extern char sb_env_ptracer[64];
SB_HIDDEN extern char sb_env_unotify[];

size_t
sb_vec_len(char *const *v)
{
	size_t n = 0;

	if (v != NULL)
		while (v[n] != NULL)
			n++;
	return n;
}

int
sb_list_has(const char *list, const char *lib, size_t len)
{
	const char *p = list;

	while (len > 0 && *p != '\0') {
		size_t n = 0;
		while (p[n] != '\0' && p[n] != ':' && p[n] != ' ')
			n++;
		if (n == len && memcmp(p, lib, n) == 0)
			return 1;
		p += n;
		if (*p != '\0')
			p++;
	}
	return 0;
}

/* Is our library one of the entries of LD_PRELOAD list? */
static int
list_has_lib(const char *list)
{
	return sb_list_has(list, sb.lib, sb.lib_len);
}

/* Is an audit module of ours in LD_AUDIT list?  Either counts, so an
 * environment made with the other one is left alone. */
static int
list_has_audit(const char *list)
{
	return sb_list_has(list, sb.lib, sb.lib_len) ||
	    sb_list_has(list, sb.audit_lib, sb.audit_lib_len);
}

/* The value of NAME= in envp, or NULL. */
static const char *
env_value(char *const *envp, const char *name_eq)
{
	size_t n = sb_strlen(name_eq);

	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], name_eq, n) == 0)
			return envp[i] + n;
	return NULL;
}

size_t
sb_env_scratch(char *const *envp)
{
	const char *pre = env_value(envp, "LD_PRELOAD=");
	const char *aud = env_value(envp, "LD_AUDIT=");

	return (pre != NULL ? sb_strlen(pre) : 0) + (aud != NULL ? sb_strlen(aud) : 0) +
	    sb.lib_len + (sb.audit_lean ? sb.audit_lib_len : sb.lib_len) + 64;
}

/*
 * "NAME=ours:theirs", or "NAME=theirs:ours" when theirs starts with the
 * ASan runtime, which aborts unless it is first.  Returns the next free
 * byte of scratch.
 */
static char *
join_list(char *scratch, const char *name_eq, const char *ours, size_t ol, const char *theirs)
{
	size_t nl = sb_strlen(name_eq), tl = sb_strlen(theirs);
	char *p = scratch;
	int asan_first = strstr(theirs, "libasan") != NULL &&
	    (strchr(theirs, ':') == NULL || strstr(theirs, "libasan") < strchr(theirs, ':'));

	memcpy(p, name_eq, nl);
	p += nl;
	if (asan_first) {
		memcpy(p, theirs, tl);
		p += tl;
		*p++ = ':';
	}
	memcpy(p, ours, ol);
	p += ol;
	if (!asan_first && tl > 0) {
		*p++ = ':';
		memcpy(p, theirs, tl);
		p += tl;
	}
	*p++ = '\0';
	return p;
}

int
sb_env_needs_doctor(char *const *envp)
{
	if (sb.env_fifo[0] == '\0' || sb.lib_len == 0)
		return 0;
	const char *pre = env_value(envp, "LD_PRELOAD=");
	const char *aud = env_value(envp, "LD_AUDIT=");
	const char *fifo = env_value(envp, SB_ENV_FIFO "=");
	return pre == NULL || !list_has_lib(pre) || aud == NULL || !list_has_audit(aud) ||
	    fifo == NULL || strcmp(fifo, sb.env_fifo + sizeof(SB_ENV_FIFO)) != 0 ||
	    (sb.env_alive[0] != '\0' && env_value(envp, SB_ENV_ALIVE "=") == NULL) ||
	    (sb_env_ptracer[0] != '\0' && env_value(envp, SB_ENV_PTRACER "=") == NULL) ||
	    (sb_env_unotify[0] != '\0' && env_value(envp, SB_ENV_UNOTIFY "=") == NULL);
}

char *const *
sb_env_doctor(char *const *envp, char **out, char *scratch)
{
	size_t n = 0;
	const char *pre = NULL, *aud = NULL;

	if (!sb_env_needs_doctor(envp))
		return envp;
	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++) {
		const char *e = envp[i];
		if (strncmp(e, "LD_PRELOAD=", 11) == 0) {
			pre = e + 11;
			if (!list_has_lib(pre))
				continue;
		} else if (strncmp(e, "LD_AUDIT=", 9) == 0) {
			aud = e + 9;
			if (!list_has_audit(aud))
				continue;
		} else if (sb_streq_prefix(e, SB_ENV_FIFO "=") ||
		    sb_streq_prefix(e, SB_ENV_ALIVE "=") ||
		    sb_streq_prefix(e, SB_ENV_PTRACER "=") ||
		    sb_streq_prefix(e, SB_ENV_UNOTIFY "=")) {
			continue;
		}
		out[n++] = envp[i];
	}
	if (pre == NULL || !list_has_lib(pre)) {
		out[n++] = scratch;
		scratch = join_list(scratch, "LD_PRELOAD=", sb.lib, sb.lib_len, pre ? pre : "");
	}
	if (aud == NULL || !list_has_audit(aud)) {
		/* the module this process was started with */
		const char *mod = sb.audit_lean ? sb.audit_lib : sb.lib;
		size_t ml = sb.audit_lean ? sb.audit_lib_len : sb.lib_len;
		out[n++] = scratch;
		scratch = join_list(scratch, "LD_AUDIT=", mod, ml, aud ? aud : "");
	}
	out[n++] = sb.env_fifo;
	if (sb.env_alive[0] != '\0')
		out[n++] = sb.env_alive;
	if (sb_env_ptracer[0] != '\0')
		out[n++] = sb_env_ptracer;
	if (sb_env_unotify[0] != '\0')
		out[n++] = sb_env_unotify;
	out[n] = NULL;
	return out;
}
