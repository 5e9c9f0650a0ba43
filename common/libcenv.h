/*
 * The environment variables that change which files the C library reads
 * for a program: locale (LANG, LANGUAGE, LC_*, LOCPATH), message
 * catalogs (NLSPATH), time zones (TZ, TZDIR), iconv (GCONV_PATH) and the
 * resolver (HOSTALIASES, LOCALDOMAIN, RES_OPTIONS).  A trace records
 * them per process (sbtrace-db(5), processes.env) so that a bundle is
 * made for the environment the program ran in.  Header-only, no libc:
 * the preload library includes it.
 */
#ifndef SB_LIBCENV_H
#define SB_LIBCENV_H

#include <stddef.h>

/* Is s ("NAME=value", n bytes or NUL-terminated before) one of them? */
static inline int
sb_libcenv_is(const char *s, size_t n)
{
	static const char *const names[] = { "LANG", "LANGUAGE", "LOCPATH", "NLSPATH", "TZ",
		"TZDIR", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS" };
	size_t k = 0;

	while (k < n && s[k] != '=' && s[k] != '\0')
		k++;
	if (k == n || s[k] != '=')
		return 0;
	if (k > 3 && s[0] == 'L' && s[1] == 'C' && s[2] == '_')
		return 1;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t j = 0;
		while (j < k && names[i][j] == s[j])
			j++;
		if (j == k && names[i][j] == '\0')
			return 1;
	}
	return 0;
}

#endif
