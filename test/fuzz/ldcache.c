/*
 * Fuzz target: the ld.so.cache parser (a file of a -r ROOT we do not
 * trust).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ldcache c;
	char err[512];

	if (ldcache_parse(data, size, "fuzz", &c, err, sizeof(err)) != 0)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++) {
		n += strlen(c.v[i].name) + strlen(c.v[i].path);
		if (c.v[i].hwcaps != NULL)
			n += strlen(c.v[i].hwcaps);
	}
	(void)n;
	ldcache_free(&c);
	return 0;
}
