/*
 * The exec family.  A program the payload has is started the way the
 * launcher starts an entry: a dynamic ELF by the payload's ld.so with
 * --inhibit-cache, --library-path, --preload (this shim) and --argv0, a
 * script by its interpreter from the payload the same way, a static ELF
 * directly; SIDEBUNDLE_PAYLOAD is kept (put back if the caller dropped
 * it).  Any other program is the host's: executed as it is, with
 * SIDEBUNDLE_PAYLOAD removed from its environment.
 *
 * vfork-safe: everything is on the stack, nothing is written outside
 * it, nothing is allocated; raw syscalls for the file probes.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binfmt.h"
#include "execpath.h"
#include "shim.h"

extern char **environ;

enum { ENV_STRIP, ENV_ENSURE };

/* How to run one program: exe with pre[] in place of argv[0 .. skip). */
struct plan {
	const char *exe;
	const char *pre[16];
	int npre, skip, env;
	char host[PATH_MAX];   /* the program in the payload */
	char ihost[PATH_MAX];  /* a script's interpreter in the payload */
	char ldso[PATH_MAX];   /* the payload's loader */
	char interp[PATH_MAX]; /* PT_INTERP as written */
	struct sb_shebang sb;  /* a script's #! line */
};

static long
shim_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	return sh_pread(*(const int *)ctx, buf, n, (long)off);
}

/* PT_INTERP of the ELF file open at fd into buf: 1 dynamic and of our
 * machine, 0 an ELF to leave to the kernel (static, another machine),
 * -1 not ELF. */
static int
elf_interp(int fd, char *buf, size_t len)
{
	struct sb_elf e;
	int rc = sb_elf_probe(shim_pread, &fd, &e);

	if (rc == SB_ELF_NOT_ELF)
		return -1;
	return rc == SB_ELF_OK && e.interp_len > 0 && sb_elf_native(&e) &&
	    sb_elf_interp(shim_pread, &fd, &e, buf, len) == SB_ELF_OK;
}

/* The payload loader's arguments for the program prog, called argv0. */
static void
via_ldso(struct plan *pl, const char *argv0, const char *prog)
{
	pl->exe = pl->ldso;
	pl->npre = 0;
	pl->pre[pl->npre++] = pl->ldso;
	pl->pre[pl->npre++] = "--inhibit-cache";
	if (shim.libpath[0] != '\0') {
		pl->pre[pl->npre++] = "--library-path";
		pl->pre[pl->npre++] = shim.libpath;
	}
	pl->pre[pl->npre++] = "--preload";
	pl->pre[pl->npre++] = shim.shim;
	pl->pre[pl->npre++] = "--argv0";
	pl->pre[pl->npre++] = argv0;
	pl->pre[pl->npre++] = prog;
	pl->env = ENV_ENSURE;
}

/* Decide how to run path.  -1 with errno when it cannot be run. */
static int
plan_make(struct plan *pl, const char *path, char *const argv[])
{
	const char *argv0 = argv != NULL && argv[0] != NULL ? argv[0] : path;
	struct stat st;

	pl->exe = path;
	pl->npre = pl->skip = 0;
	pl->env = ENV_STRIP;
	if (!shim_map(path, pl->host, 1))
		return 0; /* the host's own program */
	pl->exe = pl->host;
	int fd = sh_open(pl->host, O_RDONLY);
	if (fd < 0)
		return 0; /* the kernel gives the error */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || sh_access(pl->host, X_OK) < 0) {
		sh_close(fd);
		errno = EACCES;
		return -1;
	}
	char head[SB_BINPRM_BUF];
	long n = sh_pread(fd, head, sizeof head, 0);
	int sr = n > 0 ? sb_shebang_split(head, (size_t)n, &pl->sb) : SB_SHEBANG_NONE;
	if (sr != SB_SHEBANG_NONE) {
		sh_close(fd);
		/* the kernel runs it with the host's interpreter (or fails) */
		if (sr != SB_SHEBANG_OK || pl->sb.interp[0] != '/')
			return 0;
		const char *interp = pl->sb.interp, *arg = pl->sb.arg;
		if (!shim_map(interp, pl->ihost, 1) || (fd = sh_open(pl->ihost, O_RDONLY)) < 0)
			return 0;
		int dyn = elf_interp(fd, pl->interp, sizeof pl->interp);
		sh_close(fd);
		if (dyn < 0)
			return 0;
		if (dyn > 0 && shim_map(pl->interp, pl->ldso, 1)) {
			via_ldso(pl, interp, pl->ihost);
		} else {
			pl->exe = pl->ihost;
			pl->pre[pl->npre++] = interp;
		}
		if (arg != NULL)
			pl->pre[pl->npre++] = arg;
		pl->pre[pl->npre++] = pl->host;
		pl->skip = argv != NULL && argv[0] != NULL;
		return 0;
	}
	int dyn = elf_interp(fd, pl->interp, sizeof pl->interp);
	sh_close(fd);
	if (dyn > 0 && shim_map(pl->interp, pl->ldso, 1)) {
		via_ldso(pl, argv0, pl->host);
		pl->skip = argv != NULL && argv[0] != NULL;
	}
	return 0;
}

static size_t
count(char *const v[])
{
	size_t n = 0;
	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

/* envp with SIDEBUNDLE_PAYLOAD removed (ENV_STRIP) or set to ours
 * (ENV_ENSURE), into out (count(envp) + 2 slots). */
static void
fill_env(char **out, char *const envp[], int how)
{
	size_t o = 0;
	for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], SHIM_VAR "=", SHIM_VAR_LEN + 1) != 0)
			out[o++] = envp[i];
	if (how == ENV_ENSURE)
		out[o++] = shim.env;
	out[o] = NULL;
}

static void
fill_argv(char **out, const struct plan *pl, char *const argv[])
{
	size_t o = 0;
	for (int i = 0; i < pl->npre; i++)
		out[o++] = (char *)pl->pre[i];
	for (size_t i = (size_t)pl->skip; argv != NULL && argv[i] != NULL; i++)
		out[o++] = argv[i];
	out[o] = NULL;
}

int
shim_execve(const char *path, char *const argv[], char *const envp[])
{
	if (shim_real_execve == NULL)
		shim_init();
	if (!shim_active()) /* inactive also when dlsym found no execve */
		return shim_real_execve ? shim_real_execve(path, argv, envp)
					: (int)syscall(SYS_execve, path, argv, envp);
	struct plan pl;
	if (plan_make(&pl, path, argv) < 0)
		return -1;
	char *nargv[pl.npre + count(argv) + 1], *nenv[count(envp) + 2];
	fill_argv(nargv, &pl, argv);
	fill_env(nenv, envp, pl.env);
	return shim_real_execve(pl.exe, nargv, nenv);
}

SH_EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	return shim_execve(path, argv, envp);
}

SH_EXPORT int
execv(const char *path, char *const argv[])
{
	return shim_execve(path, argv, environ);
}

/* execvpe's search, glibc's way: each PATH entry in turn, on to the next
 * when this one has no such file or may not be run; a file the kernel
 * cannot run (ENOEXEC) is run by /bin/sh. */
SH_EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	if (file == NULL || *file == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/') != NULL)
		return shim_execve(file, argv, envp);
	const char *path = getenv("PATH");
	size_t fl = strlen(file);
	int eacces = 0;
	char cand[PATH_MAX];
	if (path == NULL)
		path = SB_EXEC_DEFAULT_PATH;
	if (fl > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while (sb_exec_path_next(&path, file, fl, cand, sizeof cand)) {
		shim_execve(cand, argv, envp);
		if (errno == ENOEXEC) {
			size_t n = count(argv);
			char *sh[n + 3];
			sh[0] = (char *)"/bin/sh";
			sh[1] = cand;
			for (size_t i = 1; i <= n; i++)
				sh[i + 1] = argv[i];
			sh[n > 0 ? n + 1 : 2] = NULL;
			shim_execve("/bin/sh", sh, envp);
			return -1;
		}
		if (!sb_exec_path_goes_on(errno))
			return -1;
		eacces |= errno == EACCES;
	}
	if (eacces)
		errno = EACCES;
	return -1;
}

SH_EXPORT int
execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* execl, execlp, execle: the arguments counted, copied to the stack. */
#define ARGS_TO_VLA(first, ap, argv, tail)                                                         \
	size_t n_ = 1;                                                                             \
	va_start(ap, first);                                                                       \
	while (va_arg(ap, char *) != NULL)                                                         \
		n_++;                                                                              \
	va_end(ap);                                                                                \
	char *argv[n_ + 1];                                                                        \
	argv[0] = (char *)first;                                                                   \
	va_start(ap, first);                                                                       \
	for (size_t i_ = 1; i_ <= n_; i_++)                                                        \
		argv[i_] = va_arg(ap, char *);                                                     \
	tail;                                                                                      \
	va_end(ap);

SH_EXPORT int
execl(const char *path, const char *arg, ...)
{
	va_list ap;
	ARGS_TO_VLA(arg, ap, argv, (void)0)
	return shim_execve(path, argv, environ);
}

SH_EXPORT int
execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	ARGS_TO_VLA(arg, ap, argv, (void)0)
	return execvpe(file, argv, environ);
}

SH_EXPORT int
execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char *const *envp;
	ARGS_TO_VLA(arg, ap, argv, envp = va_arg(ap, char *const *))
	return shim_execve(path, argv, envp);
}

/* posix_spawn: the plan made in the parent, the spawn the real one. */
static int
spawn_planned(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	struct plan pl;
	if (plan_make(&pl, path, argv) < 0)
		return errno;
	char *nargv[pl.npre + count(argv) + 1], *nenv[count(envp) + 2];
	fill_argv(nargv, &pl, argv);
	fill_env(nenv, envp, pl.env);
	return REAL(posix_spawn)(pid, pl.exe, fa, attr, nargv, nenv);
}

SH_EXPORT int
posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	if (!shim_active())
		return REAL(posix_spawn)(pid, path, fa, attr, argv, envp);
	int e = errno, r = spawn_planned(pid, path, fa, attr, argv, envp);
	errno = e;
	return r;
}

/* posix_spawnp: the PATH search done here, each directory the payload's
 * then the host's; what neither has is left to the real one, for its
 * error. */
SH_EXPORT int
posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
    const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	if (!shim_active())
		return REAL(posix_spawnp)(pid, file, fa, attr, argv, envp);
	if (file != NULL && strchr(file, '/') != NULL)
		return posix_spawn(pid, file, fa, attr, argv, envp);
	int e = errno, r = -1;
	const char *path = getenv("PATH");
	size_t fl = file ? strlen(file) : 0;
	char cand[PATH_MAX], host[PATH_MAX];
	if (path == NULL || fl == 0 || fl > NAME_MAX)
		path = path == NULL && fl > 0 && fl <= NAME_MAX ? SB_EXEC_DEFAULT_PATH : NULL;
	while (sb_exec_path_next(&path, file, fl, cand, sizeof cand))
		if ((shim_map(cand, host, 1) && sh_access(host, X_OK) == 0) ||
		    (sh_access(cand, X_OK) == 0 && !sh_is_dir(cand))) {
			r = spawn_planned(pid, cand, fa, attr, argv, envp);
			break;
		}
	if (r < 0) {
		char *nenv[count(envp) + 2];
		fill_env(nenv, envp, ENV_STRIP);
		r = REAL(posix_spawnp)(pid, file, fa, attr, argv, nenv);
	}
	errno = e;
	return r;
}

/* system and popen: glibc starts /bin/sh with its internal spawn, which
 * no wrapper sees, so they are redone on our posix_spawn. */
SH_EXPORT int
system(const char *cmd)
{
	if (!shim_active() || cmd == NULL)
		return REAL(system)(cmd);
	struct sigaction ign = { .sa_handler = SIG_IGN }, intr, quit;
	sigset_t block, omask, def;
	posix_spawnattr_t attr;
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	pid_t pid;
	int status = -1;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &intr);
	sigaction(SIGQUIT, &ign, &quit);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &omask);
	sigemptyset(&def);
	if (intr.sa_handler != SIG_IGN)
		sigaddset(&def, SIGINT);
	if (quit.sa_handler != SIG_IGN)
		sigaddset(&def, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setsigmask(&attr, &omask);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	if (posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ) == 0) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				status = -1;
				break;
			}
		}
	} else {
		status = 127 << 8;
	}
	posix_spawnattr_destroy(&attr);
	int e = errno;
	sigaction(SIGINT, &intr, NULL);
	sigaction(SIGQUIT, &quit, NULL);
	sigprocmask(SIG_SETMASK, &omask, NULL);
	errno = e;
	return status;
}

/* Our popen'd streams and their children, for pclose: a fixed table,
 * slots claimed with compare-and-swap, so no lock. */
#define POPEN_MAX 64
static struct {
	FILE *f;
	pid_t pid;
} popened[POPEN_MAX];

SH_EXPORT FILE *
popen(const char *cmd, const char *mode)
{
	if (!shim_active() || cmd == NULL || mode == NULL || (mode[0] != 'r' && mode[0] != 'w') ||
	    (mode[1] != '\0' && mode[1] != 'e'))
		return REAL(popen)(cmd, mode);
	int fds[2], rd = mode[0] == 'r';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	int mine = rd ? fds[0] : fds[1], theirs = rd ? fds[1] : fds[0];
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	pid_t pid;
	FILE *f = NULL;

	if (posix_spawn_file_actions_init(&fa) != 0)
		goto fail;
	/* dup2 onto itself clears close-on-exec (glibc 2.29 and later) */
	int r = posix_spawn_file_actions_adddup2(&fa, theirs, rd ? 1 : 0);
	if (r == 0)
		r = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		errno = r;
		goto fail;
	}
	close(theirs);
	theirs = -1;
	if ((f = fdopen(mine, rd ? "r" : "w")) == NULL) {
		close(mine);
		waitpid(pid, NULL, 0);
		return NULL;
	}
	for (int i = 0; i < POPEN_MAX; i++) {
		FILE *none = NULL;
		if (__atomic_compare_exchange_n(&popened[i].f, &none, f, 0, __ATOMIC_ACQ_REL,
			__ATOMIC_ACQUIRE)) {
			__atomic_store_n(&popened[i].pid, pid, __ATOMIC_RELEASE);
			return f;
		}
	}
	/* no slot: pclose cannot wait for it */
	fclose(f);
	kill(pid, SIGPIPE);
	waitpid(pid, NULL, 0);
	errno = EMFILE;
	return NULL;
fail : {
	int e = errno;
	close(mine);
	if (theirs >= 0)
		close(theirs);
	errno = e;
	return NULL;
}
}

SH_EXPORT int
pclose(FILE *f)
{
	for (int i = 0; f != NULL && i < POPEN_MAX; i++) {
		if (__atomic_load_n(&popened[i].f, __ATOMIC_ACQUIRE) != f)
			continue;
		pid_t pid = __atomic_load_n(&popened[i].pid, __ATOMIC_ACQUIRE);
		__atomic_store_n(&popened[i].f, NULL, __ATOMIC_RELEASE);
		int status;
		fclose(f);
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return -1;
		return status;
	}
	return REAL(pclose)(f);
}
