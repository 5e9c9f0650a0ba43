/*
 * sbtrace: run a command with libsbtrace.so injected and record every
 * process and path of the tree into SQLite.  See sbtrace(1).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "attach.h"
#include "binfmt.h"
#include "channel.h"
#include "command.h"
#include "execpath.h"
#include "db.h"
#include "filter.h"
#include "json.h"
#include "model.h"
#include "nofile.h"
#include "packages.h"
#include "ptrace.h"
#include "report.h"
#include "spawn.h"
#include "stream.h"
#include "unotify.h"
#include "util.h"
#include "wire.h"

#define READ_BUF (1 << 20)
#define BATCH_PAUSE_MS 2
#define BATCH_PAUSE_BELOW (256 * 1024)
/* How often liveness is checked while lingering. */
#define LINGER_POLL_NS (50 * 1000000LL)
/* After a stop signal, how long to wait for the command's end. */
#define STOP_GRACE_NS (1000 * 1000000LL)

static const char *opt_output = "sbtrace.db";
static int opt_append;
static int opt_all;
static int opt_packages; /* --packages: fill the packages table at the end */
static int opt_quiet;
static long long opt_linger = 2;
static const char *opt_backend = "auto";
static pid_t opt_pid; /* -p: attach to it instead of running COMMAND */
static struct filter opt_filter;

enum backend { BACKEND_AUTO, BACKEND_PRELOAD, BACKEND_PTRACE, BACKEND_SECCOMP };
static enum backend backend = BACKEND_AUTO;

/*
 * SBTRACE_TIMES=FILE: when sbtrace reached each step of its fixed cost,
 * for bench/trace, which splits what it adds to a command into the part
 * before the command starts and the part after it ends.  CLOCK_REALTIME
 * nanoseconds, one "name value" line each, written as sbtrace exits.
 */
enum { T_MAIN, T_SPAWN, T_DB, T_EXIT, T_DONE, T_MAX };
static int64_t times_at[T_MAX];

static void
times_mark(int which)
{
	if (times_at[which] == 0)
		times_at[which] = now_realtime_ns();
}

static void
times_write(void)
{
	static const char *const names[T_MAX] = { "main", "spawn", "db", "exit", "done" };
	const char *path = getenv("SBTRACE_TIMES");
	FILE *f;

	if (path == NULL || (f = fopen(path, "we")) == NULL)
		return;
	times_mark(T_DONE);
	for (int i = 0; i < T_MAX; i++)
		fprintf(f, "%s %lld\n", names[i], (long long)times_at[i]);
	fclose(f);
}

/* The SYNOPSIS of sbtrace(1). */
static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sbtrace [-afq] [-b auto|preload|ptrace|seccomp] [-e EXPR] [-o FILE.db] [--all]\n"
	    "               [--exclude-path PREFIX]... [--linger SECONDS] [--packages] -- COMMAND [ARG...]\n"
	    "       sbtrace [-afq] [-b auto|ptrace] [-e EXPR] [-o FILE.db] [--all]\n"
	    "               [--exclude-path PREFIX]... [--linger SECONDS] [--packages] -p PID\n"
	    "       sbtrace --help | --version\n"
	    "       sbtrace report [options] DB\n"
	    "       sbtrace packages [-q] [-r RUN] DB\n");
}

static void
help(void)
{
	usage(stdout);
	printf("\n"
	       "Record every process and every path a command uses into an SQLite database.\n"
	       "\n"
	       "  -o FILE.db              the database (default ./sbtrace.db); an existing one "
	       "is replaced\n"
	       "  -a                      append a new run to FILE.db instead of replacing it\n"
	       "  --all                   one row per call (default: repeated calls folded into "
	       "one row)\n"
	       "  -b BACKEND              preload (the library), ptrace, seccomp (no ptrace), "
	       "or auto:\n"
	       "                          the library, and ptrace (else seccomp) for static "
	       "programs\n"
	       "  -e EXPR                 record only the operations EXPR names: [trace=][!]LIST, "
	       "e.g. open,%%lib\n"
	       "  --exclude-path PREFIX   record nothing under the directory PREFIX "
	       "(repeatable)\n"
	       "  -p PID                  attach to the running process PID with ptrace, until "
	       "it exits or ^C\n"
	       "  -f                      accepted for strace's habit: children are always "
	       "followed\n"
	       "  --linger SECONDS        after COMMAND exits, follow what it started at most this "
	       "long (2)\n"
	       "  --packages              at the end, each path's Debian package (from dpkg's "
	       "database)\n"
	       "  -q                      no summary line and no hints on stderr\n"
	       "  -h, --help              print this help and exit\n"
	       "  --version               print the version and exit\n"
	       "\n"
	       "Subcommands:\n"
	       "  sbtrace report DB       what a trace holds: see sbtrace-report(1)\n"
	       "  sbtrace packages DB     the Debian package of each path of a trace made before\n"
	       "\n"
	       "See sbtrace(1); the database is described in sbtrace-db(5).\n");
}

static void __attribute__((noreturn)) usage_error(void)
{
	usage(stderr);
	exit(2);
}

/* -e and --exclude-path: a filter they do not make sense of is a
 * usage error. */
static void
parse_filter(int ch, const char *arg)
{
	char why[512];

	if ((ch == 'e' ? filter_trace(&opt_filter, arg, why, sizeof(why))
		       : filter_exclude(&opt_filter, arg, why, sizeof(why))) == 0)
		return;
	if (why[0] == '\0')
		err(1, NULL);
	warnx("%s %s: %s", ch == 'e' ? "-e" : "--exclude-path", arg, why);
	usage_error();
}

/* What -p, or its absence, rules out; the backend -p uses. */
static void
check_attach(int argc)
{
	if (opt_pid == 0) {
		if (optind >= argc) {
			warnx("no command given");
			usage_error();
		}
		return;
	}
	if (optind < argc) {
		warnx("-p %d and a command: sbtrace either attaches to a process or runs one",
		    (int)opt_pid);
		usage_error();
	}
	if (backend == BACKEND_PRELOAD) {
		warnx("-p needs ptrace: -b preload cannot enter a process that runs already");
		usage_error();
	}
	backend = BACKEND_PTRACE;
	opt_backend = "ptrace";
}

/* Parse the options; returns the index of COMMAND in argv (argc with
 * -p). */
static int
parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "exclude-path", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ "linger", required_argument, NULL, 'L' },
		{ "packages", no_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *errstr;
	char *argv0 = argv[0];
	int ch;

	/* getopt's own messages name argv[0]: the name, as err(3)'s do,
	 * not the path sbtrace was run by (which main still needs) */
	argv[0] = program_invocation_short_name;
	filter_init(&opt_filter);
	/* '+': the first non-option is COMMAND, its options are its own */
	while ((ch = getopt_long(argc, argv, "+ab:e:fho:p:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			opt_append = 1;
			break;
		case 'A':
			opt_all = 1;
			break;
		case 'b':
			if (strcmp(optarg, "auto") == 0)
				backend = BACKEND_AUTO;
			else if (strcmp(optarg, "preload") == 0)
				backend = BACKEND_PRELOAD;
			else if (strcmp(optarg, "ptrace") == 0)
				backend = BACKEND_PTRACE;
			else if (strcmp(optarg, "seccomp") == 0)
				backend = BACKEND_SECCOMP;
			else {
				warnx("unknown backend: %s", optarg);
				usage_error();
			}
			opt_backend = optarg;
			break;
		case 'e':
		case 'X':
			parse_filter(ch, optarg);
			break;
		case 'f':
			/* strace's -f and -ff: every child is followed anyway */
			break;
		case 'h':
			help();
			exit(0);
		case 'L':
			opt_linger = strtonum(optarg, 0, 86400, &errstr);
			if (errstr != NULL) {
				warnx("--linger %s: %s", optarg, errstr);
				usage_error();
			}
			break;
		case 'o':
			opt_output = optarg;
			break;
		case 'P':
			opt_packages = 1;
			break;
		case 'p':
			if (opt_pid != 0) {
				warnx("-p given twice: sbtrace attaches to one process");
				usage_error();
			}
			opt_pid = (pid_t)strtonum(optarg, 1, INT_MAX, &errstr);
			if (errstr != NULL) {
				warnx("-p %s: not a process id", optarg);
				usage_error();
			}
			break;
		case 'q':
			opt_quiet = 1;
			break;
		case 'V':
			printf("sbtrace %s\n", SB_VERSION);
			exit(0);
		default:
			usage_error();
		}
	}
	argv[0] = argv0;
	check_attach(argc);
	return optind;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * This program's absolute path into exe (PATH_MAX bytes): /proc/self/exe,
 * or, where /proc is missing or masked, argv[0] as the shell found it:
 * with a slash as it is, else looked up in PATH.  -1 if neither works.
 */
static int
self_path(const char *argv0, char *exe)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	ssize_t n;

	if ((n = readlink("/proc/self/exe", exe, PATH_MAX - 1)) > 0) {
		exe[n] = '\0';
		return 0;
	}
	if (strchr(argv0, '/') != NULL)
		return realpath(argv0, exe) != NULL ? 0 : -1;
	/* not execvp's default: the shell that ran us searched its own */
	if (path == NULL)
		path = "/usr/local/bin:/bin:/usr/bin";
	while (sb_exec_path_next(&path, argv0, strlen(argv0), buf, sizeof(buf)))
		if (is_file(buf) && access(buf, X_OK) == 0)
			return realpath(buf, exe) != NULL ? 0 : -1;
	return -1;
}

/* The library's absolute path, by the order of sbtrace(1) FILES. */
static void
find_library(const char *argv0, char *out, size_t size)
{
	const char *env = getenv(SB_ENV_LIB);
	char exe[PATH_MAX], *slash;

	if (env != NULL && env[0] != '\0') {
		if (realpath(env, out) == NULL)
			err(1, "%s=%s", SB_ENV_LIB, env);
		return;
	}
	if (self_path(argv0, exe) == 0) {
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if ((size_t)snprintf(out, size, "%s/libsbtrace.so", exe) < size && is_file(out))
			return;
		if ((size_t)snprintf(out, size, "%s/../lib/sidebundle/libsbtrace.so", exe) < size &&
		    is_file(out) && realpath(out, exe) != NULL) {
			strlcpy(out, exe, size);
			return;
		}
	}
	snprintf(out, size, "%s/libsbtrace.so", SB_LIBDIR);
	if (!is_file(out))
		errx(1,
		    "cannot find libsbtrace.so (set %s, or install it "
		    "in %s)",
		    SB_ENV_LIB, SB_LIBDIR);
}

/* name=value, with any value already there kept after ours. */
static void
prepend_env(const char *name, const char *value)
{
	const char *old = getenv(name);
	char *v;

	if (old == NULL || old[0] == '\0') {
		if (setenv(name, value, 1) == -1)
			err(1, "setenv");
		return;
	}
	if (asprintf(&v, "%s:%s", value, old) == -1)
		err(1, "asprintf");
	if (setenv(name, v, 1) == -1)
		err(1, "setenv");
	free(v);
}

/* Is path an ELF without PT_INTERP (static or static-pie), which
 * LD_PRELOAD cannot enter? */
static int
is_static(const char *path)
{
	struct sb_elf e;
	int fd, rc;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	rc = sb_elf_probe(fd_pread, &fd, &e);
	close(fd);
	return rc == SB_ELF_OK && e.interp_len == 0;
}

/*
 * The audit module: libsbtrace-audit.so beside lib, which loads no libc
 * into the audit namespace of every traced process, or lib itself (also
 * an audit module, only heavier) when the lean one is not there.
 */
static void
find_audit_library(const char *lib, char *out, size_t size)
{
	const char *slash = strrchr(lib, '/');

	if (slash != NULL &&
	    (size_t)snprintf(out, size, "%.*s/" SB_AUDIT_LIB_NAME, (int)(slash - lib), lib) <
		size &&
	    is_file(out))
		return;
	strlcpy(out, lib, size);
}

static void
set_child_env(const char *lib, const struct channel *ch)
{
	char audit[PATH_MAX];

	find_audit_library(lib, audit, sizeof(audit));
	prepend_env("LD_PRELOAD", lib);
	prepend_env("LD_AUDIT", audit);
	if (setenv(SB_ENV_LIB, lib, 1) == -1 || setenv(SB_ENV_FIFO, ch->fifo, 1) == -1 ||
	    setenv(SB_ENV_ALIVE, ch->alive, 1) == -1)
		err(1, "setenv");
}

struct collector {
	struct ptracer *tracer;	   /* NULL: no ptrace in this run */
	struct unotifier *unotify; /* NULL: no seccomp backend in this run */
	int exec_error;		   /* ptrace root: its exec failed */
	char ptrace_why[512];	   /* -b auto: why ptrace is not permitted */
	struct channel ch;
	struct stream *stream;
	struct model *model;
	struct db *db;
	int64_t run_id;
	char *buf;
	pid_t child;
	int child_status;
	int child_done;
	int stop_signal;
	int stops;	  /* stop signals received */
	int group_signal; /* the last one reached the command too, likely */
	const char *lib;  /* the preload library, NULL under ptrace alone */
	int sigfd;
	char db_err[1024];		/* the database could not be set up: why */
	int db_said;			/* the write error was reported */
	int forwarded;			/* a stop signal passed on to the command */
	int tracer_root;		/* the command was started under ptrace or seccomp */
	int attached;			/* -p: the process was there before us */
	int said_static;		/* -b preload: a static program was named */
	struct packages_stats packages; /* --packages: what was attributed */
	const char *command;
};

/*
 * A database write failed (a full disk): the model records nothing from
 * now on, but sbtrace goes on reading the FIFO, so that no writer
 * blocks, and waits for the command, as strace does.  Say so once now;
 * finish() says what was kept.
 */
static void
check_db(struct collector *c)
{
	if (c->db_said || !model_failed(c->model))
		return;
	c->db_said = 1;
	warnx("%s: %s: recording stops; %s runs on and is waited for", opt_output,
	    model_errmsg(c->model), c->command);
}

/* Read everything the FIFO holds now into the stream; returns the
 * number of bytes read. */
static size_t
drain(struct collector *c)
{
	ssize_t n;
	size_t total = 0;

	while ((n = channel_read(&c->ch, c->buf, READ_BUF)) > 0) {
		total += (size_t)n;
		if (stream_feed(c->stream, c->buf, (size_t)n) == -1)
			warn("trace stream");
		/* keep commits on time even under a steady flood */
		(void)model_tick(c->model, now_mono_ns());
		check_db(c);
	}
	if (n == -1)
		warn("read %s", c->ch.fifo);
	/* the FIFO is empty: a record still incomplete never will be */
	else if (stream_idle(c->stream) == -1)
		warn("trace stream");
	return total;
}

/*
 * After a light read, let records pile up for a moment instead of
 * waking on every write: a reader asleep in poll() makes each write(2)
 * of the traced program wake it, and on a small machine those wakeups
 * cost more than the records.  The 1 MiB pipe holds far more than
 * arrives in the pause.
 */
static void
batch_pause(const struct collector *c, size_t got)
{
	struct pollfd p[2] = { { .fd = c->sigfd, .events = POLLIN },
		{ .fd = c->unotify != NULL ? unotifier_fd(c->unotify) : -1, .events = POLLIN } };

	/* Signals (the command's exit above all) still end the pause, and
	 * a call the seccomp backend holds, which waits for us. */
	if (got < BATCH_PAUSE_BELOW)
		(void)poll(p, 2, BATCH_PAUSE_MS);
}

/*
 * SIGINT, SIGTERM or SIGHUP.  Processes traced with ptrace cannot run on
 * without sbtrace (their seccomp filter would make every path syscall
 * fail with ENOSYS, and PTRACE_O_EXITKILL kills them when we go), so
 * while there are some and the command runs, the first signal is passed
 * on to the command and the trace goes on to its end; a second one
 * stops sbtrace, and the kernel kills them.  Without ptrace, sbtrace
 * stops and the command runs on untraced.
 */
static void
on_stop_signal(struct collector *c, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	/* an attached process runs on without us: no filter was put in */
	if (c->forwarded == 0 && !c->attached && c->tracer != NULL &&
	    ptracer_ntasks(c->tracer) > 0 && !c->child_done && c->child > 0) {
		c->forwarded = sig;
		/* one from the terminal reached the process group already */
		if (si->ssi_code != SI_KERNEL && kill(c->child, sig) == -1 && errno != ESRCH)
			warn("passing SIG%s on to %s", sigabbrev_np(sig), c->command);
		warnx("SIG%s passed on to %s, traced to its end with ptrace (a second signal stops "
		      "sbtrace, and the kernel kills what it traces)",
		    sigabbrev_np(sig), c->command);
		return;
	}
	c->stop_signal = sig;
	c->stops++;
	/* ^C, or a hangup, reaches the command's process group too */
	c->group_signal = sig == SIGINT || si->ssi_code == SI_KERNEL;
}

static void
handle_signals(struct collector *c)
{
	struct signalfd_siginfo si;
	pid_t r;

	while (read(c->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD) {
			on_stop_signal(c, &si);
			continue;
		}
		/* As a subreaper we also inherit orphaned descendants:
		 * reap them all, keep the status of our own child. */
		for (;;) {
			int status;
			r = waitpid(-1, &status, WNOHANG | (c->tracer != NULL ? __WALL : 0));
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (c->tracer != NULL && ptracer_event(c->tracer, r, status))
				continue;
			if (r == c->child && !c->child_done && c->tracer_root &&
			    (c->exec_error = c->tracer != NULL
				    ? ptracer_exec_error(c->tracer)
				    : unotifier_exec_error(c->unotify))) {
				c->child_done = 1;
				c->child_status = status;
				continue;
			}
			if (r == c->child && !c->child_done) {
				times_mark(T_EXIT);
				c->child_done = 1;
				c->child_status = status;
				model_child_exit(c->model, status, now_realtime_ns());
			}
		}
	}
}

/* Does sbtrace still have children: descendants of the command that
 * were orphaned and reparented to us, live or not yet reaped? */
static int
have_children(void)
{
	siginfo_t si = { 0 };

	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static int
poll_timeout(int64_t commit_ns, int64_t linger_ns)
{
	int64_t t = commit_ns;

	if (linger_ns >= 0 && (t < 0 || linger_ns < t))
		t = linger_ns;
	if (t < 0)
		return -1;
	return (int)((t + 999999) / 1000000);
}

/* Collect until the command is done (and the linger is over) or a
 * signal tells sbtrace to stop. */
static void
collect(struct collector *c)
{
	struct pollfd pfd[3] = { { .fd = c->ch.fd, .events = POLLIN },
		{ .fd = c->sigfd, .events = POLLIN },
		{ .fd = c->unotify != NULL ? unotifier_fd(c->unotify) : -1, .events = POLLIN } };
	int64_t deadline = 0, next_check = 0, now, commit, linger = -1, stop_by = 0;

	for (;;) {
		now = now_mono_ns();
		commit = model_tick(c->model, now);
		check_db(c);
		if (c->stop_signal != 0) {
			/* A ^C reached the command's process group too: give it
			 * a moment to end, so the run says how it ended.  Not
			 * for a signal to sbtrace alone (kill PID), nor after a
			 * second one, nor when ptrace traces (the kernel kills
			 * its tracees when we go), nor for a process -p
			 * attached to, in no group of ours. */
			if (stop_by == 0)
				stop_by = now + STOP_GRACE_NS;
			if (c->child_done || now >= stop_by || !c->group_signal || c->stops > 1 ||
			    c->forwarded || c->attached) {
				drain(c);
				return;
			}
			linger = stop_by - now;
		} else if (c->child_done) {
			if (deadline == 0)
				deadline = now + opt_linger * 1000000000LL;
			drain(c);
			if (now >= deadline)
				return;
			if (now >= next_check) {
				if (!have_children() && !model_any_alive(c->model))
					return;
				next_check = now + LINGER_POLL_NS;
			}
			linger = next_check - now;
		}
		if (poll(pfd, 3, poll_timeout(commit, linger)) == -1 && errno != EINTR)
			err(1, "poll");
		if (pfd[2].revents & POLLIN)
			unotifier_handle(c->unotify);
		if (pfd[0].revents & POLLIN)
			batch_pause(c, drain(c));
		if (pfd[1].revents & POLLIN)
			handle_signals(c);
	}
}

static void
setup_signals(struct collector *c, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) == -1)
		err(1, "sigprocmask");
	c->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->sigfd == -1)
		err(1, "signalfd");
}

/* What a fatal error leaves behind is removed at exit. */
static struct channel *cleanup_ch;
static int cleanup_db; /* the empty file prepare_db() made */

static void
cleanup(void)
{
	char wal[PATH_MAX + 8];
	struct stat st;

	if (cleanup_ch != NULL)
		channel_close(cleanup_ch);
	/* a database that never got its schema is no database; one whose
	 * pages are all still in its WAL is */
	snprintf(wal, sizeof(wal), "%s-wal", opt_output);
	if (cleanup_db && stat(opt_output, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
	    (stat(wal, &st) == -1 || st.st_size == 0))
		(void)unlink(opt_output);
}

/* The FIFO and its lock, in the first private place that works. */
static void
open_channel(struct collector *c)
{
	char dir[PATH_MAX], abs[PATH_MAX], err[4096];
	const char *slash = strrchr(opt_output, '/');

	if (slash == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == opt_output ? 1 : (int)(slash - opt_output), opt_output);
	/* every traced process opens the FIFO by this path, from its own
	 * working directory: it must be absolute */
	if (realpath(dir, abs) == NULL)
		abs[0] = '\0';
	if (channel_open(&c->ch, abs, err, sizeof(err)) == -1)
		errx(1, "cannot make the trace channel: %s", err);
	cleanup_ch = &c->ch;
	if (atexit(cleanup) != 0)
		errx(1, "atexit");
}

/*
 * Make sure the database can be written before anything runs: an
 * existing one given with -a is checked and opened now; otherwise an
 * empty file takes the path, and the (slower) SQLite set-up waits for
 * begin_run(), which runs while the command already does.
 */
static void
prepare_db(struct collector *c)
{
	char msg[1024];

	if (opt_append) {
		if (db_open(&c->db, opt_output, 1, msg, sizeof(msg)) == -1)
			errx(1, "%s", msg);
	} else if (db_precreate(opt_output, msg, sizeof(msg)) == -1) {
		errx(1, "%s", msg);
	}
	cleanup_db = !opt_append;
}

/*
 * The command runs already: a database that cannot be set up now (a
 * full disk) leaves it to run on, traced into nothing, and waited for;
 * c->db_err says why.
 */
static void
begin_run(struct collector *c, const char *cmdjson, const char *cwd, int64_t start_ns)
{
	struct utsname un;
	struct db_run r = { .command = cmdjson,
		.cwd = cwd,
		.start_ns = start_ns,
		.backend = opt_backend,
		.all_calls = opt_all,
		.attached_pid = c->attached ? c->child : 0 };
	struct buf filter = { 0 };
	char msg[1024];

	if (uname(&un) == -1)
		err(1, "uname");
	r.host = un.nodename;
	if (filter_active(&opt_filter)) {
		if (filter_json(&opt_filter, &filter) == -1)
			err(1, NULL);
		r.filter = filter.p;
	}
	if (c->db == NULL && db_open(&c->db, opt_output, 1, msg, sizeof(msg)) == -1) {
		size_t n = strlen(opt_output);

		/* the messages name the file themselves */
		strlcpy(c->db_err,
		    strncmp(msg, opt_output, n) == 0 && strncmp(msg + n, ": ", 2) == 0 ? msg + n + 2
										       : msg,
		    sizeof(c->db_err));
		c->db = NULL;
		buf_free(&filter);
		return;
	}
	if (db_run_begin(c->db, &r, &c->run_id) == -1) {
		strlcpy(c->db_err, db_errmsg(c->db), sizeof(c->db_err));
		db_rollback(c->db);
		c->run_id = 0;
	}
	buf_free(&filter);
}

/* Remove a database this run created and put nothing in. */
static void
remove_db(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char name[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", opt_output, sfx[i]);
		(void)unlink(name);
	}
}

/*
 * The end of the run into its row, and everything closed.  Returns 0,
 * or -1 with why in err: the rows were kept up to the last commit.
 */
static int
close_db(struct collector *c, int failed, int has_exit, int exit_code, int sig, int interrupted,
    uint64_t events, char *err, size_t errlen)
{
	int rc = 0;

	if (c->db == NULL)
		return -1;
	if (failed)
		db_rollback(c->db);
	/* what it can, even after a failure: the end, status and events */
	if (c->run_id != 0 &&
	    (db_run_end(c->db, c->run_id, now_realtime_ns(), has_exit, exit_code, sig, interrupted,
		 events) == -1 ||
		db_commit(c->db) == -1)) {
		snprintf(err, errlen, "%s", db_errmsg(c->db));
		db_rollback(c->db);
		rc = -1;
	}
	/* after the run is whole: attribution failing loses no row */
	if (rc == 0 && !failed && c->run_id != 0 && opt_packages) {
		char why[512];

		if (packages_fill(c->db, c->run_id, &c->packages, why, sizeof(why)) == -1)
			warnx("--packages: no package attribution: %s", why);
	}
	if (db_close(c->db) == -1 && rc == 0) {
		snprintf(err, errlen, "closing the database failed");
		rc = -1;
	}
	c->db = NULL;
	return rc;
}

/* "1 process", "2 processes". */
static void
count(FILE *f, uint64_t n, const char *one, const char *many)
{
	fprintf(f, "%llu %s", (unsigned long long)n, n == 1 ? one : many);
}

/* The line sbtrace ends with, unless -q. */
static void
summary(const struct collector *c, const struct model_stats *ms)
{
	fputs("sbtrace: ", stderr);
	count(stderr, ms->processes, "process", "processes");
	fputs(", ", stderr);
	count(stderr, ms->accesses, "access", "accesses");
	fprintf(stderr, " recorded in %s (run %lld)", opt_output, (long long)c->run_id);
	if (filter_active(&opt_filter)) {
		fputs("; ", stderr);
		count(stderr, ms->filtered, "call", "calls");
		fputs(" filtered out", stderr);
	}
	if (c->attached && !c->child_done)
		fprintf(stderr, "; process %d detached", (int)c->child);
	if (opt_packages && c->packages.paths > 0)
		fprintf(stderr, "; %llu of %llu paths with their package",
		    (unsigned long long)c->packages.attributed,
		    (unsigned long long)c->packages.paths);
	fputc('\n', stderr);
}

/* Write the end of the run and return sbtrace's exit status. */
static int
finish(struct collector *c, int exec_error)
{
	const struct stream_stats *ss;
	const struct model_stats *ms;
	int status = c->child_status, code, has_exit = 0, sig = 0, failed, run_failed;
	char run_err[1024] = "";

	if (c->unotify != NULL) {
		int e;
		unsigned long long n = unotifier_unrecorded(c->unotify, &e),
				   r = unotifier_refused(c->unotify);
		if (n > 0)
			warnx(
			    "warning: the seccomp backend let %llu calls through unrecorded: %s%s",
			    n, strerror(e),
			    e == EMFILE ? " (raise the hard limit on open files, ulimit -Hn)" : "");
		if (r > 0)
			warnx(
			    "warning: the seccomp backend turned away %llu hand-overs for want of "
			    "file descriptors: those programs ran untraced (raise the hard limit "
			    "on open files, ulimit -Hn)",
			    r);
	}
	/* its socket is in the channel's directory; the keeper serves
	 * from now on what still runs */
	unotifier_free(c->unotify);
	c->unotify = NULL;
	stream_finish(c->stream);
	channel_close(&c->ch);
	ss = stream_stats(c->stream);
	if (exec_error != 0)
		code = exec_error == ENOENT ? 127 : 126;
	else if (c->stop_signal != 0 && !c->child_done)
		code = 128 + c->stop_signal;
	else if (WIFSIGNALED(status))
		code = 128 + (sig = WTERMSIG(status));
	else
		code = WEXITSTATUS(status);
	if (exec_error != 0 || (c->child_done && WIFEXITED(status)))
		has_exit = 1;
	/* as strace -p: the process's status is in the run's row, not ours */
	if (c->attached && c->stop_signal == 0)
		code = 0;
	failed = model_failed(c->model) || model_finish(c->model) == -1;
	run_failed = close_db(c, failed, has_exit,
			 exec_error != 0 ? code : (has_exit ? WEXITSTATUS(status) : 0), sig,
			 c->stop_signal, ss->records, run_err, sizeof(run_err)) == -1;
	if (ss->garbage > 0)
		warnx("trace stream: %llu bytes of garbage skipped, %llu false record headers "
		      "among them (bad checksum or cut short)",
		    (unsigned long long)ss->garbage, (unsigned long long)ss->bad);
	if (ss->dropped > 0 || ss->orphans > 0)
		warnx(
		    "trace stream: %llu fragmented messages lost (%llu bytes), %llu of them evicted "
		    "to hold at most %u unfinished ones in %u MiB (%llu bytes held at most); "
		    "%llu stray fragments",
		    (unsigned long long)ss->dropped, (unsigned long long)ss->dropped_bytes,
		    (unsigned long long)ss->evicted, STREAM_PENDING_MAX, STREAM_PENDING_BYTES >> 20,
		    (unsigned long long)ss->pending_peak, (unsigned long long)ss->orphans);
	ms = model_stats(c->model);
	if (ms->malformed > 0)
		warnx("%llu malformed messages ignored", (unsigned long long)ms->malformed);
	if (failed && ms->kept_processes == 0 && c->run_id == 0 && !opt_append) {
		/* nothing of the run is in it: no database is better than
		 * an empty one */
		remove_db();
		warnx("trace incomplete: %s: %s; nothing was kept, and %s was removed", opt_output,
		    model_errmsg(c->model), opt_output);
		return code;
	}
	if (failed || run_failed) {
		warnx("trace incomplete: %s: %s; kept %llu processes and %llu accesses (run %lld), "
		      "%llu of %llu messages not recorded%s%s",
		    opt_output, failed ? model_errmsg(c->model) : run_err,
		    (unsigned long long)ms->kept_processes, (unsigned long long)ms->kept_accesses,
		    (long long)c->run_id, (unsigned long long)(ms->messages - ms->kept_messages),
		    (unsigned long long)ms->messages,
		    failed && run_failed ? "; the run's end not written either: " : "",
		    failed && run_failed ? run_err : "");
		return code;
	}
	if (!opt_quiet && exec_error == 0)
		summary(c, ms);
	return code;
}

/*
 * Every record of the library goes to the model; in -b auto an exec of
 * a static binary also asks us to take the process over with ptrace
 * (preload/handover.c) before the model sees it.
 */
static void
on_message(void *ctx, const struct sb_hdr *hdr, const unsigned char *body, size_t len)
{
	struct collector *c = ctx;
	struct sb_exec e;

	if (c->tracer != NULL && hdr->type == SB_MSG_EXEC && (hdr->frag & SB_FRAG_FIRST) &&
	    len >= sizeof(e)) {
		memcpy(&e, body, sizeof(e));
		if ((e.mode & SB_M_STATIC) && !(e.mode & (SB_M_SETUID | SB_M_SPAWN)) &&
		    e.result == SB_EXEC_PENDING && hdr->tid != 0)
			ptracer_adopt(c->tracer, (pid_t)hdr->pid, (pid_t)hdr->tid);
	}
	model_message(c->model, hdr, body, len);
}

/*
 * Without /proc (not mounted, or masked) nothing can be recorded by
 * ptrace, which reads the tracees there, and the library records less:
 * no exe, no directory behind a descriptor.  -b ptrace refuses to run;
 * otherwise say what is missing, and -b auto leaves static programs
 * untraced, each with its warning.
 */
static int
check_proc(struct collector *c)
{
	char why[256];

	if (ptrace_proc_check(why, sizeof(why)) == 0)
		return 0;
	if (backend == BACKEND_PTRACE || backend == BACKEND_SECCOMP)
		errx(1,
		    "%s needs /proc to read the traced processes (%s); mount proc on /proc (a "
		    "container: do not mask it)%s",
		    opt_pid != 0		     ? "-p"
			: backend == BACKEND_SECCOMP ? "-b seccomp"
						     : "-b ptrace",
		    why, opt_pid != 0 ? "" : " or use -b preload");
	warnx("warning: /proc is not usable (%s): processes.exe stays empty and paths relative "
	      "to a directory descriptor are recorded without it%s; mount proc on /proc for a "
	      "full trace",
	    why, backend == BACKEND_AUTO ? ", and static programs are not traced" : "");
	if (backend == BACKEND_AUTO)
		snprintf(c->ptrace_why, sizeof(c->ptrace_why),
		    "the ptrace backend needs /proc (%s)", why);
	return -1;
}

/* The library's records so far, read before the seccomp backend tells
 * the model of a new image (unotifier_set_sync). */
static void
sync_fifo(void *ctx)
{
	drain(ctx);
}

/*
 * A static image left untraced: under -b auto without ptrace one
 * warning each; under -b preload, which the user chose, one hint for
 * the first (unless -q).
 */
static void
warn_untraced(void *ctx, uint32_t pid, const char *exe, uint32_t mode)
{
	struct collector *c = ctx;

	if (!(mode & SB_M_STATIC))
		return;
	if (backend == BACKEND_AUTO) {
		warnx("warning: %s (pid %u) is static and was not traced: %s", exe, pid,
		    c->ptrace_why);
	} else if (!(mode & SB_M_SETUID) && !c->said_static++) {
		warnx("hint: %s (pid %u) is static: LD_PRELOAD cannot enter it, so -b preload "
		      "records only its exec; -b auto (the default) or -b ptrace traces it "
		      "(processes with backend 'none' were not traced)",
		    exe, pid);
	}
}

/* Does exec'ing path change our identity (set-ID, file capabilities)?
 * The dynamic linker then ignores LD_PRELOAD, as preload/classify.c
 * says for the execs it sees. */
static int
is_setid(const char *path)
{
	struct stat st;
	char cap[64];

	if (path == NULL || stat(path, &st) == -1)
		return 0;
	return ((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getegid()) ||
	    getxattr(path, "security.capability", cap, sizeof(cap)) > 0;
}

/*
 * Before COMMAND runs (unless -q): say when nothing it does will be
 * recorded, which otherwise shows only as a trace of one row, or when
 * tracing changes what it can do.  ptraced: it starts under ptrace.
 */
static void
hint_command(const char *cmd, int setid, int is_static_exe, int ptraced)
{
	if (setid && ptraced)
		warnx("hint: %s is set-ID (or has file capabilities): under ptrace it runs without "
		      "its privilege",
		    cmd);
	else if (setid)
		warnx("hint: %s is set-ID (or has file capabilities): the dynamic linker ignores "
		      "LD_PRELOAD for it, so only its exec is recorded (-b ptrace traces it, "
		      "without its privilege)",
		    cmd);
	else if (backend == BACKEND_PRELOAD && is_static_exe)
		warnx("hint: %s is static: LD_PRELOAD cannot enter it, so -b preload records "
		      "only its exec; -b auto (the default) or -b ptrace traces it",
		    cmd);
}

/* The model, the stream and the read buffer, once the run has begun. */
static void
start_model(struct collector *c)
{
	if ((c->buf = malloc(READ_BUF)) == NULL)
		err(1, NULL);
	if ((c->model = model_new(c->db, c->run_id, opt_all)) == NULL ||
	    (c->stream = stream_new(on_message, c)) == NULL)
		err(1, NULL);
	if (c->db_err[0] != '\0')
		model_set_failed(c->model, c->db_err);
	if (model_set_own(c->model, c->lib, c->ch.dir) == -1)
		err(1, NULL);
	if (c->tracer != NULL)
		ptracer_set_model(c->tracer, c->model);
	if (c->unotify != NULL) {
		unotifier_set_model(c->unotify, c->model);
		unotifier_set_sync(c->unotify, sync_fifo, c);
	}
	if (filter_active(&opt_filter))
		model_set_filter(c->model, &opt_filter);
}

static void
end_collector(struct collector *c)
{
	ptracer_free(c->tracer);
	model_free(c->model);
	stream_free(c->stream);
	free(c->buf);
	filter_free(&opt_filter);
}

/*
 * sbtrace -p PID: the process and every thread of it are seized where
 * they are and followed, with their children, until it exits (and the
 * linger is over) or sbtrace is told to stop; then what is still
 * traced is detached and runs on.  The FIFO is made as for a command,
 * though nothing writes it, so that the loop is the same.
 */
static int
run_attached(struct collector *c)
{
	struct attach_target at;
	char cwd[PATH_MAX], why[1024], name[64];
	sigset_t oldmask;
	struct model_child mc = { .parent = getpid() };
	int code;

	/* no probe first: a refusal is explained from what refused */
	check_proc(c);
	if (attach_target(opt_pid, &at, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			err(1, NULL);
		errx(1, "%s", why);
	}
	snprintf(name, sizeof(name), "process %d", (int)at.pid);
	c->command = name;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		err(1, "getcwd");
	open_channel(c);
	prepare_db(c);
	setup_signals(c, &oldmask);
	if ((c->tracer = ptracer_new(0)) == NULL)
		err(1, NULL);
	mc.start_ns = now_realtime_ns();
	times_mark(T_SPAWN);
	if (attach_seize(c->tracer, at.pid, why, sizeof(why)) == -1) {
		/* -a: the database as it was, no -wal or -shm left */
		if (c->db != NULL)
			(void)db_close(c->db);
		errx(1, "%s", why);
	}
	c->child = at.pid;
	c->attached = 1;
	begin_run(c, at.argv.p, cwd, mc.start_ns);
	times_mark(T_DB);
	start_model(c);
	mc.pid = at.pid;
	mc.parent = at.ppid;
	mc.argv = at.argv.p;
	mc.exe = at.exe;
	mc.cwd = at.cwd;
	model_set_child(c->model, &mc);
	/* its START before any of its stops is handled: the root row */
	ptracer_seized_start(c->tracer, at.pid);
	collect(c);
	attach_detach(c->tracer);
	code = finish(c, 0);
	times_write();
	end_collector(c);
	attach_target_free(&at);
	return code;
}

int
main(int argc, char **argv)
{
	/* static: the atexit cleanup may still look at its channel */
	static struct collector c = { .sigfd = -1 };
	char lib[PATH_MAX], cwd[PATH_MAX], *exe;
	struct buf cmdjson = { 0 };
	sigset_t oldmask;
	int cmd, exec_error = 0, code, sh = 0, proc_ok, unotify;
	struct command_chain chain = { .n = 0 };
	char *found, why[256];

	/* a subcommand: sbtrace -- report traces a program named report */
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return report_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "packages") == 0)
		return packages_main(argc - 1, argv + 1);
	times_mark(T_MAIN);
	cmd = parse_options(argc, argv);
	if (opt_pid != 0)
		return run_attached(&c);
	c.command = argv[cmd];
	unotify = backend == BACKEND_SECCOMP;
	if (backend == BACKEND_AUTO || backend == BACKEND_PRELOAD)
		find_library(argv[0], lib, sizeof(lib));
	if (backend == BACKEND_PTRACE && ptrace_probe(c.ptrace_why, sizeof(c.ptrace_why)) == -1)
		errx(1, "ptrace not permitted: %s", c.ptrace_why);
	if (backend == BACKEND_SECCOMP && unotify_probe(why, sizeof(why)) == -1)
		errx(1,
		    "-b seccomp: seccomp user notification is not available: %s; use -b preload "
		    "or -b ptrace",
		    why);
	proc_ok = check_proc(&c) == 0;
	if (backend == BACKEND_AUTO && c.ptrace_why[0] == '\0') {
		char pwhy[sizeof(c.ptrace_why) - 32];

		if (ptrace_probe_quick(pwhy, sizeof(pwhy)) == -1)
			snprintf(c.ptrace_why, sizeof(c.ptrace_why), "ptrace not permitted: %s",
			    pwhy);
	}
	/* -b auto where ptrace is not permitted: static programs go to the
	 * seccomp backend, if it can be had */
	if (backend == BACKEND_AUTO && c.ptrace_why[0] != '\0' && proc_ok) {
		size_t n = strlen(c.ptrace_why);

		/* what the warnings then say of a static program left
		 * untraced: spawn-like calls are not handed over */
		if (unotify_probe(why, sizeof(why)) == 0 && (unotify = 1))
			snprintf(c.ptrace_why, sizeof(c.ptrace_why),
			    "ptrace is not permitted and it was not handed over to the seccomp "
			    "backend (posix_spawn, system and popen do not hand over, and a "
			    "hand-over may fail)");
		else
			snprintf(c.ptrace_why + n, sizeof(c.ptrace_why) - n,
			    "; and the seccomp backend cannot be used: %s", why);
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		err(1, "getcwd");
	found = command_find(argv[cmd], cwd);
	/* the file itself, for the record and the static check */
	exe = found != NULL ? realpath(found, NULL) : NULL;
	if (json_add_argv(&cmdjson, argv + cmd) == -1)
		err(1, NULL);
	/* the channel first: a failure then leaves no empty database */
	open_channel(&c);
	prepare_db(&c);
	if (backend == BACKEND_AUTO || backend == BACKEND_PRELOAD)
		set_child_env(lib, &c.ch);
	setup_signals(&c, &oldmask);
	if (unotify) {
		nofile_raise();
		/* its socket goes beside the FIFO: preload/unotify.c finds it */
		if ((c.unotify = unotifier_new(backend == BACKEND_AUTO, c.ch.dir)) == NULL)
			err(1, "seccomp backend");
		if (backend == BACKEND_AUTO &&
		    setenv(SB_ENV_UNOTIFY, unotifier_address(c.unotify), 1) == -1)
			err(1, "setenv");
	}
	if (backend == BACKEND_PTRACE || (backend == BACKEND_AUTO && c.ptrace_why[0] == '\0')) {
		char pid[32];

		if ((c.tracer = ptracer_new(backend == BACKEND_AUTO)) == NULL)
			err(1, NULL);
		/* preload/handover.c finds us here */
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (backend == BACKEND_AUTO && setenv(SB_ENV_PTRACER, pid, 1) == -1)
			err(1, "setenv");
	}
	struct model_child mc = { .parent = getpid(),
		.start_ns = now_realtime_ns(),
		.argv = cmdjson.p,
		.cwd = cwd };
	/* The command starts first; its records wait in the FIFO while
	 * the database is set up. */
	times_mark(T_SPAWN);
	/* each a look at the file: once */
	int static_exe = is_static(exe),
	    ptraced = c.tracer != NULL && (backend == BACKEND_PTRACE || static_exe);
	if (!opt_quiet)
		hint_command(argv[cmd], is_setid(exe), static_exe, ptraced);
	/* Orphaned descendants (daemons) become our children, so the
	 * linger policy and the tracers see them before they have reported
	 * anything. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		warn("prctl(PR_SET_CHILD_SUBREAPER)");
	if (ptraced) {
		c.child = ptracer_spawn(c.tracer, argv + cmd, &oldmask);
		if (c.child == -1)
			err(1, "starting %s", argv[cmd]);
		/* its execvp runs a script without "#!" with /bin/sh */
		c.tracer_root = 1;
	} else if (c.unotify != NULL && (backend == BACKEND_SECCOMP || static_exe)) {
		c.child = unotifier_spawn(c.unotify, argv + cmd, &oldmask);
		if (c.child == -1)
			err(1, "starting %s", argv[cmd]);
		c.tracer_root = 1;
	} else {
		if (backend == BACKEND_AUTO && c.ptrace_why[0] != '\0' && static_exe)
			warnx("warning: %s is static and is not traced: %s", argv[cmd],
			    c.ptrace_why);
		c.child = spawn_command(argv + cmd, &oldmask, &exec_error, &sh);
	}
	/* the command's exec rows: what it runs, as the kernel resolves it */
	if (found != NULL && c.child != -1 &&
	    command_chain(found, argv[cmd], cwd, sh || (c.tracer_root && command_needs_sh(found)),
		&chain) == -1)
		err(1, NULL);
	begin_run(&c, cmdjson.p, cwd, mc.start_ns);
	times_mark(T_DB);
	/* lib is found (and filled) only for the backends that preload it */
	c.lib = backend == BACKEND_AUTO || backend == BACKEND_PRELOAD ? lib : NULL;
	start_model(&c);
	if ((backend == BACKEND_AUTO && c.ptrace_why[0] != '\0') ||
	    (backend == BACKEND_PRELOAD && !opt_quiet))
		model_set_untraced_fn(c.model, warn_untraced, &c);
	mc.exe = exe;
	mc.execs = chain.e;
	mc.nexecs = chain.n;
	if (c.child == -1) {
		if (exec_error == ENOENT && strchr(argv[cmd], '/') == NULL)
			warnx("%s: command not found", argv[cmd]);
		else
			warnx("%s: %s", argv[cmd], strerror(exec_error));
	} else {
		mc.pid = c.child;
		model_set_child(c.model, &mc);
		collect(&c);
		if ((exec_error = c.exec_error) != 0) {
			if (exec_error == ENOENT && strchr(argv[cmd], '/') == NULL)
				warnx("%s: command not found", argv[cmd]);
			else
				warnx("%s: %s", argv[cmd], strerror(exec_error));
		}
	}
	code = finish(&c, exec_error);
	times_write();
	command_chain_free(&chain);
	free(found);
	end_collector(&c);
	free(exe);
	buf_free(&cmdjson);
	return code;
}
