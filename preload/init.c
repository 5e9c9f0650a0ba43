/*
 * Setting up a traced process: find the FIFO, announce the image, and
 * hook fork and exit.  Runs from our constructor, or earlier from the
 * first wrapped call when another library's constructor gets there first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env.h"
#include "nextsym.h"
#include "procstat.h"
#include "real.h"
#include "sb.h"

SB_HIDDEN struct sb_state sb;
SB_HIDDEN int sb_fd = -1;

int
sb_capture_env(char *dst, size_t size, const char *name, int nonempty)
{
	const char *v = getenv(name);
	size_t nl = sb_strlen(name), vl;

	if (v == NULL || (vl = sb_strlen(v)) + nl + 2 > size || (nonempty && vl == 0))
		return 0;
	memcpy(dst, name, nl);
	dst[nl] = '=';
	memcpy(dst + nl + 1, v, vl + 1);
	return 1;
}

/*
 * Move the reporting fd out of the range programs use, so loops that
 * close or dup2 onto low fds leave it alone; keep it below 1024 only if
 * the limit forces us to.
 */
static long
high_fd(void)
{
	struct rlimit rl;
	long want = 1023;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur - 1 < want)
		want = (long)rl.rlim_cur - 1;
	return want;
}

static int
move_high(int fd)
{
	long want = high_fd();

	if (want <= fd)
		return fd;
	int nfd = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, want);
	if (nfd < 0) {
		/* every fd from `want` up is taken: search below it */
		nfd = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, want / 2);
		if (nfd < 0)
			return fd;
	}
	sb_sys_close(fd);
	return nfd;
}

int
sb_open_fifo(int high)
{
	const char *path = sb.env_fifo + sizeof(SB_ENV_FIFO);
	struct stat st;

	int fd = sb_sys_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (syscall(SYS_fstat, fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		sb_sys_close(fd);
		return -1;
	}
	sb.fifo_dev = st.st_dev;
	sb.fifo_ino = st.st_ino;
	return high ? move_high(fd) : fd;
}

#ifndef SB_FREESTANDING
/*
 * The audit copy, loaded before us, has usually opened the FIFO already
 * and moved it to the same high number we would: use its descriptor
 * (once it is known to be our FIFO) instead of checking the collector
 * and opening the FIFO a second time in every process.
 */
static int
adopt_audit_fd(void)
{
	const char *path = sb.env_fifo + sizeof(SB_ENV_FIFO);
	long fd = high_fd();
	struct stat a, f;

	if (syscall(SYS_fstat, fd, &a) != 0 || !S_ISFIFO(a.st_mode) ||
	    syscall(SYS_newfstatat, AT_FDCWD, path, &f, 0) != 0 || a.st_dev != f.st_dev ||
	    a.st_ino != f.st_ino)
		return -1;
	sb.fifo_dev = a.st_dev;
	sb.fifo_ino = a.st_ino;
	return (int)fd;
}

/* Field 22 of /proc/self/stat: with the pid, it tells an exec (same
 * value) from a reused pid (different value). */
static uint64_t
read_starttime(void)
{
	char buf[1024];
	int fd = sb_sys_open("/proc/self/stat", O_RDONLY | O_CLOEXEC, 0);
	struct sb_procstat ps;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = sb_sys_read(fd, buf, sizeof(buf));
	sb_sys_close(fd);
	if (n <= 0 || sb_procstat_parse(buf, (size_t)n, &ps) == -1)
		return 0;
	return ps.starttime;
}

static void
find_self(void)
{
	const char *name = sb_object_name((const void *)find_self);

	if (name != NULL && name[0] == '/') {
		size_t n = sb_strlen(name);
		if (n < sizeof(sb.lib)) {
			memcpy(sb.lib, name, n + 1);
			sb.lib_len = n;
		}
	}
}

/*
 * libsbtrace-audit.so beside us, and whether this process was started
 * with it in LD_AUDIT: only then do execs put it back (a library
 * installed without it, or a trace started by an older sbtrace, keeps
 * libsbtrace.so as the audit module).
 */
static void
find_audit_lib(void)
{
	static const char name[] = SB_AUDIT_LIB_NAME;
	const char *slash = NULL, *aud = getenv("LD_AUDIT");

	for (size_t i = 0; i < sb.lib_len; i++)
		if (sb.lib[i] == '/')
			slash = sb.lib + i;
	if (slash == NULL)
		return;
	size_t dl = (size_t)(slash + 1 - sb.lib);
	if (dl + sizeof(name) > sizeof(sb.audit_lib))
		return;
	memcpy(sb.audit_lib, sb.lib, dl);
	memcpy(sb.audit_lib + dl, name, sizeof(name));
	sb.audit_lib_len = dl + sizeof(name) - 1;
	sb.audit_lean = aud != NULL && sb_list_has(aud, sb.audit_lib, sb.audit_lib_len);
}

static void
report_fork(void)
{
	struct sb_out o;

	if (sb_out_begin(&o, SB_MSG_FORK, 0)) {
		struct sb_fork f = { .ppid = (uint32_t)getppid(), .starttime = read_starttime() };
		sb_out_bytes(&o, &f, sizeof(f));
		sb_out_end(&o);
	}
}

static void
on_fork_child(void)
{
	int saved = errno;

	sb.pid = (pid_t)syscall(SYS_getpid);

	report_fork();
	errno = saved;
}

SB_HIDDEN void sb_report_exit(int status);

static void
on_exit_handler(int status, void *arg)
{
	sb_report_exit(status);
}
#endif /* !SB_FREESTANDING */

static void
init_once(void)
{
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);

	if (rnd != NULL)
		memcpy(&sb.image, rnd, sizeof(sb.image));
	sb.pid = (pid_t)syscall(SYS_getpid);
	if (!sb_capture_env(sb.env_fifo, sizeof(sb.env_fifo), SB_ENV_FIFO, 0))
		return;
	sb_capture_env(sb.env_alive, sizeof(sb.env_alive), SB_ENV_ALIVE, 0);
#ifdef SB_FREESTANDING
	/* libsbtrace-audit.so is only ever loaded through LD_AUDIT */
	sb.audit = 1;
#else
	find_self();
	find_audit_lib();
	/* the LD_AUDIT copy of us lives in a link-map namespace of its
	 * own, which no executable heads */
	sb.audit = !sb_in_base_namespace();
	int fd = sb.audit ? -1 : adopt_audit_fd();
	if (fd >= 0)
		goto report; /* the audit copy found the collector alive */
#endif
	/* A collector that is gone leaves a FIFO nobody reads: run on
	 * untraced rather than fill it. */
	if (!sb_collector_alive())
		return;
	sb.reporting = 1;
	if (sb.audit)
		return;
#ifndef SB_FREESTANDING
	fd = sb_open_fifo(1);
	if (fd < 0)
		return;
report:
	sb.reporting = 1;
	__atomic_store_n(&sb_fd, fd, __ATOMIC_RELAXED);
	pthread_atfork(NULL, NULL, on_fork_child);
	on_exit(on_exit_handler, NULL);
#endif
}

void
sb_ensure_init(void)
{
	int expected = 0;

	if (__atomic_load_n(&sb.initialised, __ATOMIC_ACQUIRE) == 2)
		return;
	/* Anyone who loses the race (or recurses) reports nothing yet. */
	if (!__atomic_compare_exchange_n(&sb.initialised, &expected, 1, 0, __ATOMIC_ACQ_REL,
		__ATOMIC_ACQUIRE))
		return;
	int saved = errno;
	init_once();
	errno = saved;
	__atomic_store_n(&sb.initialised, 2, __ATOMIC_RELEASE);
}

#ifndef SB_FREESTANDING
__attribute__((constructor)) static void
sb_constructor(int argc, char **argv, char **envp)
{
	int saved = errno;

	sb_ensure_init();
	/* Only a reporting, non-audit copy needs anything more: every
	 * process pays for what runs here. */
	if (sb.reporting && !sb.audit) {
		sb_resolve_all();
		sb_report_start(argc, argv, envp, read_starttime());
	}
	errno = saved;
}
#endif
