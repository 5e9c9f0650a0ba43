/*
 * The fields of /proc/PID/stat the trace uses: the state, the parent,
 * and the start time that, with the pid, tells an exec (same value)
 * from a reused pid (another value).  Header-only and malloc-free: the
 * preload library reads its own at start and in fork children.
 */
#ifndef SB_PROCSTAT_H
#define SB_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

struct sb_procstat {
	char state;	    /* field 3: R, S, D, Z, X, ... */
	uint64_t ppid;	    /* field 4 */
	uint64_t starttime; /* field 22, in clock ticks after boot */
};

/*
 * Parse buf[0..len), the text of a stat file.  The command name (field
 * 2) is in parentheses and may hold spaces and ')' itself, so the fields
 * are counted from the last ')'.  0, or -1 when the text is not whole
 * up to field 22.
 */
static inline int
sb_procstat_parse(const char *buf, size_t len, struct sb_procstat *ps)
{
	size_t i = len, field = 3;

	while (i > 0 && buf[i - 1] != ')')
		i--;
	if (i == 0 || i + 2 >= len || buf[i] != ' ')
		return -1;
	i++; /* at field 3 */
	ps->state = buf[i];
	ps->ppid = ps->starttime = 0;
	for (; i < len && field <= 22; field++) {
		uint64_t v = 0;
		size_t start = i;
		while (i < len && buf[i] >= '0' && buf[i] <= '9')
			v = v * 10 + (uint64_t)(buf[i++] - '0');
		if (field == 4)
			ps->ppid = v;
		if (field == 22) {
			if (i == start)
				return -1;
			ps->starttime = v;
			return 0;
		}
		while (i < len && buf[i] != ' ')
			i++;
		i++;
	}
	return -1;
}

#endif
