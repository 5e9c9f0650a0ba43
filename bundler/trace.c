#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "schema.h"
#include "trace.h"

char *
trace_find_sbtrace(void)
{
	char self[PATH_MAX], cand[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(cand, sizeof cand, "%s/sbtrace", self);
			if (access(cand, X_OK) == 0)
				return strdup(cand);
		}
	}
	const char *path = getenv("PATH");
	char *dup = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = dup, *dir;
	while (dup && (dir = strsep(&save, ":")) != NULL) {
		snprintf(cand, sizeof cand, "%s/sbtrace", *dir ? dir : ".");
		if (access(cand, X_OK) == 0) {
			free(dup);
			return strdup(cand);
		}
	}
	free(dup);
	errno = ENOENT;
	return NULL;
}

/* Did sbtrace record a finished run in db?  Tells "the traced command
 * failed" (a warning) from "the trace itself failed" (an error). */
static int
run_recorded(const char *db)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int ok = 0;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h,
		"SELECT count(*) FROM runs WHERE end_ns IS NOT NULL"
		" AND (exit_code IS NOT NULL OR signal IS NOT NULL)",
		-1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	sqlite3_close(h);
	return ok;
}

int
trace_run(const char *sbtrace, const char *backend, const char *db, char *const argv[])
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **av = calloc(n + 9, sizeof *av);
	if (av == NULL)
		return -1;
	size_t k = 0;
	av[k++] = (char *)sbtrace;
	av[k++] = "-q";
	av[k++] = "-b";
	av[k++] = (char *)backend;
	av[k++] = "-o";
	av[k++] = (char *)db;
	av[k++] = "--";
	for (size_t i = 0; i < n; i++)
		av[k++] = argv[i];
	av[k] = NULL;

	pid_t pid = fork();
	if (pid < 0) {
		warn("fork");
		free(av);
		return -1;
	}
	if (pid == 0) {
		/* a program waiting for input (a REPL) must not hang the
		 * build: the trace reads from /dev/null */
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(126);
		execv(sbtrace, av);
		warn("%s", sbtrace);
		_exit(127);
	}
	free(av);
	int status;
	for (;;) {
		if (waitpid(pid, &status, 0) >= 0)
			break;
		if (errno != EINTR) {
			warn("waitpid");
			return -1;
		}
		if (sb_interrupted)
			kill(pid, SIGTERM);
	}
	if (sb_interrupted)
		return -1;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!run_recorded(db)) {
		warnx("tracing %s failed (sbtrace exit status %d)", argv[0], code);
		return -1;
	}
	if (code != 0)
		warnx("warning: traced command %s exited with status %d; its trace is used anyway",
		    argv[0], code);
	return 0;
}

/* --- reading --------------------------------------------------------- */

struct reader {
	const char *db;
	sqlite3 *h;
};

static int
dberr(struct reader *r, const char *what)
{
	warnx("%s: %s: %s (%d)", r->db, what, sqlite3_errmsg(r->h), sqlite3_extended_errcode(r->h));
	return -1;
}

static int
pragma_int(struct reader *r, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->h, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(r, sql);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : dberr(r, sql);
}

/* Refuse what sbtrace-db(5) tells readers to refuse. */
static int
check_db(struct reader *r)
{
	int app = 0, ver = 0;

	if (pragma_int(r, "PRAGMA application_id", &app) < 0)
		return -1;
	if (app != SB_DB_APPLICATION_ID) {
		warnx("%s: not an sbtrace database (application_id %d)", r->db, app);
		return -1;
	}
	if (pragma_int(r, "PRAGMA user_version", &ver) < 0)
		return -1;
	if (ver < 1 || ver > SB_DB_VERSION) {
		warnx("%s: sbtrace database version %d, this sidebundle reads %d", r->db, ver,
		    SB_DB_VERSION);
		return -1;
	}
	return 0;
}

/* Paths the traced commands made: outputs, not inputs.  A path counts as
 * made when the first successful access to it in its run created it. */
static const char sql_created[] =
    "WITH s AS (SELECT p.run_id, a.path, a.op, a.mode, a.ts_ns, a.id"
    "  FROM accesses a JOIN processes p ON p.id = a.process_id WHERE a.result = 0),"
    " f AS (SELECT run_id, path, min(ts_ns) AS t FROM s GROUP BY run_id, path)"
    " SELECT DISTINCT s.path FROM s JOIN f ON f.run_id = s.run_id AND f.path = s.path"
    "  AND s.ts_ns = f.t"
    " WHERE (s.mode & " SB_SQL_INT(
	SB_M_CREATE) ") OR s.op IN ('mkdir', 'symlink')"
		     "  OR (s.op IN ('link', 'rename') AND (s.mode & " SB_SQL_INT(
			 SB_M_NEWPATH) "))";

/* Every successful use that can pull a path in; the choice per row is
 * made in C.  Sorted so that messages come in a stable order. */
static const char sql_used[] = "SELECT a.path, a.op, max(a.mode & " SB_SQL_INT(
    SB_M_NOFOLLOW) "),"
		   " max(a.mode & " SB_SQL_INT(
		       SB_M_READ) ")"
				  " FROM accesses a WHERE a.result = 0"
				  "  AND a.op IN ('exec', 'load', 'dlopen', 'open', 'opendir', 'chdir', 'stat',"
				  "   'access', 'readlink', 'realpath')"
				  " GROUP BY a.path, a.op ORDER BY a.path, a.op";

static int
load_created(struct reader *r, struct closure *c)
{
	sqlite3_stmt *st;
	int rc, added;

	if (sqlite3_prepare_v2(r->h, sql_created, -1, &st, NULL) != SQLITE_OK)
		return dberr(r, "reading created paths");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		if (p && strmap_put(&c->created, p, 0, &added) == NULL) {
			sqlite3_finalize(st);
			warn("%s", r->db);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dberr(r, "reading created paths");
}

static int
add_elf(struct trace_result *tr, const char *path)
{
	for (size_t i = 0; i < tr->nelves; i++)
		if (strcmp(tr->elves[i], path) == 0)
			return 0;
	char **v = reallocarray(tr->elves, tr->nelves + 1, sizeof *v);
	if (v == NULL)
		return -1;
	tr->elves = v;
	if ((v[tr->nelves] = strdup(path)) == NULL)
		return -1;
	tr->nelves++;
	return 0;
}

/*
 * What one use asks for.  Contents read (exec, load, dlopen, open for
 * reading): the object.  A directory listed or entered, or a stat or
 * access that followed links: the object too, which is a directory entry
 * alone for a directory.  lstat, readlink, realpath: the chain of links
 * only, so `ls -l /usr/bin` (which lstats every entry) does not copy
 * /usr/bin.  -1: the row asks for nothing.
 */
static int
how_for(const char *op, int nofollow, int read)
{
	if (strcmp(op, "exec") == 0 || strcmp(op, "load") == 0 || strcmp(op, "dlopen") == 0 ||
	    strcmp(op, "opendir") == 0 || strcmp(op, "chdir") == 0)
		return HOW_OBJECT;
	if (strcmp(op, "open") == 0)
		return read ? HOW_OBJECT : -1;
	if (strcmp(op, "stat") == 0 || strcmp(op, "access") == 0)
		return nofollow ? HOW_CHAIN : HOW_OBJECT;
	return HOW_CHAIN;
}

static int
load_used(struct reader *r, struct closure *c, struct trace_result *tr)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->h, sql_used, -1, &st, NULL) != SQLITE_OK)
		return dberr(r, "reading accesses");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		const char *op = (const char *)sqlite3_column_text(st, 1);
		int how;
		if (p == NULL || op == NULL ||
		    (how = how_for(op, sqlite3_column_int(st, 2), sqlite3_column_int(st, 3))) < 0)
			continue;
		if (p[0] != '/') {
			warnx("%s: path %s is not absolute, ignored", r->db, p);
			continue;
		}
		int added = closure_add(c, p, OR_TRACE, (enum how)how, 0);
		if (added < 0)
			goto fail;
		if (added == 0 &&
		    (strcmp(op, "exec") == 0 || strcmp(op, "load") == 0 ||
			strcmp(op, "dlopen") == 0)) {
			const char *b = strrchr(p, '/');
			if (add_elf(tr, p) < 0) {
				warn("%s", r->db);
				goto fail;
			}
			if (strncmp(b + 1, "libnss_", 7) == 0)
				tr->nss = 1;
		}
		if (sb_interrupted)
			goto fail;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dberr(r, "reading accesses");
fail:
	sqlite3_finalize(st);
	return -1;
}

int
trace_read_db(struct closure *c, const char *db, struct trace_result *tr, int phase)
{
	struct reader r = { db, NULL };
	int rc = -1;
	struct stat st;

	/* sqlite would create a missing file; say what is wrong instead */
	if (stat(db, &st) < 0) {
		warn("%s", db);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("%s: not a regular file", db);
		return -1;
	}
	if (sqlite3_open_v2(db, &r.h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		dberr(&r, "open");
		goto out;
	}
	sqlite3_busy_timeout(r.h, 5000);
	if (check_db(&r) < 0 || (phase == 0 ? load_created(&r, c) : load_used(&r, c, tr)) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_close(r.h);
	return rc;
}

void
trace_result_free(struct trace_result *tr)
{
	for (size_t i = 0; i < tr->nelves; i++)
		free(tr->elves[i]);
	free(tr->elves);
	memset(tr, 0, sizeof *tr);
}
