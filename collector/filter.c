/*
 * Record-time filters: see filter.h, and sbtrace(1) -e for the grammar.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "json.h"
#include "path.h"
#include "syscalls.h"
#include "wire.h"

_Static_assert(SB_OP_MAX <= 32, "an operation set is a uint32_t");

#define OP(x) (1u << (x))
#define ALL_OPS ((uint32_t)(OP(SB_OP_MAX) - 2)) /* ops 1 .. SB_OP_MAX-1 */

static const char *const op_names[SB_OP_MAX] = SB_OP_NAMES;

/*
 * The classes, ours and strace's: strace's %file is every call that
 * names a path, which is all sbtrace records; its %process is, of what
 * sbtrace records, the exec.  strace's stat classes all come down to
 * the one stat operation.
 */
static const struct class
{
	const char *name;
	uint32_t ops;
} classes[] = {
	{ "%file", ALL_OPS },
	{ "%process", OP(SB_OP_EXEC) },
	{ "%exec", OP(SB_OP_EXEC) },
	{ "%stat", OP(SB_OP_STAT) },
	{ "%lstat", OP(SB_OP_STAT) },
	{ "%%stat", OP(SB_OP_STAT) },
	{ "%lookup", OP(SB_OP_STAT) | OP(SB_OP_ACCESS) | OP(SB_OP_READLINK) | OP(SB_OP_REALPATH) },
	{ "%lib", OP(SB_OP_LOAD) | OP(SB_OP_SEARCH) | OP(SB_OP_DLOPEN) },
	{ "%dir", OP(SB_OP_OPENDIR) | OP(SB_OP_CHDIR) | OP(SB_OP_MKDIR) | OP(SB_OP_RMDIR) },
	{ "%modify",
	    OP(SB_OP_RENAME) | OP(SB_OP_UNLINK) | OP(SB_OP_RMDIR) | OP(SB_OP_MKDIR) |
		OP(SB_OP_TRUNCATE) | OP(SB_OP_SYMLINK) | OP(SB_OP_LINK) },
};

/* strace's classes that hold none of the calls sbtrace records. */
static const char *const strace_only[] = { "%desc", "%network", "%net", "%signal", "%ipc",
	"%memory", "%creds", "%clock", "%pure", "%fstat", "%statfs", "%fstatfs", "%%statfs" };

/* The path system calls by name (common/syscalls.h), each standing for
 * the operation it is recorded as. */
static const struct sysname {
	const char *name;
	unsigned op;
	int rule;
} sysnames[] = {
#define SYSNAME_ONE(name, nr, op, rule, ...) { #name, op, rule },
	SC_TABLE(SYSNAME_ONE)
#undef SYSNAME_ONE
};

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->ops = ALL_OPS;
}

void
filter_free(struct filter *f)
{
	for (size_t i = 0; i < f->nexclude; i++)
		free((char *)f->exclude[i].p);
	free(f->exclude);
	f->exclude = NULL;
	f->nexclude = 0;
}

/* The operations one name stands for; 0 when it is none we know. */
static uint32_t
name_ops(const char *s, size_t n)
{
	char cls[32];
	size_t i;

	for (i = 1; i < SB_OP_MAX; i++)
		if (strlen(op_names[i]) == n && memcmp(op_names[i], s, n) == 0)
			return OP(i);
	for (i = 0; i < sizeof(sysnames) / sizeof(sysnames[0]); i++) {
		if (strlen(sysnames[i].name) != n || memcmp(sysnames[i].name, s, n) != 0)
			continue;
		/* unlinkat with AT_REMOVEDIR is recorded as an rmdir */
		return OP(sysnames[i].op) |
		    (sysnames[i].rule == SC_R_UNLINKAT ? OP(SB_OP_RMDIR) : 0);
	}
	/* strace's old spelling of a class, without the % */
	if (s[0] != '%' && n + 2 <= sizeof(cls)) {
		cls[0] = '%';
		memcpy(cls + 1, s, n);
		cls[n + 1] = '\0';
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (strcmp(classes[i].name, cls) == 0)
				return classes[i].ops;
	}
	return 0;
}

/* A %class; 0 with why in err when it is none of ours. */
static uint32_t
class_ops(const char *s, size_t n, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i].name) == n && memcmp(classes[i].name, s, n) == 0)
			return classes[i].ops;
	for (i = 0; i < sizeof(strace_only) / sizeof(strace_only[0]); i++)
		if (strlen(strace_only[i]) == n && memcmp(strace_only[i], s, n) == 0) {
			snprintf(err, errlen,
			    "%.*s holds no call that sbtrace records (only the calls that name "
			    "a path)",
			    (int)n, s);
			return 0;
		}
	snprintf(err, errlen, "unknown class %.*s (see sbtrace(1) for the classes)", (int)n, s);
	return 0;
}

/*
 * One item of the list: [?]...NAME.  The operations it adds to *ops;
 * -1 with why in err.  A leading "?" lets an unknown name pass, as in
 * strace.
 */
static int
item(const char *s, size_t n, uint32_t *ops, char *err, size_t errlen)
{
	int quiet = 0;
	uint32_t o;

	while (n > 0 && *s == '?') {
		quiet = 1;
		s++;
		n--;
	}
	if (n == 0) {
		snprintf(err, errlen, "an empty name");
		return -1;
	}
	if (*s == '/') {
		if (quiet)
			return 0;
		snprintf(err, errlen,
		    "%.*s: regular expressions are not supported (name the operations or a class)",
		    (int)n, s);
		return -1;
	}
	if (*s == '%')
		o = class_ops(s, n, err, errlen);
	else if ((o = name_ops(s, n)) == 0)
		snprintf(err, errlen,
		    "unknown operation or system call %.*s (see sbtrace(1) for the names)", (int)n,
		    s);
	if (o == 0 && !quiet)
		return -1;
	*ops |= o;
	return 0;
}

/*
 * [trace=]{!}LIST: the qualifier is checked here, so that strace's
 * others (signal=, abbrev=, ...) are named as such instead of being
 * taken for an unknown operation.
 */
int
filter_trace(struct filter *f, const char *expr, char *err, size_t errlen)
{
	const char *s = expr, *eq = strchr(expr, '='), *e;
	uint32_t ops = 0;
	int invert = 0, items = 0;

	if (eq != NULL) {
		size_t q = (size_t)(eq - expr);

		if (!((q == 5 && strncmp(expr, "trace", 5) == 0) || (q == 1 && expr[0] == 't'))) {
			snprintf(err, errlen,
			    "sbtrace knows only the trace= qualifier, not %.*s=", (int)q, expr);
			return -1;
		}
		s = eq + 1;
	}
	for (; *s == '!'; s++)
		invert = !invert;
	if (strcmp(s, "all") == 0) {
		ops = ALL_OPS;
		items = 1;
	} else if (strcmp(s, "none") == 0) {
		items = 1;
	} else {
		/* empty items are skipped, as strace skips them */
		for (; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
			e = strchrnul(s, ',');
			if (e == s)
				continue;
			if (item(s, (size_t)(e - s), &ops, err, errlen) == -1)
				return -1;
			items++;
		}
	}
	if (items == 0) {
		snprintf(err, errlen, "no operation given");
		return -1;
	}
	f->ops = invert ? ALL_OPS & ~ops : ops;
	f->expr = expr;
	return 0;
}

int
filter_exclude(struct filter *f, const char *prefix, char *err, size_t errlen)
{
	struct str *v;
	size_t n;
	char *p;

	err[0] = '\0';
	if (prefix[0] != '/') {
		snprintf(err, errlen, "not an absolute path");
		return -1;
	}
	if ((p = path_normalize("", 0, prefix, strlen(prefix), &n)) == NULL)
		return -1;
	if ((v = reallocarray(f->exclude, f->nexclude + 1, sizeof(*v))) == NULL) {
		free(p);
		return -1;
	}
	f->exclude = v;
	f->exclude[f->nexclude].p = p;
	f->exclude[f->nexclude++].n = n;
	return 0;
}

int
filter_active(const struct filter *f)
{
	return f->expr != NULL || f->nexclude > 0;
}

/* Is path prefix p itself or below it, component by component? */
static int
under(const struct str *p, const char *path, size_t len)
{
	if (p->n == 1) /* "/" */
		return len > 0 && path[0] == '/';
	return len >= p->n && memcmp(path, p->p, p->n) == 0 && (len == p->n || path[p->n] == '/');
}

int
filter_keep(const struct filter *f, unsigned op, const char *path, size_t len)
{
	if (op >= SB_OP_MAX || !(f->ops & OP(op)))
		return 0;
	for (size_t i = 0; i < f->nexclude; i++)
		if (under(&f->exclude[i], path, len))
			return 0;
	return 1;
}

int
filter_json(const struct filter *f, struct buf *b)
{
	const char *sep = "";

	if (buf_add(b, "{", 1) == -1)
		return -1;
	if (f->expr != NULL) {
		if (buf_add(b, "\"trace\":", 8) == -1 ||
		    json_add_str(b, f->expr, strlen(f->expr)) == -1 ||
		    buf_add(b, ",\"ops\":[", 8) == -1)
			return -1;
		for (unsigned op = 1; op < SB_OP_MAX; op++) {
			if (!(f->ops & OP(op)))
				continue;
			if (buf_add(b, sep, strlen(sep)) == -1 ||
			    json_add_str(b, op_names[op], strlen(op_names[op])) == -1)
				return -1;
			sep = ",";
		}
		if (buf_add(b, "]", 1) == -1)
			return -1;
	}
	if (f->nexclude > 0) {
		if (buf_add(b, f->expr != NULL ? ",\"exclude_path\":" : "\"exclude_path\":",
			f->expr != NULL ? 16 : 15) == -1 ||
		    json_add_array(b, f->exclude, f->nexclude) == -1)
			return -1;
	}
	return buf_add(b, "}", 1);
}
