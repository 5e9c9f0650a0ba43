#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "own.h"
#include "util.h"
#include "wire.h"

int
own_init(struct own *o, const char *lib, const char *dir)
{
	const char *slash;

	memset(o, 0, sizeof(*o));
	if (dir != NULL && dir[0] != '\0' &&
	    (o->dir = mem_dup(dir, o->dir_len = strlen(dir))) == NULL)
		goto nomem;
	if (lib == NULL || lib[0] == '\0')
		return 0;
	if ((o->lib = mem_dup(lib, o->lib_len = strlen(lib))) == NULL)
		goto nomem;
	/* main.c's LD_AUDIT: the lean module beside the library; when it
	 * is missing the library itself is the audit module, and no load
	 * names the lean one */
	if ((slash = strrchr(lib, '/')) != NULL) {
		size_t d = (size_t)(slash - lib) + 1, n = sizeof(SB_AUDIT_LIB_NAME) - 1;

		if ((o->audit = malloc(d + n + 1)) == NULL)
			goto nomem;
		memcpy(o->audit, lib, d);
		memcpy(o->audit + d, SB_AUDIT_LIB_NAME, n + 1);
		o->audit_len = d + n;
	}
	return 0;
nomem:
	own_free(o);
	errno = ENOMEM;
	return -1;
}

void
own_free(struct own *o)
{
	free(o->lib);
	free(o->audit);
	free(o->dir);
	memset(o, 0, sizeof(*o));
}

static int
same(const char *a, size_t an, const char *path, size_t n)
{
	return a != NULL && an == n && memcmp(a, path, n) == 0;
}

int
own_is(const struct own *o, uint16_t op, uint32_t mode, const char *path, size_t n, int ptraced)
{
	if (o->dir != NULL && n >= o->dir_len && memcmp(path, o->dir, o->dir_len) == 0 &&
	    (n == o->dir_len || path[o->dir_len] == '/'))
		return 1;
	if (!same(o->lib, o->lib_len, path, n) && !same(o->audit, o->audit_len, path, n))
		return 0;
	return op == SB_OP_LOAD || op == SB_OP_SEARCH ||
	    (op == SB_OP_OPEN && ptraced && !(mode & (SB_M_WRITE | SB_M_CREATE | SB_M_TRUNC)));
}
