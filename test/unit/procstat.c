/*
 * Unit tests of common/procstat.h: /proc/PID/stat text, with command
 * names holding spaces and parentheses, cut short, or not stat text at
 * all; and this process's own stat file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procstat.h"

#include "check.h"

/* Fields 3 to 52 as Linux writes them; field 22 (starttime) is
 * 9876543, the negative ones (priority, nice) are there on purpose. */
static const char tail[] = "S 4321 1234 1234 34816 1234 4194560 1530 0 0 0 3 1 0 0 20 -5 1 0 "
			   "9876543 12345678 900 18446744073709551615 1 1 0 0 0 0 65536 "
			   "3686404 1266761467 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* "PID (comm) " + tail + ... into buf; the length */
static size_t
line(char *buf, size_t size, const char *comm, const char *rest)
{
	int n = snprintf(buf, size, "1234 (%s) %s", comm, rest);

	return n < 0 ? 0 : (size_t)n;
}

static void
parse_is(int ln, const char *text, size_t len, int rc, char state, uint64_t ppid, uint64_t start)
{
	struct sb_procstat ps = { '?', 7, 7 };
	/* exactly len bytes: a read past them is caught under ASan */
	char *copy = malloc(len > 0 ? len : 1);
	int got;

	memcpy(copy, text, len);
	got = sb_procstat_parse(copy, len, &ps);
	free(copy);
	checks++;
	if (got != rc ||
	    (rc == 0 && (ps.state != state || ps.ppid != ppid || ps.starttime != start))) {
		failures++;
		printf("FAIL line %d: \"%.*s\" (%zu bytes): rc %d state %c ppid %llu start %llu; "
		       "want %d %c %llu %llu\n",
		    ln, (int)(len < 60 ? len : 60), text, len, got, ps.state,
		    (unsigned long long)ps.ppid, (unsigned long long)ps.starttime, rc, state,
		    (unsigned long long)ppid, (unsigned long long)start);
	}
}
#define PARSE(s, rc, st, pp, t0) parse_is(__LINE__, s, sizeof(s) - 1, rc, st, pp, t0)

int
main(void)
{
	char buf[1024];
	size_t n;

	/* a normal line */
	n = line(buf, sizeof buf, "bash", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);
	/* the same without the newline, and ending right after field 22 */
	parse_is(__LINE__, buf, n - 1, 0, 'S', 4321, 9876543);
	PARSE("1 (init) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 42", 0, 'R', 0, 42);
	PARSE("1 (init) Z 17 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 18446744073709551615 0", 0,
	    'Z', 17, UINT64_MAX);

	/* command names with spaces and parentheses: the last ')' counts */
	n = line(buf, sizeof buf, "a) (b c", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);
	n = line(buf, sizeof buf, ") 2 3 4 5", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);
	n = line(buf, sizeof buf, "x) R 1 2 3", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);
	n = line(buf, sizeof buf, "", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);
	n = line(buf, sizeof buf, "))", tail);
	parse_is(__LINE__, buf, n, 0, 'S', 4321, 9876543);

	/* cut anywhere before field 22 has a digit: -1 */
	n = line(buf, sizeof buf, "a) (b c", tail);
	{
		const char *f22 = strstr(buf, " 9876543 ") + 1;
		size_t cut = (size_t)(f22 - buf);
		for (size_t k = 0; k <= cut; k++) {
			struct sb_procstat ps;
			char *copy = malloc(k > 0 ? k : 1);
			memcpy(copy, buf, k);
			int rc = sb_procstat_parse(copy, k, &ps);
			free(copy);
			CHECK(rc == -1, "cut at %zu of %zu: rc %d", k, cut, rc);
		}
		/* one digit of field 22 is a (short) field */
		parse_is(__LINE__, buf, cut + 1, 0, 'S', 4321, 9);
	}
	PARSE("1 (init) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0", -1, 0, 0, 0);
	PARSE("1 (init) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 ", -1, 0, 0, 0);
	PARSE("1 (init) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1", -1, 0, 0, 0);
	PARSE("1 (init) R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 x 0", -1, 0, 0, 0);
	PARSE("1 (init) R", -1, 0, 0, 0);
	PARSE("1 (init) ", -1, 0, 0, 0);

	/* not stat text */
	PARSE("", -1, 0, 0, 0);
	PARSE(")", -1, 0, 0, 0);
	PARSE("1 (init)", -1, 0, 0, 0);
	PARSE("1 (init", -1, 0, 0, 0);
	PARSE("1 init R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 42 0", -1, 0, 0, 0);
	/* a ')' must be followed by a space */
	PARSE("1 (init)R 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 42 0", -1, 0, 0, 0);

	/* our own: the parent and the state are known */
	{
		int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
		ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		struct sb_procstat ps;
		if (fd >= 0)
			close(fd);
		CHECK(r > 0, "read /proc/self/stat");
		if (r > 0) {
			buf[r] = '\0';
			CHECK(sb_procstat_parse(buf, (size_t)r, &ps) == 0, "parse our stat: %s",
			    buf);
			CHECK(ps.state == 'R', "our state %c", ps.state);
			CHECK(ps.ppid == (uint64_t)getppid(), "our ppid %llu, getppid %d",
			    (unsigned long long)ps.ppid, (int)getppid());
			/* field 22, counted independently */
			const char *p = strrchr(buf, ')') + 2;
			for (int field = 3; field < 22; field++)
				p = strchr(p, ' ') + 1;
			CHECK(ps.starttime == strtoull(p, NULL, 10) && ps.starttime > 0,
			    "our starttime %llu", (unsigned long long)ps.starttime);
		}
	}

	printf("procstat: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
