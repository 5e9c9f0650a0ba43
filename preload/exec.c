/*
 * exec, spawn, system and popen.  Each reports the caller's side
 * (SB_MSG_EXEC) and makes sure the new image inherits the tracing
 * variables; the new image reports itself from its constructor.  Nothing
 * here mallocs, locks, or writes a global: exec runs in vfork children
 * and signal handlers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env.h"
#include "libcenv.h"
#include "real.h"
#include "sb.h"

extern char **environ;
SB_HIDDEN unsigned sb_classify_exec(int dirfd, const char *path);
SB_HIDDEN void sb_handover(void);
SB_HIDDEN void sb_unotify_handover(void);

/*
 * The reporting fd, checked: between vfork and exec a program may have
 * closed it behind our back or dup2'd a file over it, and a record
 * written there would land in the program's file.  Exec is rare enough
 * to afford the fstat.
 */
static int
checked_fd(void)
{
	int fd = __atomic_load_n(&sb_fd, __ATOMIC_RELAXED);

	return sb_fd_is_fifo(fd) ? fd : -1;
}

static void
out_argv(struct sb_out *o, char *const *argv)
{
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		sb_out_cstr(o, argv[i]);
}

/* Caller-side exec record.  resolved may be NULL. */
static void
report_exec(int dirfd, const char *raw, const char *resolved, char *const *argv, unsigned mode,
    int result, pid_t child)
{
	int saved = errno;
	char base[PATH_MAX];
	struct sb_out o;

	if (raw != NULL && sb_out_begin(&o, SB_MSG_EXEC, 1)) {
		o.fd = checked_fd();
		if (o.fd >= 0) {
			struct sb_exec e = { .ppid = (uint32_t)getppid(),
				.mode = mode,
				.result = result,
				.child_pid = (uint32_t)child };
			const char *p = resolved != NULL ? resolved : raw;
			size_t bl = sb_base(dirfd, p, base, sizeof(base));
			sb_out_bytes(&o, &e, sizeof(e));
			sb_out_cstr(&o, raw);
			sb_out_cstr(&o, resolved);
			sb_out_str(&o, base, bl);
			out_argv(&o, argv);
			sb_out_end(&o);
		}
	}
	errno = saved;
}

/* The exec announced by report_exec came back: it failed with err. */
static void
report_exec_fail(int err)
{
	struct sb_out o;

	if (sb_out_begin(&o, SB_MSG_EXEC_FAIL, 1)) {
		o.fd = checked_fd();
		if (o.fd >= 0) {
			struct sb_exec_fail f = { .error = err };
			sb_out_bytes(&o, &f, sizeof(f));
			sb_out_end(&o);
		}
	}
	errno = err;
}

/*
 * Find file on PATH the way execvp will, reporting each candidate that is
 * not there as a probe.  Writes the hit into out; returns 0, or -1 when
 * nothing matched (execvp will fail and say why).
 */
static int
search_path(const char *file, const char *path_env, char *out, size_t size)
{
	size_t fl = sb_strlen(file);
	const char *p = path_env != NULL ? path_env : "/bin:/usr/bin";

	for (;;) {
		const char *end = strchr(p, ':');
		size_t dl = end != NULL ? (size_t)(end - p) : sb_strlen(p);
		if (dl + fl + 2 <= size) {
			/* An empty PATH element means the cwd. */
			memcpy(out, dl > 0 ? p : ".", dl > 0 ? dl : 1);
			size_t k = dl > 0 ? dl : 1;
			out[k++] = '/';
			memcpy(out + k, file, fl + 1);
			struct stat st;
			if (syscall(SYS_newfstatat, AT_FDCWD, out, &st, 0) == 0 &&
			    S_ISREG(st.st_mode) && syscall(SYS_faccessat, AT_FDCWD, out, X_OK) == 0)
				return 0;
			sb_access(SB_OP_EXEC, SB_M_PROBE, errno, AT_FDCWD, out);
		}
		if (end == NULL)
			return -1;
		p = end + 1;
	}
}

/* Announce an exec of path (PATH-searched when search is set). */
static void
announce(int dirfd, const char *path, char *const *argv, int search, unsigned extra, int result,
    pid_t child)
{
	char found[PATH_MAX];
	const char *resolved = NULL;

	if (path == NULL || !sb.reporting)
		return;
	if (search && strchr(path, '/') == NULL) {
		if (path[0] != '\0' && search_path(path, getenv("PATH"), found, sizeof(found)) == 0)
			resolved = found;
	}
	unsigned mode = resolved != NULL || strchr(path, '/') != NULL
	    ? sb_classify_exec(dirfd, resolved ? resolved : path)
	    : 0;
	report_exec(dirfd, path, resolved, argv, mode | extra, result, child);
	/* LD_PRELOAD cannot enter a static binary: let the collector's
	 * ptrace or seccomp backend take us over before the exec (sbtrace
	 * -b auto; whichever it offers in our environment) */
	if ((mode & (SB_M_STATIC | SB_M_SETUID)) == SB_M_STATIC && result == SB_EXEC_PENDING) {
		sb_handover();
		sb_unotify_handover();
	}
}

static int
do_execve(const char *path, char *const argv[], char *const envp[])
{
	SB_ENV_DOCTORED(env, envp);
	announce(AT_FDCWD, path, argv, 0, 0, SB_EXEC_PENDING, 0);
	int r = REAL(execve)(path, argv, env);
	report_exec_fail(errno);
	return r;
}

static int
do_execvpe(const char *file, char *const argv[], char *const envp[])
{
	SB_ENV_DOCTORED(env, envp);
	announce(AT_FDCWD, file, argv, 1, 0, SB_EXEC_PENDING, 0);
	int r = REAL(execvpe)(file, argv, env);
	report_exec_fail(errno);
	return r;
}

SB_EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	return do_execve(path, argv, envp);
}

SB_EXPORT int
execv(const char *path, char *const argv[])
{
	return do_execve(path, argv, environ);
}

SB_EXPORT int
execvp(const char *file, char *const argv[])
{
	return do_execvpe(file, argv, environ);
}

SB_EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	return do_execvpe(file, argv, envp);
}

/* Count the variadic arguments up to the NULL that ends them. */
#define COUNT_ARGS(arg0, last, n)                                                                  \
	do {                                                                                       \
		va_list ap_;                                                                       \
		va_start(ap_, last);                                                               \
		n = 1;                                                                             \
		if (arg0 != NULL)                                                                  \
			while (va_arg(ap_, char *) != NULL)                                        \
				n++;                                                               \
		va_end(ap_);                                                                       \
	} while (0)

/* The libc exec*l forms call its internal execve, never ours: rebuild
 * argv on the stack and go through the v-forms. */
SB_EXPORT int
execl(const char *path, const char *arg, ...)
{
	size_t n;
	COUNT_ARGS(arg, arg, n);
	char *argv[n + 1];
	va_list ap;
	va_start(ap, arg);
	argv[0] = (char *)arg;
	for (size_t i = 1; i <= n; i++)
		argv[i] = i < n ? va_arg(ap, char *) : NULL;
	va_end(ap);
	return do_execve(path, argv, environ);
}

SB_EXPORT int
execlp(const char *file, const char *arg, ...)
{
	size_t n;
	COUNT_ARGS(arg, arg, n);
	char *argv[n + 1];
	va_list ap;
	va_start(ap, arg);
	argv[0] = (char *)arg;
	for (size_t i = 1; i <= n; i++)
		argv[i] = i < n ? va_arg(ap, char *) : NULL;
	va_end(ap);
	return do_execvpe(file, argv, environ);
}

SB_EXPORT int
execle(const char *path, const char *arg, ...)
{
	size_t n;
	COUNT_ARGS(arg, arg, n);
	char *argv[n + 1];
	va_list ap;
	va_start(ap, arg);
	argv[0] = (char *)arg;
	for (size_t i = 1; i <= n; i++)
		argv[i] = i < n ? va_arg(ap, char *) : NULL;
	char *const *envp = va_arg(ap, char *const *);
	va_end(ap);
	return do_execve(path, argv, envp);
}

/* "/proc/self/fd/N" resolved, for execs by fd. */
static const char *
fd_path(int fd, char *buf, size_t size)
{
	size_t n = sb_base(fd, "", buf, size - 1);

	if (n == 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

SB_EXPORT int
fexecve(int fd, char *const argv[], char *const envp[])
{
	char path[PATH_MAX];
	const char *p = fd_path(fd, path, sizeof(path));
	SB_ENV_DOCTORED(env, envp);

	if (p != NULL)
		announce(AT_FDCWD, p, argv, 0, SB_M_FD, SB_EXEC_PENDING, 0);
	int r = REAL(fexecve)(fd, argv, env);
	if (p != NULL)
		report_exec_fail(errno);
	return r;
}

SB_EXPORT int
execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	char buf[PATH_MAX];
	const char *p = path;
	int base_fd = dirfd;
	unsigned extra = 0;
	SB_ENV_DOCTORED(env, envp);

	if (path != NULL && path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		p = fd_path(dirfd, buf, sizeof(buf));
		base_fd = AT_FDCWD;
		extra = SB_M_FD;
	}
	if (p != NULL)
		announce(base_fd, p, argv, 0, extra, SB_EXEC_PENDING, 0);
	int r = REAL(execveat)(dirfd, path, argv, env, flags);
	if (p != NULL)
		report_exec_fail(errno);
	return r;
}

/*
 * posix_spawn runs libc's internal exec in a CLONE_VFORK child, out of
 * our reach: give it the doctored environment and report from the
 * parent once the child pid is known.  It returns an error number, and
 * errno is what the call left in it (glibc's child shares our memory,
 * so a failed exec leaves its errno here): so it stays.
 */
static int
do_spawn(int search, pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	pid_t child = 0;
	SB_ENV_DOCTORED(env, envp);
	int r = search ? REAL(posix_spawnp)(&child, path, fa, attr, argv, env)
		       : REAL(posix_spawn)(&child, path, fa, attr, argv, env);
	int saved = errno;
	if (pid != NULL)
		*pid = child;
	announce(AT_FDCWD, path, argv, search, SB_M_SPAWN, r, r == 0 ? child : 0);
	errno = saved;
	return r;
}

SB_EXPORT int
posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return do_spawn(0, pid, path, fa, attr, argv, envp);
}

SB_EXPORT int
posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return do_spawn(1, pid, file, fa, attr, argv, envp);
}

/*
 * system and popen spawn /bin/sh with libc-internal calls that take
 * `environ`.  If the program scrubbed our variables, lend it a doctored
 * environ for the duration of the call.  This is the one place we touch
 * a program global; both functions are documented as not thread-safe
 * with respect to environment changes anyway.
 */
SB_EXPORT int
system(const char *cmd)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **saved_env = environ;
	SB_ENV_DOCTORED(env, environ);

	if (cmd != NULL)
		environ = (char **)env;
	int r = REAL(system)(cmd);
	int err = errno;
	environ = saved_env;
	if (cmd != NULL)
		announce(AT_FDCWD, "/bin/sh", argv, 0, SB_M_SPAWN, r == -1 ? err : 0, 0);
	errno = err;
	return r;
}

SB_EXPORT FILE *
popen(const char *cmd, const char *type)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **saved_env = environ;
	SB_ENV_DOCTORED(env, environ);

	environ = (char **)env;
	FILE *f = REAL(popen)(cmd, type);
	int err = errno;
	environ = saved_env;
	announce(AT_FDCWD, "/bin/sh", argv, 0, SB_M_SPAWN, f == NULL ? err : 0, 0);
	errno = err;
	return f;
}

/* --- the new image's side ---------------------------------------------- */

void
sb_report_start(int argc, char **argv, char **envp, uint64_t starttime)
{
	char exe[PATH_MAX], cwd[PATH_MAX];
	struct sb_out o;
	uint32_t nenv = 0;

	if (!sb_out_begin(&o, SB_MSG_START, 0))
		return;
	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
		nenv += (uint32_t)sb_libcenv_is(envp[i], SIZE_MAX);
	ssize_t el = sb_sys_readlink("/proc/self/exe", exe, sizeof(exe));
	long cl = syscall(SYS_getcwd, cwd, sizeof(cwd));
	struct sb_start s = { .ppid = (uint32_t)getppid(), .nenv = nenv, .starttime = starttime };
	sb_out_bytes(&o, &s, sizeof(s));
	sb_out_str(&o, exe, el > 0 ? (size_t)el : 0);
	sb_out_cstr(&o, (const char *)getauxval(AT_EXECFN));
	sb_out_str(&o, cwd, cl > 0 ? (size_t)cl - 1 : 0);
	for (size_t i = 0; nenv > 0 && envp[i] != NULL; i++)
		if (sb_libcenv_is(envp[i], SIZE_MAX))
			sb_out_cstr(&o, envp[i]);
	for (int i = 0; i < argc && argv != NULL && argv[i] != NULL; i++)
		sb_out_cstr(&o, argv[i]);
	sb_out_end(&o);
}

void
sb_report_exit(int status)
{
	int saved = errno;
	struct sb_out o;

	if (sb_out_begin(&o, SB_MSG_EXIT, 0)) {
		struct sb_exit e = { .status = status };
		sb_out_bytes(&o, &e, sizeof(e));
		sb_out_end(&o);
	}
	errno = saved;
}

SB_EXPORT void
_exit(int status)
{
	sb_report_exit(status);
	REAL(_exit)(status);
	__builtin_unreachable();
}

SB_EXPORT void
_Exit(int status)
{
	sb_report_exit(status);
	REAL(_Exit)(status);
	__builtin_unreachable();
}
