/*
 * Unit tests of bundler/shebang.c: the kernel's #! rules and env -S.
 * Prints a line per failed check and a summary; exits 1 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shebang.h"

#include "check.h"

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* parse text (len bytes) and expect rc, interp and arg */
static void
t(int line, const char *text, size_t len, int rc, const char *interp,
    const char *arg)
{
	struct shebang sb;
	int got = shebang_parse(text, len, &sb);

	checks++;
	if (got != rc || (rc == SHEBANG_OK &&
			     (strcmp(nz(sb.interp), interp) != 0 ||
				 strcmp(nz(sb.arg), nz(arg)) != 0))) {
		failures++;
		printf("FAIL line %d: rc %d interp \"%s\" arg \"%s\"; want rc "
		       "%d \"%s\" \"%s\"\n",
		    line, got, got == 0 ? nz(sb.interp) : "", got == 0 ? nz(sb.arg) : "",
		    rc, nz(interp), nz(arg));
	}
	if (got == SHEBANG_OK)
		shebang_free(&sb);
}
#define T(s, rc, i, a) t(__LINE__, s, sizeof(s) - 1, rc, i, a)

static void
e(int line, const char *arg, int rc, const char *cmd, const char *const *want)
{
	char *c, **a;
	int got = shebang_env(arg, &c, &a);

	checks++;
	if (got != rc) {
		failures++;
		printf("FAIL line %d: shebang_env(\"%s\") = %d, want %d\n", line,
		    nz(arg), got, rc);
		if (got == 0) {
			free(c);
			shebang_argv_free(a);
		}
		return;
	}
	if (got != 0)
		return;
	int ok = strcmp(c, cmd) == 0;
	size_t i;
	for (i = 0; ok && want[i] != NULL; i++)
		ok = a[i] != NULL && strcmp(a[i], want[i]) == 0;
	ok = ok && a[i] == NULL;
	if (!ok) {
		failures++;
		printf("FAIL line %d: shebang_env(\"%s\"): cmd \"%s\"", line, arg,
		    c);
		for (i = 0; a[i] != NULL; i++)
			printf(" [%s]", a[i]);
		printf("\n");
	}
	free(c);
	shebang_argv_free(a);
}
#define E(arg, rc, cmd, ...) \
	e(__LINE__, arg, rc, cmd, (const char *const[]){__VA_ARGS__ NULL})

int
main(void)
{
	char buf[400];

	T("#!/bin/sh\n", SHEBANG_OK, "/bin/sh", NULL);
	T("#!/bin/sh", SHEBANG_OK, "/bin/sh", NULL); /* no newline, short */
	T("#! /bin/sh -e -x \n", SHEBANG_OK, "/bin/sh", "-e -x");
	T("#!\t/usr/bin/env  \t python3 -u\t\n", SHEBANG_OK, "/usr/bin/env",
	    "python3 -u");
	T("#!/bin/sh\r\n", SHEBANG_OK, "/bin/sh\r", NULL); /* as the kernel */
	T("#!relative arg\n", SHEBANG_OK, "relative", "arg");
	T("#!/bin/sh\0-x\n", SHEBANG_OK, "/bin/sh", NULL);
	T("", SHEBANG_NONE, NULL, NULL);
	T("#", SHEBANG_NONE, NULL, NULL);
	T("\x7f" "ELF", SHEBANG_NONE, NULL, NULL);
	T(" #!/bin/sh\n", SHEBANG_NONE, NULL, NULL);
	T("#!\n", SHEBANG_EMPTY, NULL, NULL);
	T("#!   \t\n", SHEBANG_EMPTY, NULL, NULL);
	T("#!", SHEBANG_EMPTY, NULL, NULL);

	/* 300 bytes of interpreter, no blank: too long. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "#!/", 3);
	t(__LINE__, buf, 300, SHEBANG_TOOLONG, NULL, NULL);
	/* Only blanks in the whole buffer. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "#!", 2);
	t(__LINE__, buf, 300, SHEBANG_EMPTY, NULL, NULL);
	/* A long argument is cut at byte 255 (buffer end, kept for NUL). */
	memset(buf, 'b', sizeof(buf));
	memcpy(buf, "#!/bin/sh ", 10);
	{
		struct shebang sb;
		int rc = shebang_parse(buf, 300, &sb);
		CHECK(rc == SHEBANG_OK, "long arg rc %d", rc);
		if (rc == SHEBANG_OK) {
			CHECK(strlen(sb.arg) == 245, "long arg length %zu",
			    strlen(sb.arg));
			shebang_free(&sb);
		}
	}
	/* A blank at the last byte of the buffer (255) still ends the
	 * interpreter: it is bytes 2..254. */
	memset(buf, 'c', sizeof(buf));
	memcpy(buf, "#!/", 3);
	buf[255] = ' ';
	{
		struct shebang sb;
		CHECK(shebang_parse(buf, 300, &sb) == SHEBANG_OK,
		    "interp ending at 254");
		if (sb.interp != NULL) {
			CHECK(strlen(sb.interp) == 253, "interp len %zu",
			    strlen(sb.interp));
			shebang_free(&sb);
		}
	}
	buf[255] = 'c';
	buf[256] = ' '; /* beyond what the kernel reads */
	t(__LINE__, buf, 300, SHEBANG_TOOLONG, NULL, NULL);

	CHECK(shebang_is_env("/usr/bin/env"), "env");
	CHECK(shebang_is_env("env"), "bare env");
	CHECK(!shebang_is_env("/usr/bin/envy"), "envy");
	CHECK(!shebang_is_env("/usr/bin/env/"), "env/");

	E("python3", 0, "python3", );
	E("python3 -u", 0, "python3 -u", ); /* without -S: one name */
	E("-S python3 -u", 0, "python3", "-u", );
	E("-Spython3", 0, "python3", );
	E("-iS A=1 B=2 perl -w", 0, "perl", "-w", );
	E("-S -i -u X -- python3", 0, "python3", );
	E("--split-string=a 'b c' \"d\\\"e\" f\\_g", 0, "a", "b c", "d\"e",
	    "f", "g", );
	E("-S a \\tb #comment x", 0, "a", "\tb", );
	E("-S a \\c b", 0, "a", );
	E("-S ${HOME}/x", 0, "${HOME}/x", );
	E(NULL, 1, NULL, );
	E("-S", 1, NULL, );
	E("-S A=1", 1, NULL, );
	E("-i", 1, NULL, );
	E("-u X", 1, NULL, );
	E("-", 1, NULL, );

	printf("shebang: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
