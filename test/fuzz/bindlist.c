/*
 * Fuzz target: the SRC[:DEST] lists of SIDEBUNDLE_BIND and
 * SIDEBUNDLE_RO_BIND (common/runopts.c), which a bundle's manifest may
 * carry.  Every list read is written back with sb_bind_append and read
 * again: the items must come back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runopts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *back = NULL, *src, *dest, *s2, *d2;
	const char *p;
	int rc;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* an environment value ends at its first NUL */
	p = text;
	while ((rc = sb_bind_next(&p, &src, &dest)) > 0) {
		char *n = sb_bind_append(back, src, dest);
		if (n == NULL)
			abort();
		free(back);
		back = n;
		free(src);
		free(dest);
	}
	if (rc == 0 && back != NULL) {
		const char *q = back;
		p = text;
		while (sb_bind_next(&p, &src, &dest) > 0) {
			if (sb_bind_next(&q, &s2, &d2) != 1 || !same(src, s2) || !same(dest, d2))
				abort();
			free(src);
			free(dest);
			free(s2);
			free(d2);
		}
		if (sb_bind_next(&q, &s2, &d2) != 0)
			abort();
	}
	free(back);
	free(text);
	return 0;
}
