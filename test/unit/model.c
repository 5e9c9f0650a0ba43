/*
 * Unit tests of the folding tables of collector/model.c: an image's
 * table is freed at the first commit after it ends, a record that comes
 * later brings its rows back, and rows and counts stay exact; an image
 * whose pid has gone without an exit record loses its table too.
 * Writes model.db in the current directory.
 */
#include <err.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "model.h"
#include "util.h"

#include "check.h"

static struct model *m;
static int64_t ts = 1000;
static int64_t clock_ns; /* the model's CLOCK_MONOTONIC, made to run fast */

/* Deliver a message of type for (pid, image): fixed part, then strings. */
static void
send_msg(uint32_t pid, uint64_t image, int type, const void *fixed, size_t n, const char **strs)
{
	struct buf b = { 0 };
	struct sb_hdr h = { .magic = SB_WIRE_MAGIC, .version = SB_WIRE_VERSION, .type = (uint8_t)type,
		.frag = SB_FRAG_WHOLE, .pid = pid, .image = image, .ts_ns = (uint64_t)ts++ };

	if (buf_add(&b, fixed, n) == -1)
		abort();
	for (; strs != NULL && *strs != NULL; strs++) {
		uint32_t l = (uint32_t)strlen(*strs);
		if (buf_add(&b, &l, 4) == -1 || buf_add(&b, *strs, l) == -1)
			abort();
	}
	model_message(m, &h, (const unsigned char *)b.p, b.len);
	buf_free(&b);
}

static void
start(uint32_t pid, uint64_t image)
{
	struct sb_start s = { .ppid = 1 };
	const char *strs[] = { "/bin/prog", "/bin/prog", "/", "prog", NULL };

	send_msg(pid, image, SB_MSG_START, &s, sizeof(s), strs);
}

static void
stat_of(uint32_t pid, uint64_t image, const char *path, int times)
{
	struct sb_access a = { .op = SB_OP_STAT, .result = 2 };
	const char *strs[] = { path, "", NULL };

	while (times-- > 0)
		send_msg(pid, image, SB_MSG_ACCESS, &a, sizeof(a), strs);
}

static void
exit_of(uint32_t pid, uint64_t image)
{
	struct sb_exit e = { .status = 0 };

	send_msg(pid, image, SB_MSG_EXIT, &e, sizeof(e), NULL);
}

/* Commit now, whatever the age of the changes, and let the model look
 * for gone images. */
static void
commit(void)
{
	if (clock_ns == 0)
		clock_ns = now_mono_ns();
	clock_ns += MODEL_COMMIT_NS + MODEL_GONE_NS;
	CHECK(model_tick(m, clock_ns) != -2, "commit: %s", model_errmsg(m));
}

/* "path=count,path=count" of pid's rows, by path. */
static char *
rows_of(sqlite3 *h, uint32_t pid)
{
	static char out[4096];
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(h,
		"SELECT group_concat(path || '=' || count, ',') FROM (SELECT a.path, a.count"
		" FROM accesses a JOIN processes p ON p.id = a.process_id WHERE p.pid = ?"
		" ORDER BY a.path)",
		-1, &st, NULL) != SQLITE_OK)
		errx(1, "%s", sqlite3_errmsg(h));
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

int
main(void)
{
	struct db *db;
	char msg[1024], path[64];
	int64_t run;
	sqlite3 *h;
	pid_t dead;
	int status;

	if (db_open(&db, "model.db", 0, msg, sizeof(msg)) == -1)
		errx(1, "%s", msg);
	struct db_run r = { .command = "[]", .cwd = "/", .backend = "preload", .host = "test" };
	if (db_run_begin(db, &r, &run) == -1 || (m = model_new(db, run, 0)) == NULL)
		errx(1, "set-up");

	/* 100 ends and gets records after its exit record; 101 ends */
	start(100, 1);
	stat_of(100, 1, "/a", 3);
	stat_of(100, 1, "/b", 1);
	exit_of(100, 1);
	start(101, 2);
	stat_of(101, 2, "/x", 2);
	exit_of(101, 2);
	start(103, 4); /* still running: keeps its table */
	stat_of(103, 4, "/y", 1);
	commit();
	CHECK(model_stats(m)->retired == 2, "tables freed: %llu, not 2",
	    (unsigned long long)model_stats(m)->retired);
	stat_of(100, 1, "/a", 2); /* late: folds into the row written */
	stat_of(100, 1, "/c", 1);
	stat_of(103, 4, "/y", 1);
	CHECK(model_stats(m)->revived == 1, "tables read back: %llu, not 1",
	    (unsigned long long)model_stats(m)->revived);
	commit();
	stat_of(100, 1, "/a", 1); /* revived: kept to the end */
	commit();
	CHECK(model_stats(m)->revived == 1 && model_stats(m)->retired == 2,
	    "a revived table is kept: retired %llu, revived %llu",
	    (unsigned long long)model_stats(m)->retired,
	    (unsigned long long)model_stats(m)->revived);

	/* 102 has a big table and a pid that no longer runs, no exit */
	if ((dead = fork()) == -1)
		err(1, "fork");
	if (dead == 0)
		_exit(0);
	if (waitpid(dead, &status, 0) != dead)
		err(1, "waitpid");
	start((uint32_t)dead, 3);
	for (int i = 0; i < MODEL_GONE_ROWS; i++) {
		snprintf(path, sizeof(path), "/gone/%d", i);
		stat_of((uint32_t)dead, 3, path, 1);
	}
	commit(); /* finds it gone, and frees its table at the next */
	commit();
	CHECK(model_stats(m)->retired == 3, "a gone image's table freed: retired %llu",
	    (unsigned long long)model_stats(m)->retired);
	stat_of((uint32_t)dead, 3, "/gone/0", 1);
	CHECK(model_finish(m) == 0, "finish: %s", model_errmsg(m));
	CHECK(model_stats(m)->accesses == 5 + MODEL_GONE_ROWS, "rows: %llu",
	    (unsigned long long)model_stats(m)->accesses);
	CHECK(model_stats(m)->calls == 13 + MODEL_GONE_ROWS, "calls: %llu",
	    (unsigned long long)model_stats(m)->calls);
	CHECK(db_close(db) == 0, "close");
	model_free(m);

	if (sqlite3_open("model.db", &h) != SQLITE_OK)
		errx(1, "open model.db");
	char *got = rows_of(h, 100);
	CHECK(strcmp(got, "/a=6,/b=1,/c=1") == 0, "rows of 100: %s", got);
	got = rows_of(h, 101);
	CHECK(strcmp(got, "/x=2") == 0, "rows of 101: %s", got);
	got = rows_of(h, 103);
	CHECK(strcmp(got, "/y=2") == 0, "rows of 103: %s", got);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h,
		"SELECT count(*), sum(count), sum(path = '/gone/0' AND count = 2) FROM accesses a"
		" JOIN processes p ON p.id = a.process_id WHERE p.pid = ?",
		-1, &st, NULL) != SQLITE_OK)
		errx(1, "%s", sqlite3_errmsg(h));
	sqlite3_bind_int64(st, 1, dead);
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == MODEL_GONE_ROWS &&
		sqlite3_column_int(st, 1) == MODEL_GONE_ROWS + 1 && sqlite3_column_int(st, 2) == 1,
	    "rows of the gone image: %d rows, %d calls", sqlite3_column_int(st, 0),
	    sqlite3_column_int(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(h);
	unlink("model.db");
	unlink("model.db-wal");
	unlink("model.db-shm");
	printf("model: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
