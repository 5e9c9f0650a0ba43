/*
 * Reading a trace database for sbtrace report: read-only, of any version
 * this tree knows (1 to SB_DB_VERSION).  The views are this version's,
 * made as TEMP views (newdb_create_views), which live in memory with the
 * connection: nothing is written to the file, and a version-1 database
 * is read through the same definitions as a new one.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "newdb.h"
#include "report.h"
#include "schema.h"

struct rdb {
	sqlite3 *h;
	const char *path;
	sqlite3_stmt *elems; /* json_each over an argv */
	int has_interrupted; /* runs.interrupted (version 3) */
};

static int
dbwarn(struct rdb *r, const char *what)
{
	warnx("%s: %s: %s", r->path, what, sqlite3_errmsg(r->h));
	return -1;
}

/* One integer from a one-row query: SQLITE_OK, or the (extended)
 * error code, sqlite3_errmsg() saying why. */
static int
query_code(struct rdb *r, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if ((rc = sqlite3_prepare_v2(r->h, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return SQLITE_OK;
	}
	/* finalize leaves the step's error as the connection's */
	sqlite3_finalize(st);
	return rc;
}

static int
query_int(struct rdb *r, const char *sql, int64_t *out)
{
	return query_code(r, sql, out) == SQLITE_OK ? 0 : -1;
}

/*
 * Open the file alone, as immutable: no -wal and -shm files are made
 * beside it, no lock taken.  Right for a finished trace (sbtrace
 * checkpoints its WAL into the file and removes it as it exits), and for
 * one in a read-only directory, where a -shm file can be neither found
 * nor made.
 */
static int
open_immutable(struct rdb *r)
{
	struct buf uri = { 0 };
	const char *p;
	int rc;

	sqlite3_close(r->h);
	r->h = NULL;
	/* an empty authority first, so that "//x" is no host name */
	if (buf_add(&uri, "file:", 5) == -1 || (r->path[0] == '/' && buf_add(&uri, "//", 2) == -1))
		return -1;
	for (p = r->path; *p != '\0'; p++) {
		char esc[4];

		/* the characters a URI file name must not hold as they are */
		if (*p == '%' || *p == '?' || *p == '#') {
			snprintf(esc, sizeof(esc), "%%%02X", (unsigned char)*p);
			rc = buf_add(&uri, esc, 3);
		} else
			rc = buf_add(&uri, p, 1);
		if (rc == -1) {
			buf_free(&uri);
			return -1;
		}
	}
	if (buf_add(&uri, "?immutable=1", 12) == -1) {
		buf_free(&uri);
		return -1;
	}
	rc = sqlite3_open_v2(uri.p, &r->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	buf_free(&uri);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Has path a -wal file with something in it? */
static int
being_written(const char *path)
{
	char wal[4096];
	struct stat st;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal))
		return 1;
	return stat(wal, &st) == 0 && st.st_size > 0;
}

/* The checks sbtrace-db(5) asks of a reader: ours, and not newer. */
static int
check_version(struct rdb *r, struct ropts *o)
{
	int64_t app, version;
	int rc = query_code(r, "PRAGMA application_id", &app);

	if ((rc & 0xff) == SQLITE_CANTOPEN) {
		if (open_immutable(r) == -1) {
			warnx("%s: cannot open: %s", r->path,
			    r->h != NULL ? sqlite3_errmsg(r->h) : strerror(ENOMEM));
			return -1;
		}
		if (being_written(r->path))
			warnx("warning: %s: its -wal file cannot be read here (no -shm file, and "
			      "none can be made): the last commits may be missing",
			    r->path);
		rc = query_code(r, "PRAGMA application_id", &app);
	}
	if ((rc & 0xff) == SQLITE_NOTADB) {
		warnx("%s: not an sbtrace database (%s)", r->path, sqlite3_errmsg(r->h));
		return -1;
	}
	if (rc != SQLITE_OK)
		return dbwarn(r, "cannot read");
	if (query_int(r, "PRAGMA user_version", &version) == -1)
		return dbwarn(r, "PRAGMA user_version");
	if (app != SB_DB_APPLICATION_ID || version < 1) {
		warnx("%s: not an sbtrace database", r->path);
		return -1;
	}
	if (version > SB_DB_VERSION) {
		warnx("%s: database schema version %lld is newer than this sbtrace reads (1 to %d)",
		    r->path, (long long)version, SB_DB_VERSION);
		return -1;
	}
	o->version = (int)version;
	return 0;
}

static int
has_table(struct rdb *r, const char *name, int64_t *yes)
{
	char sql[160];

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = '%s'", name);
	return query_int(r, sql, yes);
}

/*
 * This version's views over whatever version the file is, as TEMP
 * objects; an older file gets an empty TEMP packages table for them to
 * join.
 */
static int
make_views(struct rdb *r, struct ropts *o)
{
	int64_t n;

	if (has_table(r, "packages", &n) == -1)
		return dbwarn(r, "reading the schema");
	if (n == 0 &&
	    sqlite3_exec(r->h,
		"CREATE TEMP TABLE packages (path TEXT PRIMARY KEY,"
		" package TEXT NOT NULL, version TEXT, architecture TEXT)",
		NULL, NULL, NULL) != SQLITE_OK)
		return dbwarn(r, "making the packages table");
	if (n != 0 && query_int(r, "SELECT EXISTS (SELECT 1 FROM main.packages)", &n) == -1)
		return dbwarn(r, "reading packages");
	o->packages = n != 0;
	if (newdb_create_views(r->h, 1) != SQLITE_OK)
		return dbwarn(r, "making the views");
	if (query_int(r,
		"SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'interrupted'",
		&n) == -1)
		return dbwarn(r, "reading the schema");
	r->has_interrupted = n != 0;
	return 0;
}

struct rdb *
rdb_open(const char *path, struct ropts *o)
{
	struct rdb *r;
	struct stat st;

	/* SQLite would make a database of a missing file */
	if (stat(path, &st) == -1) {
		warn("%s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("%s: not a regular file", path);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		warn(NULL);
		return NULL;
	}
	r->path = path;
	/* a trace being written has its -wal file, where the last commits
	 * are: read through it, as sqlite does (making the -shm file) */
	if (being_written(path)
		? sqlite3_open_v2(path, &r->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
		: open_immutable(r) == -1) {
		warnx("%s: cannot open: %s", path, r->h ? sqlite3_errmsg(r->h) : strerror(ENOMEM));
		goto fail;
	}
	sqlite3_extended_result_codes(r->h, 1);
	sqlite3_busy_timeout(r->h, 5000);
	if (check_version(r, o) == -1)
		goto fail;
	sqlite3_extended_result_codes(r->h, 1);
	sqlite3_busy_timeout(r->h, 5000);
	/* the TEMP views and table in memory, never in a file */
	if (sqlite3_exec(r->h, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL) != SQLITE_OK) {
		dbwarn(r, "PRAGMA temp_store");
		goto fail;
	}
	if (make_views(r, o) == -1)
		goto fail;
	if (query_int(r, "SELECT count(*) FROM runs", &o->nruns) == -1 ||
	    query_int(r, "SELECT coalesce(max(id), 0) FROM runs", &o->last_run) == -1) {
		dbwarn(r, "reading runs");
		goto fail;
	}
	if (sqlite3_prepare_v2(r->h, "SELECT value FROM json_each(?1)", -1, &r->elems, NULL) !=
	    SQLITE_OK) {
		dbwarn(r, "json_each");
		goto fail;
	}
	return r;
fail:
	rdb_close(r);
	return NULL;
}

void
rdb_close(struct rdb *r)
{
	if (r == NULL)
		return;
	sqlite3_finalize(r->elems);
	sqlite3_close(r->h);
	free(r);
}

int
rdb_runs(struct rdb *r, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(r->h, "SELECT id FROM runs ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return dbwarn(r, "reading runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *v = reallocarray(*ids, cap ? cap * 2 : 16, sizeof(*v));

			if (v == NULL) {
				warn(NULL);
				sqlite3_finalize(st);
				return -1;
			}
			*ids = v;
			cap = cap ? cap * 2 : 16;
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dbwarn(r, "reading runs");
}

int
rdb_has_run(struct rdb *r, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(r->h, "SELECT 1 FROM runs WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return dbwarn(r, "reading runs");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dbwarn(r, "reading runs");
	return rc == SQLITE_ROW;
}

/* --- columns into memory --------------------------------------------- */

static int
text_of(sqlite3_stmt *st, int i, struct rtext *t)
{
	const unsigned char *p = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	t->p = NULL;
	t->n = 0;
	if (p == NULL)
		return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : (errno = ENOMEM, -1);
	if ((t->p = mem_dup(p, n)) == NULL)
		return -1;
	t->n = n;
	return 0;
}

static void
text_free(struct rtext *t)
{
	free(t->p);
	t->p = NULL;
}

static void
argv_free(struct rargv *a)
{
	for (size_t i = 0; i < a->n; i++)
		text_free(&a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static int
argv_push(struct rargv *a, sqlite3_stmt *st, int col)
{
	struct rtext *v = reallocarray(a->v, a->n + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	a->v = v;
	if (text_of(st, col, &a->v[a->n]) == -1)
		return -1;
	a->n++;
	return 0;
}

/*
 * Column col of st, a JSON array of strings, taken apart by SQLite's
 * json_each (which gives back the exact bytes, sbtrace-db(5)); a value
 * that is no such array is one element as it is.
 */
static int
argv_of(struct rdb *r, sqlite3_stmt *st, int col, struct rargv *a)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	sqlite3_bind_value(r->elems, 1, sqlite3_column_value(st, col));
	while ((rc = sqlite3_step(r->elems)) == SQLITE_ROW)
		if (argv_push(a, r->elems, 0) == -1) {
			sqlite3_reset(r->elems);
			return -1;
		}
	sqlite3_reset(r->elems);
	if (rc == SQLITE_DONE)
		return 0;
	argv_free(a);
	return argv_push(a, st, col);
}

static int
opt_int(sqlite3_stmt *st, int i, int *has)
{
	*has = sqlite3_column_type(st, i) != SQLITE_NULL;
	return *has ? sqlite3_column_int(st, i) : 0;
}

/* --- the queries ------------------------------------------------------ */

static int
load_run_row(struct rdb *r, int64_t id, struct rrun *run)
{
	char sql[512];
	sqlite3_stmt *st;
	int rc, has;

	snprintf(sql, sizeof(sql),
	    "SELECT id, command, cwd, start_ns, end_ns, backend, host, all_calls, exit_code,"
	    " signal, events, sbtrace_version, %s FROM runs WHERE id = ?",
	    r->has_interrupted ? "interrupted, filter, CAST(attached_pid AS TEXT)"
			       : "NULL, NULL, NULL");
	if (sqlite3_prepare_v2(r->h, sql, -1, &st, NULL) != SQLITE_OK)
		return dbwarn(r, "reading runs");
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			warnx("%s: no run %lld", r->path, (long long)id);
		else
			dbwarn(r, "reading runs");
		sqlite3_finalize(st);
		return -1;
	}
	run->id = sqlite3_column_int64(st, 0);
	rc = argv_of(r, st, 1, &run->command) | text_of(st, 2, &run->cwd) |
	    text_of(st, 5, &run->backend) | text_of(st, 6, &run->host) |
	    text_of(st, 11, &run->version) | text_of(st, 13, &run->filter) |
	    text_of(st, 14, &run->attach);
	run->start_ns = sqlite3_column_int64(st, 3);
	run->end_ns = sqlite3_column_int64(st, 4);
	run->all_calls = sqlite3_column_int(st, 7);
	run->exit_code = opt_int(st, 8, &run->has_exit);
	run->signal = opt_int(st, 9, &has);
	run->events = sqlite3_column_int64(st, 10);
	run->interrupted = opt_int(st, 12, &has);
	sqlite3_finalize(st);
	if (rc != 0) {
		warn(NULL);
		return -1;
	}
	return 0;
}

/* Prepare sql with ?1 the run id (and ?2 a limit, -1 for none). */
static sqlite3_stmt *
run_query(struct rdb *r, const char *sql, int64_t id, int64_t limit)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(r->h, sql, -1, &st, NULL) != SQLITE_OK) {
		dbwarn(r, "query");
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, limit);
	return st;
}

static int
load_procs(struct rdb *r, int64_t id, struct rrun *run)
{
	sqlite3_stmt *st = run_query(r,
	    "SELECT t.id, coalesce(t.parent_id, 0), t.pid, t.depth, t.started_by, p.backend,"
	    " t.exe, t.argv, t.exit_code, t.signal"
	    " FROM process_tree t JOIN processes p ON p.id = t.id"
	    " WHERE t.run_id = ?1 ORDER BY t.tree_key",
	    id, -1);
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rproc *p;

		if (run->nprocs == cap) {
			struct rproc *v = reallocarray(run->procs, cap ? cap * 2 : 16, sizeof(*v));

			if (v == NULL)
				goto nomem;
			run->procs = v;
			cap = cap ? cap * 2 : 16;
		}
		p = &run->procs[run->nprocs];
		memset(p, 0, sizeof(*p));
		run->nprocs++;
		p->id = sqlite3_column_int64(st, 0);
		p->parent_id = sqlite3_column_int64(st, 1);
		p->pid = sqlite3_column_int64(st, 2);
		p->depth = sqlite3_column_int(st, 3);
		p->exit_code = opt_int(st, 8, &p->has_exit);
		p->signal = sqlite3_column_int(st, 9);
		if (text_of(st, 4, &p->started_by) == -1 || text_of(st, 5, &p->backend) == -1 ||
		    text_of(st, 6, &p->exe) == -1 || argv_of(r, st, 7, &p->argv) == -1)
			goto nomem;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : dbwarn(r, "reading processes");
nomem:
	warn(NULL);
	sqlite3_finalize(st);
	return -1;
}

static int
cmp_proc_id(const void *a, const void *b)
{
	int64_t x = (*(struct rproc *const *)a)->id, y = (*(struct rproc *const *)b)->id;

	return (x > y) - (x < y);
}

/* procs by id, for the rows of the per-process queries. */
static struct rproc *
find_proc(struct rproc **byid, size_t n, int64_t id)
{
	struct rproc key = { .id = id }, *kp = &key, **hit;

	hit = bsearch(&kp, byid, n, sizeof(*byid), cmp_proc_id);
	return hit != NULL ? *hit : NULL;
}

static int
add_op(struct rproc *p, sqlite3_stmt *st)
{
	struct rop *v = reallocarray(p->ops, p->nops + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	p->ops = v;
	memset(&v[p->nops], 0, sizeof(v[0]));
	if (text_of(st, 1, &v[p->nops].op) == -1)
		return -1;
	v[p->nops].calls = sqlite3_column_int64(st, 2);
	v[p->nops].errors = sqlite3_column_int64(st, 3);
	v[p->nops].paths = sqlite3_column_int64(st, 4);
	p->calls += v[p->nops].calls;
	p->errors += v[p->nops].errors;
	p->nops++;
	return 0;
}

/* Calls per process and operation, and the paths each process used. */
static int
load_ops(struct rdb *r, int64_t id, struct rrun *run)
{
	static const char *const sql[2] = {
		"SELECT a.process_id, a.op, sum(a.count),"
		" sum(CASE WHEN a.result <> 0 THEN a.count ELSE 0 END), count(DISTINCT a.path)"
		" FROM accesses a JOIN processes p ON p.id = a.process_id WHERE p.run_id = ?1"
		" GROUP BY a.process_id, a.op ORDER BY a.process_id, 3 DESC, a.op",
		"SELECT a.process_id, count(DISTINCT a.path)"
		" FROM accesses a JOIN processes p ON p.id = a.process_id WHERE p.run_id = ?1"
		" GROUP BY a.process_id",
	};
	struct rproc **byid = calloc(run->nprocs + 1, sizeof(*byid));
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE;

	if (byid == NULL) {
		warn(NULL);
		return -1;
	}
	for (size_t i = 0; i < run->nprocs; i++)
		byid[i] = &run->procs[i];
	qsort(byid, run->nprocs, sizeof(*byid), cmp_proc_id);
	for (int q = 0; q < 2 && rc == SQLITE_DONE; q++) {
		if ((st = run_query(r, sql[q], id, -1)) == NULL) {
			free(byid);
			return -1;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct rproc *p = find_proc(byid, run->nprocs, sqlite3_column_int64(st, 0));

			if (p == NULL)
				continue; /* not in the tree (a dangling parent_id) */
			if (q == 1)
				p->paths = sqlite3_column_int64(st, 1);
			else if (add_op(p, st) == -1) {
				warn(NULL);
				rc = SQLITE_NOMEM;
				break;
			}
		}
		sqlite3_finalize(st);
	}
	free(byid);
	if (rc == SQLITE_NOMEM)
		return -1;
	return rc == SQLITE_DONE ? 0 : dbwarn(r, "reading accesses");
}

/*
 * One path list: sql with ?1 the run and ?2 the limit (-1: none), its
 * columns path, ops, package, kind, calls, errors (any of them NULL
 * where the list has none).
 */
static int
load_list(struct rdb *r, int64_t id, const char *sql, int64_t limit, struct rlistv *l)
{
	sqlite3_stmt *st = run_query(r, sql, id, limit);
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rpath *p;

		if (l->n == cap) {
			struct rpath *v = reallocarray(l->v, cap ? cap * 2 : 64, sizeof(*v));

			if (v == NULL)
				goto nomem;
			l->v = v;
			cap = cap ? cap * 2 : 64;
		}
		p = &l->v[l->n];
		memset(p, 0, sizeof(*p));
		l->n++;
		if (text_of(st, 0, &p->path) == -1 || text_of(st, 1, &p->ops) == -1 ||
		    text_of(st, 2, &p->package) == -1 || text_of(st, 3, &p->kind) == -1)
			goto nomem;
		p->calls = sqlite3_column_int64(st, 4);
		p->errors = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	l->total = l->n;
	return rc == SQLITE_DONE ? 0 : dbwarn(r, "reading the views");
nomem:
	warn(NULL);
	sqlite3_finalize(st);
	return -1;
}

static const char *const list_sql[L_MAX] = {
	[L_READ] = "SELECT path, NULL, package, NULL, NULL, NULL FROM files_read"
		   " WHERE run_id = ?1 ORDER BY path LIMIT ?2",
	[L_WRITTEN] = "SELECT path, op, package, NULL, NULL, NULL FROM files_written"
		      " WHERE run_id = ?1 ORDER BY path LIMIT ?2",
	[L_EXECUTED] = "SELECT path, NULL, package, NULL, NULL, NULL FROM programs_executed"
		       " WHERE run_id = ?1 ORDER BY path LIMIT ?2",
	/* real misses first, then PATH lookups, then the loader's */
	[L_MISSING] = "SELECT path, ops, NULL, kind, tries, NULL FROM missing_paths"
		      " WHERE run_id = ?1 ORDER BY CASE kind WHEN 'not-found' THEN 0"
		      " WHEN 'path-lookup' THEN 1 ELSE 2 END, tries DESC, path LIMIT ?2",
	[L_TOP] =
	    "SELECT a.path, group_concat(DISTINCT a.op), k.package, NULL, sum(a.count) AS calls,"
	    " sum(CASE WHEN a.result <> 0 THEN a.count ELSE 0 END)"
	    " FROM accesses a JOIN processes p ON p.id = a.process_id"
	    " LEFT JOIN packages k ON k.path = a.path"
	    " WHERE p.run_id = ?1 GROUP BY a.path ORDER BY calls DESC, a.path LIMIT ?2",
};

static int
load_totals(struct rdb *r, int64_t id, struct rrun *run)
{
	sqlite3_stmt *st = run_query(r,
	    "SELECT count(*), coalesce(sum(a.count), 0),"
	    " (SELECT count(*) FROM processes WHERE run_id = ?1) FROM accesses a"
	    " JOIN processes p ON p.id = a.process_id WHERE p.run_id = ?1",
	    id, -1);

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return dbwarn(r, "reading accesses");
	}
	run->accesses = sqlite3_column_int64(st, 0);
	run->calls = sqlite3_column_int64(st, 1);
	run->processes = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	return 0;
}

int
rdb_load(struct rdb *r, int64_t id, const struct ropts *o, struct rrun *run)
{
	memset(run, 0, sizeof(*run));
	if (load_run_row(r, id, run) == -1 || load_totals(r, id, run) == -1)
		return -1;
	if ((o->sections & (S_TREE | S_PROCS)) &&
	    (load_procs(r, id, run) == -1 || load_ops(r, id, run) == -1))
		return -1;
	for (int l = 0; l < L_MAX; l++)
		if ((o->sections & rlist_section(l)) &&
		    load_list(r, id, list_sql[l], l == L_TOP ? (int64_t)o->top : -1,
			&run->list[l]) == -1)
			return -1;
	return 0;
}

static void
proc_free(struct rproc *p)
{
	text_free(&p->started_by);
	text_free(&p->backend);
	text_free(&p->exe);
	argv_free(&p->argv);
	for (size_t i = 0; i < p->nops; i++)
		text_free(&p->ops[i].op);
	free(p->ops);
}

void
rrun_free(struct rrun *run)
{
	argv_free(&run->command);
	text_free(&run->cwd);
	text_free(&run->host);
	text_free(&run->backend);
	text_free(&run->version);
	text_free(&run->filter);
	text_free(&run->attach);
	for (size_t i = 0; i < run->nprocs; i++)
		proc_free(&run->procs[i]);
	free(run->procs);
	for (int l = 0; l < L_MAX; l++) {
		for (size_t i = 0; i < run->list[l].n; i++) {
			text_free(&run->list[l].v[i].path);
			text_free(&run->list[l].v[i].ops);
			text_free(&run->list[l].v[i].package);
			text_free(&run->list[l].v[i].kind);
		}
		free(run->list[l].v);
	}
	memset(run, 0, sizeof(*run));
}
