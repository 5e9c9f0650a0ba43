#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "fdio.h"
#include "newdb.h"

/* A new database, schema and all, made by collector/mktemplate.c when
 * sbtrace was built. */
static const unsigned char template_db[] = {
#include "template_db.h"
};

/*
 * Migrations from version i to i + 1 live at index i - 1, applied in
 * order to an older database opened for append.  Rows from before keep
 * what they never recorded as NULL.  A migration that changes views
 * drops them; after the last one the views missing are made from
 * views.sql, so they are always this version's and never refer to a
 * column a later step adds.
 */
static const char *const migrations[SB_DB_VERSION - 1] = {
	/* 1 -> 2: the environment that changes what glibc reads */
	"ALTER TABLE processes ADD COLUMN env TEXT",
	/* 2 -> 3: how a run was cut short, the packages that own files, and
	 * views with one row per (run, path) */
	"ALTER TABLE runs ADD COLUMN interrupted INTEGER;"
	"ALTER TABLE runs ADD COLUMN filter TEXT;"
	"ALTER TABLE runs ADD COLUMN attached_pid INTEGER;"
	"CREATE TABLE IF NOT EXISTS packages (path TEXT PRIMARY KEY,"
	" package TEXT NOT NULL, version TEXT, architecture TEXT) WITHOUT ROWID;"
	"DROP VIEW IF EXISTS files_read;"
	"DROP VIEW IF EXISTS files_written;"
	"DROP VIEW IF EXISTS programs_executed;"
	"DROP VIEW IF EXISTS missing_paths;"
	"DROP VIEW IF EXISTS process_tree;",
};

enum { ST_PROC_INS, ST_PROC_UPD, ST_ACC_INS, ST_ACC_COUNT, ST_MAX };

static const char *const stmt_sql[ST_MAX] = {
	[ST_PROC_INS] = "INSERT INTO processes (run_id, parent_id, pid, ppid,"
			" exe, execfn, argv, cwd, start_ns, end_ns, exit_code,"
			" signal, backend, started_by, env) VALUES (?1, ?2, ?3, ?4,"
			" ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_PROC_UPD] = "UPDATE processes SET parent_id = ?2, pid = ?3,"
			" ppid = ?4, exe = ?5, execfn = ?6, argv = ?7, cwd = ?8,"
			" start_ns = ?9, end_ns = ?10, exit_code = ?11,"
			" signal = ?12, backend = ?13, started_by = ?14, env = ?15"
			" WHERE id = ?1",
	[ST_ACC_INS] = "INSERT INTO accesses (process_id, op, path, raw_path,"
		       " mode, result, count, ts_ns) VALUES (?, ?, ?, ?, ?, ?,"
		       " ?, ?)",
	[ST_ACC_COUNT] = "UPDATE accesses SET count = ? WHERE id = ?",
};

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST_MAX];
	sqlite3_stmt *pkg_ins; /* prepared at the first package row only */
	int in_txn;
	size_t txn_rows;
	char err[512];
};

/* Remember sqlite's message for the last failure and return -1. */
static int
fail(struct db *db, const char *what)
{
	snprintf(db->err, sizeof(db->err), "%.80s: %s (extended code %d)", what,
	    sqlite3_errmsg(db->h), sqlite3_extended_errcode(db->h));
	return -1;
}

const char *
db_errmsg(const struct db *db)
{
	return db->err;
}

static int
exec_sql(struct db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, sql);
	return 0;
}

/* One integer from a single-row query such as a PRAGMA. */
static int
query_int(struct db *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, sql);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else {
		fail(db, sql);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
set_version(struct db *db, int version)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return exec_sql(db, sql);
}

/* Turn an empty database into a version-SB_DB_VERSION one. */
static int
create_schema(struct db *db)
{
	if (newdb_create_schema(db->h) != SQLITE_OK)
		return fail(db, "creating the schema");
	return 0;
}

static int
migrate(struct db *db, int64_t from)
{
	int64_t v;

	if (exec_sql(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	for (v = from; v < SB_DB_VERSION; v++)
		if ((migrations[v - 1] != NULL && exec_sql(db, migrations[v - 1]) == -1) ||
		    set_version(db, (int)v + 1) == -1)
			goto fail;
	if (newdb_create_views(db->h, 0) != SQLITE_OK) {
		fail(db, "making the views");
		goto fail;
	}
	return exec_sql(db, "COMMIT");
fail:
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * An existing file opened for append: accept only our own databases
 * at our version or older, and write nothing before that is known.
 */
static int
check_existing(struct db *db, const char *path, char *err, size_t errlen)
{
	int64_t app, version, tables;

	if (query_int(db, "SELECT count(*) FROM sqlite_master", &tables) == -1 ||
	    query_int(db, "PRAGMA application_id", &app) == -1 ||
	    query_int(db, "PRAGMA user_version", &version) == -1) {
		snprintf(err, errlen, "%s: not an sbtrace database: %s", path,
		    sqlite3_errmsg(db->h));
		return -1;
	}
	if (tables == 0 && app == 0 && version == 0)
		return create_schema(db) == -1
		    ? (snprintf(err, errlen, "%s: %s", path, db->err), -1)
		    : 0;
	if (app != SB_DB_APPLICATION_ID || version < 1) {
		snprintf(err, errlen, "%s: not an sbtrace database", path);
		return -1;
	}
	if (version > SB_DB_VERSION) {
		snprintf(err, errlen,
		    "%s: database schema version %lld is newer than this "
		    "sbtrace supports (%d)",
		    path, (long long)version, SB_DB_VERSION);
		return -1;
	}
	if (version < SB_DB_VERSION && migrate(db, version) == -1) {
		snprintf(err, errlen, "%s: migration failed: %s", path, db->err);
		return -1;
	}
	return 0;
}

/* Remove path and its sidecar files, so the new database starts empty. */
static int
remove_old(const char *path, char *err, size_t errlen)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char name[4096 + 16];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, sfx[i]);
		if (unlink(name) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: cannot replace: %s", name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Create the file ourselves first: errno names the real problem
 * (missing directory, permission) better than SQLITE_CANTOPEN. */
static int
create_file(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot create database: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* The new (empty) file at path becomes a copy of the template. */
static int
write_template(const char *path, char *err, size_t errlen)
{
	/* Empty or absent (db_open's callers see to it): no O_TRUNC, which
	 * on ext4 makes close() start writing the file back at once. */
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);

	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot create database: %s", path, strerror(errno));
		return -1;
	}
	if (sb_write_all(fd, template_db, sizeof(template_db)) == -1) {
		snprintf(err, errlen, "%s: cannot create database: %s", path, strerror(errno));
		/* an empty file is what sbtrace's cleanup removes */
		(void)!ftruncate(fd, 0);
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "%s: cannot create database: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
prepare_all(struct db *db)
{
	int i;

	for (i = 0; i < ST_MAX; i++)
		if (sqlite3_prepare_v3(db->h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
			&db->st[i], NULL) != SQLITE_OK)
			return fail(db, stmt_sql[i]);
	return 0;
}

static int
open_handle(struct db *db, const char *path, int existing, char *err, size_t errlen)
{
	int rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE, NULL);

	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 10000);
	/* Check a database we were given before changing a byte of it. */
	if (existing && check_existing(db, path, err, errlen) == -1)
		return -1;
	/*
	 * WAL: readers (sqlite3 on the live db) never block the writer.
	 * synchronous OFF: what a commit wrote is in the page cache, so it
	 * survives sbtrace being killed; only an OS crash could lose it, and
	 * a trace is cheap to make again while an fsync costs milliseconds
	 * on every run (the fixed cost users pay for each trace).
	 */
	if (exec_sql(db, "PRAGMA synchronous = OFF") == -1 ||
	    exec_sql(db, "PRAGMA journal_mode = WAL") == -1 ||
	    exec_sql(db, "PRAGMA cache_size = -65536") == -1 ||
	    exec_sql(db, "PRAGMA temp_store = MEMORY") == -1 ||
	    exec_sql(db, "PRAGMA wal_autocheckpoint = 16384") == -1) {
		snprintf(err, errlen, "%s: %s", path, db->err);
		return -1;
	}
	if (prepare_all(db) == -1) {
		snprintf(err, errlen, "%s: %s", path, db->err);
		return -1;
	}
	return 0;
}

int
db_open(struct db **dbp, const char *path, int append, char *err, size_t errlen)
{
	struct db *db;
	struct stat st;
	int existing = 0;

	/* An empty file is what db_precreate() left: a new database. */
	if (append && stat(path, &st) == 0)
		existing = st.st_size > 0;
	else if (append && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!append && remove_old(path, err, errlen) == -1)
		return -1;
	if (!existing && write_template(path, err, errlen) == -1)
		return -1;
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (open_handle(db, path, existing, err, errlen) == -1) {
		db_close(db);
		return -1;
	}
	*dbp = db;
	return 0;
}

int
db_precreate(const char *path, char *err, size_t errlen)
{
	if (remove_old(path, err, errlen) == -1 || create_file(path, err, errlen) == -1)
		return -1;
	return 0;
}

int
db_close(struct db *db)
{
	int i, rc = 0;

	if (db == NULL)
		return 0;
	if (db->in_txn)
		rc = db_commit(db);
	for (i = 0; i < ST_MAX; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_finalize(db->pkg_ins);
	if (db->h != NULL && sqlite3_close(db->h) != SQLITE_OK)
		rc = fail(db, "close");
	free(db);
	return rc;
}

static int
begin(struct db *db)
{
	if (db->in_txn)
		return 0;
	if (exec_sql(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	db->in_txn = 1;
	db->txn_rows = 0;
	return 0;
}

int
db_commit(struct db *db)
{
	int rc, tries = 0;

	if (!db->in_txn)
		return 0;
	/* COMMIT is the one statement worth retrying on BUSY: a reader
	 * may hold the WAL for a moment; the busy handler waits too */
	while ((rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL)) == SQLITE_BUSY && tries++ < 5)
		;
	if (rc != SQLITE_OK)
		return fail(db, "COMMIT");
	db->in_txn = 0;
	db->txn_rows = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	/* SQLite may have rolled back already (SQLITE_FULL can) */
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_txn = 0;
	db->txn_rows = 0;
}

size_t
db_txn_rows(const struct db *db)
{
	return db->in_txn ? db->txn_rows : 0;
}

/* Run a bound statement to completion and reset it. */
static int
step(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE) {
		fail(db, what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	db->txn_rows++;
	return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
}

static void
bind_opt(sqlite3_stmt *st, int i, int64_t v, int present)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_process(sqlite3_stmt *st, const struct db_process *p)
{
	bind_opt(st, 2, p->parent_id, p->parent_id != 0);
	sqlite3_bind_int64(st, 3, p->pid);
	bind_opt(st, 4, p->ppid, p->ppid >= 0);
	bind_text(st, 5, p->exe, p->exe_len);
	bind_text(st, 6, p->execfn, p->execfn_len);
	bind_text(st, 7, p->argv, p->argv_len);
	bind_text(st, 8, p->cwd, p->cwd_len);
	bind_opt(st, 9, p->start_ns, p->start_ns != 0);
	bind_opt(st, 10, p->end_ns, p->end_ns != 0);
	bind_opt(st, 11, p->exit_code, p->has_exit);
	bind_opt(st, 12, p->signal, p->signal != 0);
	sqlite3_bind_text(st, 13, p->backend, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, p->started_by, -1, SQLITE_STATIC);
	bind_text(st, 15, p->env, p->env_len);
}

int
db_run_begin(struct db *db, const struct db_run *r, int64_t *run_id)
{
	sqlite3_stmt *st;
	int rc;

	if (begin(db) == -1)
		return -1;
	rc = sqlite3_prepare_v2(db->h,
	    "INSERT INTO runs (command, cwd, start_ns, backend, host,"
	    " all_calls, sbtrace_version, filter, attached_pid)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(db, "insert run");
	sqlite3_bind_text(st, 1, r->command, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->cwd, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->start_ns);
	sqlite3_bind_text(st, 4, r->backend, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->host, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, r->all_calls);
	sqlite3_bind_text(st, 7, SB_VERSION, -1, SQLITE_STATIC);
	if (r->filter != NULL)
		sqlite3_bind_text(st, 8, r->filter, -1, SQLITE_STATIC);
	if (r->attached_pid > 0)
		sqlite3_bind_int64(st, 9, r->attached_pid);
	rc = step(db, st, "insert run");
	sqlite3_finalize(st);
	if (rc == -1)
		return -1;
	*run_id = sqlite3_last_insert_rowid(db->h);
	/* the run row is there for readers before the command starts */
	return db_commit(db);
}

int
db_run_end(struct db *db, int64_t run_id, int64_t end_ns, int has_exit, int exit_code, int signal,
    int interrupted, uint64_t events)
{
	sqlite3_stmt *st;
	int rc;

	if (begin(db) == -1)
		return -1;
	rc = sqlite3_prepare_v2(db->h,
	    "UPDATE runs SET end_ns = ?, exit_code = ?, signal = ?,"
	    " events = ?, interrupted = ? WHERE id = ?",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(db, "update run");
	sqlite3_bind_int64(st, 1, end_ns);
	bind_opt(st, 2, exit_code, has_exit);
	bind_opt(st, 3, signal, signal != 0);
	sqlite3_bind_int64(st, 4, (int64_t)events);
	bind_opt(st, 5, interrupted, interrupted != 0);
	sqlite3_bind_int64(st, 6, run_id);
	rc = step(db, st, "update run");
	sqlite3_finalize(st);
	return rc;
}

int
db_process_insert(struct db *db, int64_t run_id, struct db_process *p)
{
	sqlite3_stmt *st = db->st[ST_PROC_INS];

	if (begin(db) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bind_process(st, p);
	if (step(db, st, "insert process") == -1)
		return -1;
	p->id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_process_update(struct db *db, const struct db_process *p)
{
	sqlite3_stmt *st = db->st[ST_PROC_UPD];

	if (begin(db) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, p->id);
	bind_process(st, p);
	return step(db, st, "update process");
}

int
db_access_insert(struct db *db, const struct db_access *a, int64_t *id)
{
	sqlite3_stmt *st = db->st[ST_ACC_INS];

	if (begin(db) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, a->process_id);
	sqlite3_bind_text(st, 2, a->op, -1, SQLITE_STATIC);
	bind_text(st, 3, a->path, a->path_len);
	bind_text(st, 4, a->raw, a->raw_len);
	sqlite3_bind_int64(st, 5, a->mode);
	sqlite3_bind_int(st, 6, a->result);
	sqlite3_bind_int64(st, 7, a->count);
	sqlite3_bind_int64(st, 8, a->ts_ns);
	if (step(db, st, "insert access") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int
db_access_set_count(struct db *db, int64_t id, int64_t count)
{
	sqlite3_stmt *st = db->st[ST_ACC_COUNT];

	if (begin(db) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, count);
	sqlite3_bind_int64(st, 2, id);
	return step(db, st, "update count");
}

int
db_access_each(struct db *db, int64_t process_id,
    int (*fn)(void *ctx, int64_t id, const struct db_access *a), void *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db->h,
		"SELECT id, op, path, raw_path, mode, result, count, ts_ns"
		" FROM accesses WHERE process_id = ?",
		-1, &st, NULL) != SQLITE_OK)
		return fail(db, "read accesses");
	sqlite3_bind_int64(st, 1, process_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_access a = { .process_id = process_id,
			.op = (const char *)sqlite3_column_text(st, 1),
			.path = (const char *)sqlite3_column_text(st, 2),
			.path_len = (size_t)sqlite3_column_bytes(st, 2),
			.raw = (const char *)sqlite3_column_text(st, 3),
			.raw_len = (size_t)sqlite3_column_bytes(st, 3),
			.mode = (uint32_t)sqlite3_column_int64(st, 4),
			.result = sqlite3_column_int(st, 5),
			.count = sqlite3_column_int64(st, 6),
			.ts_ns = sqlite3_column_int64(st, 7) };

		if (a.op == NULL || a.path == NULL || a.raw == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (fn(ctx, sqlite3_column_int64(st, 0), &a) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(db, "read accesses");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_each_unattributed(struct db *db, int64_t run, int (*fn)(const char *path, void *ctx), void *ctx)
{
	/* what a call reached (result 0) and every program a process ran */
	static const char sql[] =
	    "SELECT path FROM (SELECT a.path FROM accesses a JOIN processes p"
	    " ON p.id = a.process_id WHERE (?1 = 0 OR p.run_id = ?1) AND a.result = 0"
	    " UNION SELECT exe FROM processes WHERE (?1 = 0 OR run_id = ?1) AND exe IS NOT NULL)"
	    " WHERE path LIKE '/%' AND path NOT IN (SELECT path FROM packages) ORDER BY path";
	sqlite3_stmt *st;
	int rc;

	if (begin(db) == -1)
		return -1;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, "read paths");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(st, 0), ctx) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	if (rc != SQLITE_DONE) {
		fail(db, "read paths");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
db_package_insert(struct db *db, const char *path, const char *package, const char *version,
    const char *arch)
{
	sqlite3_stmt *st;

	if (begin(db) == -1)
		return -1;
	/* not with the others: most traces never fill the table */
	if (db->pkg_ins == NULL &&
	    sqlite3_prepare_v2(db->h,
		"INSERT OR IGNORE INTO packages (path, package, version, architecture)"
		" VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''))",
		-1, &db->pkg_ins, NULL) != SQLITE_OK)
		return fail(db, "insert package");
	st = db->pkg_ins;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, arch, -1, SQLITE_STATIC);
	return step(db, st, "insert package");
}

int
db_run_exists(struct db *db, int64_t run)
{
	sqlite3_stmt *st;
	int found;

	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM runs WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, run);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}
