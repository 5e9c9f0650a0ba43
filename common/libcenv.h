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
#include <stdint.h> /* SIZE_MAX, for callers */

static const char *const sb_libcenv_names[] = { "LANG", "LANGUAGE", "LOCPATH", "NLSPATH", "TZ",
	"TZDIR", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS" };

/*
 * Is s ("NAME=value", n bytes or NUL-terminated before; SIZE_MAX for a C
 * string) one of them?  Every new process image asks this of each of
 * its variables, so most are turned away by their first letter (that of
 * a name above, or LC_), before any scan: unit/libcenv checks the two
 * lists agree.
 */
static inline int
sb_libcenv_is(const char *s, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	switch (s[0]) {
	case 'G':
	case 'H':
	case 'L':
	case 'N':
	case 'R':
	case 'T':
		break;
	default:
		return 0;
	}
	while (k < n && s[k] != '=' && s[k] != '\0')
		k++;
	if (k == n || s[k] != '=')
		return 0;
	if (k > 3 && s[0] == 'L' && s[1] == 'C' && s[2] == '_')
		return 1;
	for (size_t i = 0; i < sizeof sb_libcenv_names / sizeof *sb_libcenv_names; i++) {
		const char *name = sb_libcenv_names[i];
		size_t j = 0;
		while (j < k && name[j] == s[j])
			j++;
		if (j == k && name[j] == '\0')
			return 1;
	}
	return 0;
}

#endif
