/*
 * Fuzz target: a bundle's why file (bundler/why.c), which `show` reads
 * from a directory anyone may have edited.  What parses must find each
 * of its paths again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "why.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct why w;
	char err[256];

	if (why_parse(&w, (const char *)data, size, err, sizeof err) < 0)
		return 0;
	for (size_t i = 0; i < w.n; i++)
		if (why_get(&w, w.paths[i]) != w.reasons[i])
			abort();
	why_free(&w);
	return 0;
}
