/*
 * sbtrace's limit on open files: see nofile.h.
 */
#include <sys/resource.h>

#include "nofile.h"

static struct rlimit saved;
static int raised;

void
nofile_raise(void)
{
	struct rlimit rl;

	if (raised || getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= rl.rlim_max)
		return;
	saved = rl;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		raised = 1;
}

void
nofile_restore(void)
{
	/* a failure leaves the command a larger limit, which no program
	 * can be refused by */
	if (raised)
		(void)setrlimit(RLIMIT_NOFILE, &saved);
}
