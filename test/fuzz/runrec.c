/*
 * Fuzz target: the parsers of a bundle's check/ files (runrec.c), fed
 * any bytes (a bundle is a plain directory anyone may have edited): a
 * list of NUL-terminated strings and an outcome file.  What parses must
 * come back alike through the writer's format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_strs(const char *buf, size_t size)
{
	char **v;
	size_t n, off = 0;

	if (runrec_parse_strs(buf, size, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		if (off + l > size || memcmp(buf + off, v[i], l) != 0)
			abort();
		off += l;
		free(v[i]);
	}
	if (off != size || v[n] != NULL)
		abort();
	free(v);
}

static void
check_outcome(const char *buf, size_t size)
{
	struct outcome o = { 0 }, o2 = { 0 };
	char out[RUNREC_OUTCOME_LEN];

	if (runrec_parse_outcome(buf, size, &o) < 0)
		return;
	int n = runrec_format_outcome(&o, out, sizeof out);
	if (n < 0 || (size_t)n >= sizeof out || runrec_parse_outcome(out, (size_t)n, &o2) < 0 ||
	    o.status != o2.status || o.out.size != o2.out.size || o.err.size != o2.err.size ||
	    strcmp(o.out.sha, o2.out.sha) != 0 || strcmp(o.err.sha, o2.err.sha) != 0) {
		fprintf(stderr, "outcome round trip failed\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);

	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	check_strs(buf, size);
	check_outcome(buf, size);
	free(buf);
	return 0;
}
