/*
 * Unit tests of the bundler's small parsers: words_split (::trace=ARGS),
 * glob_match (--include/--exclude) and the manifest escape.
 * Prints one line per failed case and a summary; exits 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "pathglob.h"
#include "words.h"

static int failures, cases;

/* want: the words joined by '|', or NULL when splitting must fail. */
static void
check_words(int line, const char *in, const char *want)
{
	char **v = NULL, got[512] = "";
	size_t n = 0;
	const char *why = NULL;
	int rc = words_split(in, &v, &n, &why);

	cases++;
	if (rc < 0) {
		if (want != NULL) {
			printf("FAIL line %d: [%s] failed: %s\n", line, in, why);
			failures++;
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			strlcat(got, "|", sizeof got);
		strlcat(got, v[i], sizeof got);
	}
	if (want == NULL || strcmp(got, want) != 0) {
		printf("FAIL line %d: [%s] gave [%s], want [%s]\n", line, in, got,
		    want ? want : "(error)");
		failures++;
	}
	words_free(v, n);
}

static void
check_glob(int line, const char *pat, const char *path, int want)
{
	cases++;
	if (glob_match(pat, path) != want) {
		printf("FAIL line %d: glob %s on %s: want %d\n", line, pat, path, want);
		failures++;
	}
}

static void
check_escape(int line, const char *in, const char *want)
{
	char *got = mf_escape(in);

	cases++;
	if (got == NULL || strcmp(got, want) != 0) {
		printf("FAIL line %d: escape gave [%s], want [%s]\n", line, got ? got : "NULL", want);
		failures++;
	}
	free(got);
}

int
main(void)
{
	check_words(__LINE__, "", "");
	check_words(__LINE__, "  a   b\tc\n", "a|b|c");
	check_words(__LINE__, "-c 'import json, sys'", "-c|import json, sys");
	check_words(__LINE__, "\"a b\" c", "a b|c");
	check_words(__LINE__, "\"say \\\"hi\\\" \\$HOME \\n\"", "say \"hi\" $HOME \\n");
	check_words(__LINE__, "a\\ b c\\'d", "a b|c'd");
	check_words(__LINE__, "x'y'\"z\"w", "xyzw");
	check_words(__LINE__, "'' \"\"", "|");
	check_words(__LINE__, "$HOME `id` $(id) *", "$HOME|`id`|$(id)|*");
	check_words(__LINE__, "a\\\nb", "ab");
	check_words(__LINE__, "'open", NULL);
	check_words(__LINE__, "\"open", NULL);
	check_words(__LINE__, "end\\", NULL);

	check_glob(__LINE__, "/usr/lib/*.so", "/usr/lib/a.so", 1);
	check_glob(__LINE__, "/usr/lib/*.so", "/usr/lib/x/a.so", 0);
	check_glob(__LINE__, "/usr/**/a.so", "/usr/a.so", 1);
	check_glob(__LINE__, "/usr/**/a.so", "/usr/lib/x/a.so", 1);
	check_glob(__LINE__, "/usr/**", "/usr/lib/x/a.so", 1);
	check_glob(__LINE__, "/usr/**", "/usrx/a", 0);
	check_glob(__LINE__, "/etc/pass?d", "/etc/passwd", 1);
	check_glob(__LINE__, "/etc/[ab]*", "/etc/bash.bashrc", 1);
	check_glob(__LINE__, "/etc", "/etc/passwd", 0);
	check_glob(__LINE__, "/**/__pycache__/**", "/usr/lib/py/__pycache__/x.pyc", 1);

	check_escape(__LINE__, "plain/path", "plain/path");
	check_escape(__LINE__, "a b\tc\n%", "a%20b%09c%0A%25");
	check_escape(__LINE__, "\x7f\xff", "%7F%FF");

	printf("%d cases, %d failed\n", cases, failures);
	return failures ? 1 : 0;
}
