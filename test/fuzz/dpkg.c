/*
 * Fuzz target: dpkg's status, diversions and list files (an image's
 * root is not ours to trust).  The input is split at NUL bytes: the
 * status file, the diversions, then one list per part, given to the
 * packages in turn.  Whatever loads must answer every listed path
 * alike whatever max it is asked with, owners sorted and counted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Ask for every line of text[0..n). */
static void
ask_lines(struct dpkg *db, const char *text, size_t n)
{
	const struct dpkg_pkg *all[64], *few[2];

	for (size_t pos = 0; pos < n;) {
		const char *nl = memchr(text + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
		char *path = strndup(text + pos, len);
		if (path == NULL)
			abort();
		size_t c = dpkg_owners(db, path, all, 64);
		if (dpkg_owners(db, path, few, 2) != c || dpkg_owners(db, path, NULL, 0) != c)
			abort();
		for (size_t i = 1; i < c && i < 64; i++)
			if (strcmp(all[i - 1]->id, all[i]->id) > 0)
				abort();
		for (size_t i = 0; i < c && i < 2; i++)
			if (few[i] != all[i])
				abort();
		free(path);
		pos += len + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *part[64];
	size_t len[64], n = 0;
	char err[256];

	while (n < 64) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		part[n] = p;
		len[n++] = z ? (size_t)(z - p) : (size_t)(end - p);
		if (z == NULL)
			break;
		p = z + 1;
	}
	struct dpkg *db = dpkg_new();
	if (db == NULL)
		abort();
	if (dpkg_add_status(db, part[0], len[0], err, sizeof err) < 0 ||
	    (n > 1 && dpkg_add_diversions(db, part[1], len[1], err, sizeof err) < 0)) {
		dpkg_close(db);
		return 0;
	}
	size_t np = dpkg_count(db);
	for (size_t i = 2; i < n && np > 0; i++) {
		const struct dpkg_pkg *k = dpkg_package(db, (i - 2) % np);
		if (k == NULL || dpkg_find(db, k->id) != k)
			abort();
		if (dpkg_add_list(db, k->id, part[i], len[i], err, sizeof err) < 0)
			abort(); /* a list holds any bytes: never an error */
	}
	for (size_t i = 2; i < n; i++)
		ask_lines(db, part[i], len[i]);
	ask_lines(db, "/\n/usr/bin/sh\n/bin/sh.distrib\n", 30);
	dpkg_close(db);
	return 0;
}
