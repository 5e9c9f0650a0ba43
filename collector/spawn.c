/*
 * Why not posix_spawnp: its child sets every one of the 64 signal
 * actions back to the default, two syscalls each, because it cannot
 * know which ones hold handlers.  sbtrace installs no handler (its
 * signals come through a signalfd), so the child needs only its mask:
 * 128 syscalls less on the path to the command's exec, which every
 * trace waits for.  vfork copies no page tables either, and the child
 * does nothing but set the mask and exec, which is all vfork allows.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execpath.h"
#include "nofile.h"
#include "spawn.h"

/* What the child tells the parent, through the memory vfork shares. */
struct outcome {
	int error;
	int sh;
};

extern char **environ;

/* Exec path; a file the kernel does not run goes to /bin/sh as execvp
 * does.  Returns only on failure, with errno set. */
static void
exec_one(const char *path, char **argv, volatile struct outcome *out)
{
	size_t n = 0;

	execve(path, argv, environ);
	if (errno != ENOEXEC)
		return;
	while (argv[n] != NULL)
		n++;
	char *v[n + 2];
	v[0] = "/bin/sh";
	v[1] = (char *)path;
	memcpy(v + 2, argv + 1, n * sizeof(*v)); /* argv[1..n-1] and the NULL */
	out->sh = 1;
	execve(v[0], v, environ);
	out->sh = 0;
	errno = ENOEXEC;
}

/* execvp's search: the first file that runs; when none does, EACCES if
 * a directory had one it could not run, else ENOENT; any other error
 * stops the search. */
static int
exec_search(char **argv, const char *path, volatile struct outcome *out)
{
	const char *file = argv[0];
	size_t fl = strlen(file);
	int seen_eacces = 0;
	char buf[PATH_MAX];

	if (strchr(file, '/') != NULL) {
		exec_one(file, argv, out);
		return errno;
	}
	while (sb_exec_path_next(&path, file, fl, buf, sizeof(buf))) {
		exec_one(buf, argv, out);
		if (!sb_exec_path_goes_on(errno))
			return errno;
		seen_eacces |= errno == EACCES;
	}
	return seen_eacces ? EACCES : ENOENT;
}

pid_t
spawn_command(char **argv, const sigset_t *mask, int *error, int *sh)
{
	const char *volatile path = getenv("PATH");
	volatile struct outcome out = { 0, 0 };
	pid_t pid;

	if (path == NULL)
		path = SB_EXEC_DEFAULT_PATH;
	pid = vfork();
	if (pid == -1) {
		*error = errno;
		return -1;
	}
	if (pid == 0) {
		nofile_restore();
		if (sigprocmask(SIG_SETMASK, mask, NULL) == -1)
			out.error = errno;
		else
			out.error = exec_search(argv, path, &out);
		_exit(127);
	}
	if (out.error != 0) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		*error = out.error;
		return -1;
	}
	*sh = out.sh;
	return pid;
}
