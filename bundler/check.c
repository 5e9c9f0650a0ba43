/*
 * The empty-root run (sidebundle(1), CHECK): for each kept run,
 *
 *   sbtrace -q -b ptrace|preload -o W/run.db -- \
 *     bwrap --unshare-all --share-net --die-with-parent \
 *       --ro-bind PAYLOAD / --proc /proc --dev /dev --tmpfs /tmp \
 *       [--bind W W] [--dir CWD] --chdir CWD|/ \
 *       --unsetenv VAR... --setenv K V... -- ARGV...
 *
 * the command in the recorded environment, W a private directory under
 * /tmp.  The
 * sandbox holds the payload and nothing of the host: what the program
 * looks for and does not find there is in the trace as a failed access,
 * and what of it the host has is what the bundle lacks.  Under -b
 * preload the library must reach the collector from inside, so its
 * copy and the FIFO live in W, bound at the same path (sbtrace puts the
 * FIFO under TMPDIR and takes the library from SBTRACE_LIB).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "create.h"
#include "deps.h"
#include "imgcache.h"
#include "layout.h"
#include "manifest.h"
#include "payload.h"
#include "root.h"
#include "trace.h"
#include "userns.h"

#define CHECK_USAGE "usage: sidebundle check [-v] DIR/NAME\n"
#define CHECK_HELP                                                                                 \
	CHECK_USAGE                                                                                \
	"Run the commands the bundle was traced with again in an empty root made of its\n"         \
	"payload, and compare their exit status and output, and list what they missed.\n"          \
	"  -v          show each run's output as it comes, on standard error\n"                    \
	"  -h, --help  this help\n"

extern char **environ;

/* --- finding the tools --------------------------------------------------- */

/* name on PATH, resolved; NULL if not there. */
static char *
find_on_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dup = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *s = dup, *d;

	while (dup != NULL && (d = strsep(&s, ":")) != NULL) {
		char cand[PATH_MAX];
		struct stat st;
		snprintf(cand, sizeof cand, "%s/%s", *d ? d : ".", name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			free(dup);
			return realpath(cand, NULL);
		}
	}
	free(dup);
	return NULL;
}

/* libsbtrace.so as sbtrace finds it (sbtrace(1), FILES). */
static char *
find_lib(const char *sbtrace)
{
	const char *env = getenv("SBTRACE_LIB");
	char dir[PATH_MAX], cand[PATH_MAX + 64];

	if (env && env[0] == '/' && access(env, R_OK) == 0)
		return strdup(env);
	strlcpy(dir, sbtrace, sizeof dir);
	*strrchr(dir, '/') = '\0';
	snprintf(cand, sizeof cand, "%s/libsbtrace.so", dir);
	if (access(cand, R_OK) == 0)
		return strdup(cand);
	snprintf(cand, sizeof cand, "%s/../lib/sidebundle/libsbtrace.so", dir);
	if (access(cand, R_OK) == 0)
		return realpath(cand, NULL);
	if (access(SB_LIBDIR "/libsbtrace.so", R_OK) == 0)
		return strdup(SB_LIBDIR "/libsbtrace.so");
	return NULL;
}

/* The libraries libsbtrace.so needs besides the C library and the
 * loader (none but a sanitizer's runtime and what that needs in turn):
 * a payload need not have them, so under -b preload they go into W
 * with it. */
static void
lib_needs(struct checker *k)
{
	struct deps d = { 0 };
	struct deps_opts o = { NULL, NULL, NULL };
	char err[256];

	if (deps_analyse(&d, &o, k->lib, err, sizeof err) == 0) {
		for (size_t i = 0; i < d.n; i++) {
			const struct dep *x = &d.v[i];
			const char *b = x->path ? strrchr(x->path, '/') : NULL;
			int seen = 0;
			for (size_t j = 0; b != NULL && j < k->nneeds && !seen; j++)
				seen = strcmp(strrchr(k->needs[j], '/'), b) == 0;
			if (x->kind != DEP_NEEDED || b == NULL || seen ||
			    strncmp(b + 1, "libc.so", 7) == 0 || strncmp(b + 1, "ld-", 3) == 0)
				continue;
			char **v = reallocarray(k->needs, k->nneeds + 1, sizeof *v);
			if (v == NULL || (v[k->nneeds] = strdup(x->path)) == NULL) {
				k->needs = v ? v : k->needs;
				break;
			}
			k->needs = v;
			k->nneeds++;
		}
	}
	deps_free(&d);
}

int
checker_init(struct checker *k, char *err, size_t errlen)
{
	char why[512];
	struct outcome o;

	memset(k, 0, sizeof *k);
	k->ptrace = 1;
	const char *env = getenv("SIDEBUNDLE_BWRAP");
	k->bwrap = env && *env ? realpath(env, NULL) : find_on_path("bwrap");
	if (k->bwrap == NULL) {
		snprintf(err, errlen,
		    "bubblewrap, and %s: install it (Debian, Ubuntu: apt install bubblewrap; "
		    "Fedora: dnf install bubblewrap) or set SIDEBUNDLE_BWRAP to its path",
		    env && *env ? "SIDEBUNDLE_BWRAP names no file" : "bwrap is not on PATH");
		return -1;
	}
	if (sb_userns_refusal(k->bwrap, why, sizeof why) != NULL) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	/* the settings are not all there is (a container's seccomp
	 * profile, a missing capability): try one sandbox */
	char *probe[] = { k->bwrap, "--unshare-all", "--ro-bind", "/", "/", "--", "/bin/true",
		NULL };
	if (capture_run(probe, NULL, -1, &o) < 0 || o.status != 0) {
		size_t n = o.err.len;
		while (n > 0 && (o.err.buf[n - 1] == '\n' || o.err.buf[n - 1] == '\r'))
			n--;
		if (n > 0)
			snprintf(err, errlen, "a sandbox bwrap can make, and it cannot here: %.*s",
			    (int)n, (const char *)o.err.buf);
		else
			snprintf(err, errlen, "a sandbox bwrap can make, and it cannot here");
		outcome_free(&o);
		return -1;
	}
	outcome_free(&o);
	if ((k->sbtrace = trace_find_sbtrace()) == NULL) {
		snprintf(err, errlen, "sbtrace, and it is not next to sidebundle nor on PATH");
		return -1;
	}
	if ((k->lib = find_lib(k->sbtrace)) != NULL)
		lib_needs(k);
	return 0;
}

void
checker_free(struct checker *k)
{
	free(k->bwrap);
	free(k->sbtrace);
	free(k->lib);
	for (size_t i = 0; i < k->nneeds; i++)
		free(k->needs[i]);
	free(k->needs);
	memset(k, 0, sizeof *k);
}

/* --- one run --------------------------------------------------------------- */

struct args {
	char **v;
	size_t n;
};

static int
push(struct args *a, const char *s)
{
	char **v = reallocarray(a->v, a->n + 2, sizeof *v);
	if (v == NULL)
		return -1;
	a->v = v;
	if ((v[a->n] = strdup(s)) == NULL)
		return -1;
	v[++a->n] = NULL;
	return 0;
}

static void
args_free(struct args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* Copy src to dir/name (the preload library, into W). */
static int
copy_to(const char *src, const char *dir, const char *name)
{
	char dst[PATH_MAX], buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out, rc = -1;
	ssize_t n;

	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	while (out >= 0 && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			goto out;
	}
	rc = out >= 0 ? 0 : -1;
out:
	close(in);
	if (out >= 0 && close(out) < 0)
		rc = -1;
	return rc;
}

/* The recorded directory as the payload has it, or NULL. */
static char *
cwd_in_payload(const char *payload, const char *cwd)
{
	struct root r;
	char host[PATH_MAX];
	struct stat st;

	if (root_init(&r, payload) < 0)
		return NULL;
	char *real = root_realpath(&r, cwd);
	if (real != NULL &&
	    (root_host_path(&r, real, host, sizeof host) < 0 || stat(host, &st) < 0 ||
		!S_ISDIR(st.st_mode))) {
		free(real);
		real = NULL;
	}
	root_free(&r);
	return real;
}

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Does the record name variable kv's name (kv: "K=V" or "K")? */
static int
recorded(const struct runrec *r, const char *kv)
{
	size_t n = strcspn(kv, "=");

	for (size_t i = 0; i < r->nenv; i++)
		if (strncmp(r->env[i], kv, n) == 0 && r->env[i][n] == '=')
			return 1;
	return 0;
}

/*
 * The environment: sbtrace and bwrap run in ours (a sanitizer's
 * options, sbtrace's own settings), with TMPDIR and SBTRACE_LIB pointing
 * into w; bwrap gives the command the recorded one instead, every other
 * variable of ours unset (--unsetenv and --setenv: older bwraps have no
 * --clearenv).  Under -b preload the library puts its own variables
 * back at each exec, so the command stays traced.
 */
static int
environment(struct checker *k, const char *w, const struct runrec *r, struct args *a,
    struct args *env, int libpath)
{
	char buf[PATH_MAX + 32];

	for (char **e = environ; *e != NULL; e++) {
		size_t n = strcspn(*e, "=");
		if ((*e)[n] != '=' || n == 0 || n >= sizeof buf)
			continue;
		if (!((n == 6 && strncmp(*e, "TMPDIR", 6) == 0) ||
			(n == 11 && strncmp(*e, "SBTRACE_LIB", 11) == 0)) &&
		    push(env, *e) < 0)
			return -1;
		if (!recorded(r, *e)) {
			memcpy(buf, *e, n);
			buf[n] = '\0';
			if (push(a, "--unsetenv") < 0 || push(a, buf) < 0)
				return -1;
		}
	}
	if (push(a, "--unsetenv") < 0 || push(a, "TMPDIR") < 0 || push(a, "--unsetenv") < 0 ||
	    push(a, "SBTRACE_LIB") < 0)
		return -1;
	for (size_t i = 0; i < r->nenv; i++) {
		size_t n = strcspn(r->env[i], "=");
		if (n >= sizeof buf)
			continue;
		memcpy(buf, r->env[i], n);
		buf[n] = '\0';
		if (push(a, "--setenv") < 0 || push(a, buf) < 0 || push(a, r->env[i] + n + 1) < 0)
			return -1;
	}
	/* the library's own needs the payload lacks, copied into w */
	if (libpath &&
	    (push(a, "--setenv") < 0 || push(a, "LD_LIBRARY_PATH") < 0 || push(a, w) < 0))
		return -1;
	snprintf(buf, sizeof buf, "TMPDIR=%s", w);
	if (push(env, buf) < 0)
		return -1;
	snprintf(buf, sizeof buf, "SBTRACE_LIB=%s/libsbtrace.so", w);
	return !k->ptrace && push(env, buf) < 0 ? -1 : 0;
}

/* The sbtrace command line and its environment for one run. */
static int
command(struct checker *k, const char *payload, const char *w, const char *db,
    const struct runrec *r, struct args *a, struct args *env, int libpath, int *cwd_missing)
{
	char *cwd = cwd_in_payload(payload, r->cwd);
	/* under /tmp, a fresh tmpfs in the sandbox: an empty one is made */
	int in_tmp = cwd == NULL && under(r->cwd, "/tmp") && strcmp(r->cwd, "/tmp") != 0;
	int rc = -1;

	*cwd_missing = cwd == NULL && !in_tmp;
	const char *pre[] = { k->sbtrace, "-q", "-b", k->ptrace ? "ptrace" : "preload", "-o", db,
		"--", k->bwrap, "--unshare-all", "--share-net", "--die-with-parent", "--ro-bind",
		payload, "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp" };
	for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
		if (push(a, pre[i]) < 0)
			goto out;
	if (!k->ptrace && (push(a, "--bind") < 0 || push(a, w) < 0 || push(a, w) < 0))
		goto out;
	if (k->as_user) {
		char id[2][16];
		snprintf(id[0], sizeof id[0], "%u", k->uid);
		snprintf(id[1], sizeof id[1], "%u", k->gid);
		if (push(a, "--unshare-user") < 0 || push(a, "--uid") < 0 || push(a, id[0]) < 0 ||
		    push(a, "--gid") < 0 || push(a, id[1]) < 0)
			goto out;
	}
	if (in_tmp && (push(a, "--dir") < 0 || push(a, r->cwd) < 0))
		goto out;
	const char *dir = cwd ? cwd : in_tmp ? r->cwd : "/";
	if (push(a, "--chdir") < 0 || push(a, dir) < 0 ||
	    environment(k, w, r, a, env, libpath) < 0 || push(a, "--") < 0)
		goto out;
	for (size_t i = 0; i < r->argc; i++)
		if (push(a, r->argv[i]) < 0)
			goto out;
	rc = 0;
out:
	if (rc < 0)
		warn(NULL);
	free(cwd);
	return rc;
}

/* Failed lookups that say nothing of the bundle: the kernel's and the
 * session's trees (mounted fresh or not at all), the loader's cache and
 * preload list (it does without: it searches the payload's default
 * directories). */
static int
ignored(const char *path)
{
	static const char *const sys[] = { "/proc", "/sys", "/dev", "/run", "/tmp" };

	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (under(path, sys[i]))
			return 1;
	return strcmp(path, "/etc/ld.so.cache") == 0 || strcmp(path, "/etc/ld.so.preload") == 0;
}

/*
 * The paths the run looked for and did not find, but bwrap's own (its
 * set-up: /newroot, /oldroot, the host's cwd).  glibc tries the locale
 * archive before the locale's directory: a missing archive says nothing
 * when the run then read a locale directory.
 */
static const char sql_missing[] =
    "SELECT DISTINCT a.path FROM accesses a JOIN processes p ON p.id = a.process_id"
    " WHERE a.result = 2 AND p.exe IS NOT ?1"
    "  AND a.op IN ('open', 'stat', 'access', 'readlink', 'realpath', 'exec', 'opendir',"
    "   'chdir', 'dlopen', 'load', 'search')"
    "  AND NOT (a.path = '/usr/lib/locale/locale-archive' AND EXISTS (SELECT 1 FROM accesses b"
    "   WHERE b.process_id = a.process_id AND b.result = 0"
    "    AND b.path LIKE '/usr/lib/locale/%/%'))"
    " ORDER BY a.path";

static int
push_str(char ***v, size_t *n, const char *s)
{
	char **p = reallocarray(*v, *n + 1, sizeof *p);
	if (p == NULL)
		return -1;
	*v = p;
	if ((p[*n] = strdup(s)) == NULL)
		return -1;
	++*n;
	return 0;
}

static int
read_missing(struct checker *k, const char *db, int hostfd, struct check_result *res)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, sql_missing, -1, &st, NULL) != SQLITE_OK) {
		warnx("%s: %s", db, sqlite3_errmsg(h));
		goto out;
	}
	sqlite3_bind_text(st, 1, k->bwrap, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		struct stat sb;
		if (p == NULL || p[0] != '/' || p[1] == '\0' || ignored(p) ||
		    fstatat(hostfd, p + 1, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (push_str(&res->missing, &res->nmissing, p) < 0) {
			warn(NULL);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		warnx("%s: %s", db, sqlite3_errmsg(h));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

static int
same_capture(const struct capture *a, const struct capture *b)
{
	return a->size == b->size && strcmp(a->sha, b->sha) == 0;
}

/* The audit module next to the library, when there is one (sbtrace
 * falls back to the library itself for LD_AUDIT). */
static int
copy_audit(const struct checker *k, const char *w)
{
	char audit[PATH_MAX];

	strlcpy(audit, k->lib, sizeof audit);
	char *slash = strrchr(audit, '/');
	if (slash == NULL)
		return 0;
	strlcpy(slash + 1, "libsbtrace-audit.so", sizeof audit - (size_t)(slash + 1 - audit));
	return access(audit, R_OK) == 0 ? copy_to(audit, w, "libsbtrace-audit.so") : 0;
}

/* Copy into w the libraries the preload library needs that the payload
 * lacks; 1 when there were any (the command gets LD_LIBRARY_PATH=w), 0,
 * or -1. */
static int
copy_needs(const struct checker *k, const char *payload, const char *w)
{
	struct root r;
	int n = 0;

	if (k->nneeds == 0 || root_init(&r, payload) < 0)
		return 0;
	for (size_t i = 0; i < k->nneeds; i++) {
		char *have = root_realpath(&r, k->needs[i]);
		if (have != NULL) {
			free(have);
			continue;
		}
		if (copy_to(k->needs[i], w, strrchr(k->needs[i], '/') + 1) < 0) {
			warn("check: copying %s", k->needs[i]);
			root_free(&r);
			return -1;
		}
		n++;
	}
	root_free(&r);
	return n > 0;
}

/* Run r in payload traced into db, its output into o (copied to echo
 * when >= 0); 1 when the trace did not start (ptrace refused: try
 * again with the library). */
static int
run_traced(struct checker *k, const char *payload, const char *w, const char *db,
    const struct runrec *r, struct outcome *o, int echo, int *cwd_missing)
{
	struct args a = { 0 }, env = { 0 };
	int rc = -1;

	if (!k->ptrace && k->lib == NULL) {
		warnx("check: ptrace is not permitted here and libsbtrace.so was not found");
		return -1;
	}
	if (!k->ptrace && (copy_to(k->lib, w, "libsbtrace.so") < 0 || copy_audit(k, w) < 0)) {
		warn("check: copying %s", k->lib);
		return -1;
	}
	int libpath = !k->ptrace ? copy_needs(k, payload, w) : 0;
	if (libpath < 0)
		return -1;
	if (command(k, payload, w, db, r, &a, &env, libpath, cwd_missing) < 0)
		goto out;
	if (capture_run(a.v, env.v, echo, o) < 0)
		goto out;
	if (!trace_recorded(db)) {
		if (k->ptrace && !k->ptrace_only && !sb_interrupted) {
			rc = 1;
			goto out;
		}
		warnx("check: %s: the empty-root run could not be traced: %.*s", r->label,
		    (int)o->err.len, (const char *)o->err.buf);
		goto out;
	}
	rc = 0;
out:
	args_free(&a);
	args_free(&env);
	return rc;
}

/* One attempt with the current backend; 1 when the trace did not start
 * (ptrace refused: try again with the library). */
static int
attempt(struct checker *k, const char *payload, const char *w, int hostfd, const struct runrec *r,
    struct check_result *res)
{
	char db[PATH_MAX];

	snprintf(db, sizeof db, "%s/run.db", w);
	int rc = run_traced(k, payload, w, db, r, &res->o, k->verbose ? STDERR_FILENO : -1,
	    &res->cwd_missing);
	if (rc != 0)
		return rc;
	res->same_status = res->o.status == r->o.status;
	res->same_out = same_capture(&res->o.out, &r->o.out);
	res->same_err = same_capture(&res->o.err, &r->o.err);
	return read_missing(k, db, hostfd, res);
}

/* The sandbox's own rows are not the command's: bwrap's set-up
 * (/newroot, /oldroot, the host's cwd) goes, and the run's working
 * directory is the one inside. */
static int
drop_sandbox(struct checker *k, const char *db, const char *cwd)
{
	static const char sql[] =
	    "DELETE FROM accesses WHERE process_id IN (SELECT id FROM processes WHERE exe = ?1);"
	    "UPDATE runs SET cwd = ?2;";
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	const char *tail = sql;
	int rc = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(h, 5000);
	while (tail && *tail) {
		if (sqlite3_prepare_v2(h, tail, -1, &st, &tail) != SQLITE_OK)
			goto out;
		if (st == NULL)
			break;
		sqlite3_bind_text(st, 1, k->bwrap, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_text(st, 2, cwd, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = 0;
out:
	if (rc < 0)
		warnx("%s: %s (%d)", db, sqlite3_errmsg(h), sqlite3_extended_errcode(h));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

int
check_trace(struct checker *k, const char *root, const struct runrec *r, const char *db,
    struct outcome *o)
{
	char w[] = "/tmp/sidebundle-check.XXXXXX";
	int rc, cwd_missing = 0;

	memset(o, 0, sizeof *o);
	for (;;) {
		if (mkdtemp(w) == NULL) {
			warn("%s", w);
			return -1;
		}
		rc = run_traced(k, root, w, db, r, o, STDERR_FILENO, &cwd_missing);
		if (tree_remove(AT_FDCWD, w) < 0)
			warn("%s", w);
		if (rc != 1)
			break;
		/* ptrace is not permitted: the library traces inside */
		outcome_free(o);
		k->ptrace = 0;
		memcpy(w + sizeof w - 7, "XXXXXX", 6);
		static const char *const sfx[] = { "", "-wal", "-shm" };
		for (int i = 0; i < 3; i++) {
			char f[PATH_MAX];
			snprintf(f, sizeof f, "%s%s", db, sfx[i]);
			unlink(f);
		}
	}
	if (rc == 0 && cwd_missing)
		warnx("warning: %s: the image has no directory %s: traced in /", r->label, r->cwd);
	if (rc == 0 && drop_sandbox(k, db, cwd_missing ? "/" : r->cwd) < 0)
		rc = -1;
	if (rc < 0)
		outcome_free(o);
	return rc;
}

int
check_run(struct checker *k, const char *payload, int hostfd, const struct runrec *r,
    struct check_result *res)
{
	char w[] = "/tmp/sidebundle-check.XXXXXX";
	int rc;

	memset(res, 0, sizeof *res);
	for (;;) {
		if (mkdtemp(w) == NULL) {
			warn("check: %s", w);
			return -1;
		}
		rc = attempt(k, payload, w, hostfd, r, res);
		if (tree_remove(AT_FDCWD, w) < 0)
			warn("check: removing %s", w);
		if (rc != 1)
			break;
		/* ptrace is not permitted: the library traces inside */
		outcome_free(&res->o);
		k->ptrace = 0;
		memcpy(w + sizeof w - 7, "XXXXXX", 6);
	}
	if (rc < 0)
		check_result_free(res);
	return rc;
}

void
check_result_free(struct check_result *res)
{
	outcome_free(&res->o);
	for (size_t i = 0; i < res->nmissing; i++)
		free(res->missing[i]);
	free(res->missing);
	memset(res, 0, sizeof *res);
}

int
check_same(const struct check_result *res)
{
	return res->same_status && res->same_out && res->same_err && res->nmissing == 0;
}

/* --- reporting ------------------------------------------------------------- */

/* Line text of buf[0..len) starting at off, printable, at most 72. */
static void
excerpt(char *out, size_t size, const unsigned char *buf, size_t len, size_t off)
{
	size_t o = 0;

	for (size_t i = off; i < len && buf[i] != '\n' && o + 4 < size && o < 72; i++)
		out[o++] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?';
	out[o] = '\0';
}

static void
print_output_diff(FILE *f, const char *prefix, const char *label, const char *what,
    const struct capture *now, const struct capture *then)
{
	size_t n = now->len < then->len ? now->len : then->len, i = 0, line = 1, start = 0;

	while (i < n && now->buf[i] == then->buf[i]) {
		if (now->buf[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	if (i == n && (now->len < now->size || then->len < then->size)) {
		/* the difference is beyond what the bundle keeps */
		fprintf(f, "%s%s: %s differs: %llu bytes (traced: %llu bytes)\n", prefix, label,
		    what, (unsigned long long)now->size, (unsigned long long)then->size);
		return;
	}
	char a[80], b[80];
	excerpt(a, sizeof a, now->buf, now->len, start);
	excerpt(b, sizeof b, then->buf, then->len, start);
	fprintf(f, "%s%s: %s differs at line %zu: %s%s%s (traced: %s%s%s)\n", prefix, label, what,
	    line, i < now->len ? "\"" : "", i < now->len ? a : "end of output",
	    i < now->len ? "\"" : "", i < then->len ? "\"" : "",
	    i < then->len ? b : "end of output", i < then->len ? "\"" : "");
}

void
check_print_diffs(FILE *f, const char *prefix, const struct runrec *r,
    const struct check_result *res)
{
	if (res->cwd_missing && !check_same(res))
		fprintf(f, "%s%s: ran in / (the bundle has no %s)\n", prefix, r->label, r->cwd);
	if (!res->same_status)
		fprintf(f, "%s%s: exit status %d (traced: %d)\n", prefix, r->label, res->o.status,
		    r->o.status);
	if (!res->same_out)
		print_output_diff(f, prefix, r->label, "stdout", &res->o.out, &r->o.out);
	if (!res->same_err)
		print_output_diff(f, prefix, r->label, "stderr", &res->o.err, &r->o.err);
}

/* --- the command ----------------------------------------------------------- */

static void
on_signal(int sig)
{
	sb_interrupted = sig;
}

int
cmd_check(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct checker k;
	struct runrecs rr;
	char why[1024], payload[PATH_MAX];
	int ch, verbose = 0, differ = 0, hostfd;

	while ((ch = getopt_long(argc, argv, "+hv", lo, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(CHECK_HELP, stdout);
			return 0;
		case 'v':
			verbose = 1;
			break;
		default:
			fputs(CHECK_USAGE, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(CHECK_USAGE, stderr);
		return 2;
	}
	const char *dir = argv[optind];
	char *real = realpath(dir, NULL);
	int bfd = real ? open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (bfd < 0)
		err(1, "%s", dir);
	if (faccessat(bfd, SB_LAYOUT_MANIFEST, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		errx(1, "%s: not a bundle (no %s)", dir, SB_LAYOUT_MANIFEST);
	/* a bundle of an image: its runs ran as the image's User */
	struct manifest mf;
	int as_user = 0;
	unsigned ids[2] = { 0, 0 };
	char *host = NULL;
	if (manifest_read(&mf, bfd, MF_HEADER, why, sizeof why) == 0) {
		const char *u = mf.image && mf.nentries > 0 ? mf.entries[0].user : NULL;
		char *base = mf.image ? imgcache_base() : NULL;
		/* what "the host has" is what the image has, while it is
		 * in the cache */
		if (base && strncmp(mf.image_digest, "sha256:", 7) == 0 &&
		    asprintf(&host, "%s/sha256/%s/rootfs", base, mf.image_digest + 7) < 0)
			host = NULL; /* what asprintf leaves there is undefined */
		if (host != NULL && access(host, F_OK) < 0) {
			warnx("warning: %s is not in the cache (%s): missing paths are those this "
			      "host has",
			    mf.image, host);
			free(host);
			host = NULL;
		}
		free(base);
		char *end;
		as_user = u != NULL;
		for (int i = 0; u != NULL && i < 2; i++) {
			ids[i] = (unsigned)strtoul(u, &end, 10);
			u = *end == ':' ? end + 1 : NULL;
		}
		manifest_free(&mf);
	}
	if (runrecs_read(&rr, bfd, why, sizeof why) < 0) {
		if (errno == ENOENT)
			errx(1,
			    "%s: the bundle keeps no traced runs to check (it was made without "
			    "::trace= or --trace, or by an older sidebundle)",
			    dir);
		errx(1, "%s/%s", dir, why);
	}
	close(bfd);
	if (snprintf(payload, sizeof payload, "%s/%s", real, SB_LAYOUT_PAYLOAD) >=
	    (int)sizeof payload)
		errx(1, "%s: path too long", dir);
	free(real);
	if (checker_init(&k, why, sizeof why) < 0)
		errx(1, "check needs %s", why);
	k.verbose = verbose;
	k.as_user = as_user;
	k.uid = ids[0];
	k.gid = ids[1];
	if ((hostfd = open(host ? host : "/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		err(1, "%s", host ? host : "/");
	free(host);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		err(1, "sigaction");
	for (size_t i = 0; i < rr.n && !sb_interrupted; i++) {
		struct check_result res;
		if (check_run(&k, payload, hostfd, &rr.v[i], &res) < 0)
			exit(1);
		check_print_diffs(stdout, "", &rr.v[i], &res);
		/* escaped as in the manifest, as verify does: one line each */
		for (size_t m = 0; m < res.nmissing; m++) {
			char *e = mf_escape(res.missing[m]);
			printf("%s: missing: %s\n", rr.v[i].label, e ? e : res.missing[m]);
			free(e);
		}
		differ += !check_same(&res);
		check_result_free(&res);
	}
	close(hostfd);
	checker_free(&k);
	size_t n = rr.n;
	runrecs_free(&rr);
	if (sb_interrupted) {
		signal(sb_interrupted, SIG_DFL);
		raise(sb_interrupted);
	}
	if (differ) {
		fflush(stdout);
		fprintf(stderr, "sidebundle: %s: %d of %zu run%s differ%s in an empty root\n", dir,
		    differ, n, n == 1 ? "" : "s", differ == 1 ? "s" : "");
		return 1;
	}
	printf("ok: %zu run%s the same in an empty root\n", n, n == 1 ? "" : "s");
	return 0;
}
