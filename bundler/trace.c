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

/* Tells "the traced command failed" (a warning) from "the trace itself
 * failed" (an error). */
int
trace_recorded(const char *db)
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
trace_run(const char *sbtrace, const char *backend, const char *db, char *const argv[],
    struct outcome *o)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **av = calloc(n + 9, sizeof *av);
	if (av == NULL) {
		warn(NULL);
		return -1;
	}
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
	int rc = capture_run(av, NULL, STDERR_FILENO, o);
	free(av);
	if (rc < 0 || sb_interrupted)
		return -1;
	if (!trace_recorded(db)) {
		warnx("tracing %s failed (sbtrace exit status %d): its messages are above; "
		      "--trace-backend off bundles without a trace",
		    argv[0], o->status);
		return -1;
	}
	if (o->status != 0)
		warnx("warning: traced command %s exited with status %d; its trace is used anyway "
		      "(its output is above: if that run is not the one meant, change ::trace= or "
		      "--trace)",
		    argv[0], o->status);
	return 0;
}

/* --- reading --------------------------------------------------------- */

/* The newest schema this reader knows: version 2 added processes.env.
 * It reads every older one too (sbtrace-db(5): readers must). */
#define TRACE_DB_NEWEST (SB_DB_VERSION > 2 ? SB_DB_VERSION : 2)

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
	if (ver < 1 || ver > TRACE_DB_NEWEST) {
		warnx("%s: sbtrace database version %d, this sidebundle reads 1 to %d", r->db, ver,
		    TRACE_DB_NEWEST);
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

/* Every successful use that can pull a path in, with the first process
 * that made it (for the why file: "traced open by pid 1234 python3");
 * the choice per row is made in C.  Sorted so that messages come in a
 * stable order. */
static const char sql_used[] =
    "SELECT u.path, u.op, u.nf, u.rd, p.pid, p.exe,"
    "  CASE WHEN json_valid(p.argv) THEN json_extract(p.argv, '$[0]') END"
    " FROM (SELECT a.path, a.op, max(a.mode & " SB_SQL_INT(
	SB_M_NOFOLLOW) ") AS nf,"
		       "   max(a.mode & " SB_SQL_INT(
			   SB_M_READ) ") AS rd, min(a.process_id) AS pr"
				      "  FROM accesses a WHERE a.result = 0"
				      "   AND a.op IN ('exec', 'load', 'dlopen', 'open', 'opendir', 'chdir', 'stat',"
				      "    'access', 'readlink', 'realpath')"
				      "  GROUP BY a.path, a.op) u"
				      " LEFT JOIN processes p ON p.id = u.pr ORDER BY u.path, u.op";

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

/* Add s to v[0..n) unless it is there. */
static int
add_once(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
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
add_elf(struct trace_result *tr, const char *path)
{
	return add_once(&tr->elves, &tr->nelves, path);
}

static int
load_cwds(struct reader *r, struct trace_result *tr)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->h, "SELECT DISTINCT cwd FROM runs WHERE cwd IS NOT NULL", -1, &st,
		NULL) != SQLITE_OK)
		return dberr(r, "reading the runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		if (p != NULL && p[0] == '/' && add_once(&tr->cwds, &tr->ncwds, p) < 0) {
			sqlite3_finalize(st);
			warn("%s", r->db);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dberr(r, "reading the runs");
}

/* Does processes have column col (a later schema's)? */
static int
has_column(struct reader *r, const char *col)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(r->h, "SELECT 1 FROM pragma_table_info('processes') WHERE name = ?",
		-1, &st, NULL) != SQLITE_OK)
		return dberr(r, "reading the schema");
	sqlite3_bind_text(st, 1, col, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/*
 * The environment the traced processes had (schema 2: processes.env, a
 * JSON object of the variables that change what glibc reads), each
 * K=V once over all of them.  A process without it (schema 1, or a
 * process whose environment could not be read) makes it unknown.
 */
static int
load_env(struct reader *r, struct trace_result *tr)
{
	static const char sql[] =
	    "SELECT DISTINCT j.key, j.value FROM (SELECT env FROM processes"
	    "  WHERE env IS NOT NULL AND json_valid(env)) p, json_each(p.env) j"
	    " WHERE j.type = 'text' ORDER BY j.key, j.value";
	sqlite3_stmt *st;
	int rc, has = has_column(r, "env"), unknown = 0;

	if (has < 0)
		return -1;
	if (!has) {
		tr->env_unknown = 1;
		return 0;
	}
	if (pragma_int(r, "SELECT count(*) FROM processes WHERE env IS NULL", &unknown) < 0)
		return -1;
	tr->env_unknown |= unknown > 0;
	if (sqlite3_prepare_v2(r->h, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(r, "reading the environment");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		char *kv;
		if (k == NULL || v == NULL || *k == '\0' || strchr(k, '=') != NULL)
			continue;
		if (asprintf(&kv, "%s=%s", k, v) < 0 || add_once(&tr->env, &tr->nenv, kv) < 0) {
			sqlite3_finalize(st);
			warn("%s", r->db);
			return -1;
		}
		free(kv);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dberr(r, "reading the environment");
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

/* "traced OP by pid N NAME" from a row of sql_used: NAME the last
 * component of the process's executable, else of its argv[0]. */
static void
used_why(sqlite3_stmt *st, const char *op, char *buf, size_t len)
{
	const char *exe = (const char *)sqlite3_column_text(st, 5);
	const char *arg0 = (const char *)sqlite3_column_text(st, 6);
	const char *name = exe && *exe ? exe : arg0 && *arg0 ? arg0 : "?";
	const char *slash = strrchr(name, '/');

	if (slash != NULL && slash[1] != '\0')
		name = slash + 1;
	if (sqlite3_column_type(st, 4) == SQLITE_NULL)
		snprintf(buf, len, "traced %s", op);
	else
		snprintf(buf, len, "traced %s by pid %lld %s", op,
		    (long long)sqlite3_column_int64(st, 4), name);
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
		char why[NAME_MAX + 64];
		used_why(st, op, why, sizeof why);
		int added = closure_add(c, p, OR_TRACE, (enum how)how, ASK_USED, why);
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
	if (check_db(&r) < 0)
		goto out;
	if (phase == 0 ? load_created(&r, c) < 0 || load_cwds(&r, tr) < 0
		       : load_used(&r, c, tr) < 0 || load_env(&r, tr) < 0)
		goto out;
	tr->dbs += phase;
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
	for (size_t i = 0; i < tr->nenv; i++)
		free(tr->env[i]);
	free(tr->env);
	for (size_t i = 0; i < tr->ncwds; i++)
		free(tr->cwds[i]);
	free(tr->cwds);
	memset(tr, 0, sizeof *tr);
}
