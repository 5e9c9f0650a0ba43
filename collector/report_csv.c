/*
 * sbtrace report --csv: one table (RFC 4180: CRLF line ends, fields
 * quoted when they must be), a row per run, process, operation of a
 * process and path, told apart by the section column, so that any CSV
 * reader takes the whole report at once.  Text is valid UTF-8 whatever
 * the bytes of the trace; path_hex and argv_hex have the exact bytes of
 * a path or argument vector that is not (textenc.h).
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "textenc.h"

/* The columns, in order. */
enum {
	C_SECTION,
	C_RUN,
	C_PROCESS,
	C_PARENT,
	C_PID,
	C_DEPTH,
	C_STARTED_BY,
	C_EXIT,
	C_SIGNAL,
	C_INTERRUPTED,
	C_OP,
	C_KIND,
	C_CALLS,
	C_ERRORS,
	C_PATHS,
	C_PACKAGE,
	C_PATH,
	C_PATH_HEX,
	C_ARGV,
	C_ARGV_HEX,
	C_MAX
};

static const char *const header[C_MAX] = { "section", "run_id", "process_id", "parent_id", "pid",
	"depth", "started_by", "exit_code", "signal", "interrupted", "op", "kind", "calls",
	"errors", "paths", "package", "path", "path_hex", "argv", "argv_hex" };

/* A row being made: each field's text, already encoded. */
struct row {
	struct buf f[C_MAX];
	int failed;
};

static void
set_num(struct row *r, int c, int64_t v)
{
	char tmp[32];

	buf_clear(&r->f[c]);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	if (buf_add(&r->f[c], tmp, strlen(tmp)) == -1)
		r->failed = 1;
}

static void
set_text(struct row *r, int c, const struct rtext *t)
{
	buf_clear(&r->f[c]);
	if (t->p != NULL && textenc_add_csv(&r->f[c], t->p, t->n) == -1)
		r->failed = 1;
}

static void
set_str(struct row *r, int c, const char *s)
{
	struct rtext t = { (char *)s, strlen(s) };

	set_text(r, c, &t);
}

/* path, and path_hex when it is not UTF-8 */
static void
set_path(struct row *r, const struct rtext *t)
{
	set_text(r, C_PATH, t);
	buf_clear(&r->f[C_PATH_HEX]);
	if (t->p != NULL && !sb_utf8_valid(t->p, t->n) &&
	    textenc_add_hex(&r->f[C_PATH_HEX], t->p, t->n) == -1)
		r->failed = 1;
}

/* argv as a JSON array of strings; argv_hex, when an element is not
 * UTF-8: each element's bytes and a NUL, as /proc/PID/cmdline. */
static void
set_argv(struct row *r, const struct rargv *a)
{
	struct buf j = { 0 };
	int valid;

	buf_clear(&r->f[C_ARGV]);
	buf_clear(&r->f[C_ARGV_HEX]);
	if (report_argv_json(&j, a, &valid) == -1 ||
	    textenc_add_csv(&r->f[C_ARGV], j.p, j.len) == -1 ||
	    (!valid && report_argv_hex(&r->f[C_ARGV_HEX], a) == -1))
		r->failed = 1;
	buf_free(&j);
}

/* Out with the row, and empty it for the next. */
static void
emit(FILE *f, struct row *r)
{
	struct buf line = { 0 };

	for (int c = 0; c < C_MAX; c++) {
		if ((c > 0 && buf_add(&line, ",", 1) == -1) ||
		    (r->f[c].len > 0 && buf_add(&line, r->f[c].p, r->f[c].len) == -1))
			r->failed = 1;
		buf_clear(&r->f[c]);
	}
	if (buf_add(&line, "\r\n", 2) == -1)
		r->failed = 1;
	report_flush(f, &line);
	buf_free(&line);
}

static void
row_free(struct row *r)
{
	for (int c = 0; c < C_MAX; c++)
		buf_free(&r->f[c]);
}

static int
csv_begin(FILE *f, const struct ropts *o)
{
	for (int c = 0; c < C_MAX; c++)
		fprintf(f, "%s%s", c > 0 ? "," : "", header[c]);
	fputs("\r\n", f);
	return 0;
}

static void
run_row(FILE *f, struct row *w, const struct rrun *r)
{
	set_str(w, C_SECTION, "run");
	set_num(w, C_RUN, r->id);
	if (r->has_exit)
		set_num(w, C_EXIT, r->exit_code);
	if (r->signal != 0)
		set_num(w, C_SIGNAL, r->signal);
	if (r->interrupted != 0)
		set_num(w, C_INTERRUPTED, r->interrupted);
	set_num(w, C_CALLS, r->calls);
	set_path(w, &r->cwd);
	set_argv(w, &r->command);
	emit(f, w);
}

static void
process_rows(FILE *f, struct row *w, const struct ropts *o, const struct rrun *r)
{
	for (size_t i = 0; i < r->nprocs; i++) {
		const struct rproc *p = &r->procs[i];

		set_str(w, C_SECTION, "process");
		set_num(w, C_RUN, r->id);
		set_num(w, C_PROCESS, p->id);
		if (p->parent_id != 0)
			set_num(w, C_PARENT, p->parent_id);
		set_num(w, C_PID, p->pid);
		set_num(w, C_DEPTH, p->depth);
		set_text(w, C_STARTED_BY, &p->started_by);
		if (p->has_exit)
			set_num(w, C_EXIT, p->exit_code);
		if (p->signal != 0)
			set_num(w, C_SIGNAL, p->signal);
		set_num(w, C_CALLS, p->calls);
		set_num(w, C_ERRORS, p->errors);
		set_num(w, C_PATHS, p->paths);
		set_path(w, &p->exe);
		set_argv(w, &p->argv);
		emit(f, w);
		for (size_t k = 0; (o->sections & S_PROCS) && k < p->nops; k++) {
			set_str(w, C_SECTION, "op");
			set_num(w, C_RUN, r->id);
			set_num(w, C_PROCESS, p->id);
			set_num(w, C_PID, p->pid);
			set_text(w, C_OP, &p->ops[k].op);
			set_num(w, C_CALLS, p->ops[k].calls);
			set_num(w, C_ERRORS, p->ops[k].errors);
			set_num(w, C_PATHS, p->ops[k].paths);
			emit(f, w);
		}
	}
}

static const char *const list_section_name[L_MAX] = {
	[L_READ] = "read",
	[L_WRITTEN] = "written",
	[L_EXECUTED] = "executed",
	[L_MISSING] = "missing",
	[L_TOP] = "top",
};

static void
path_rows(FILE *f, struct row *w, const struct rrun *r, enum rlist l)
{
	for (size_t i = 0; i < r->list[l].n; i++) {
		const struct rpath *p = &r->list[l].v[i];

		set_str(w, C_SECTION, list_section_name[l]);
		set_num(w, C_RUN, r->id);
		set_text(w, C_OP, &p->ops);
		set_text(w, C_KIND, &p->kind);
		if (l == L_MISSING || l == L_TOP)
			set_num(w, C_CALLS, p->calls);
		if (l == L_TOP)
			set_num(w, C_ERRORS, p->errors);
		set_text(w, C_PACKAGE, &p->package);
		set_path(w, &p->path);
		emit(f, w);
	}
}

static int
csv_run(FILE *f, const struct ropts *o, const struct rrun *r, int first)
{
	struct row w = { 0 };
	int failed;

	run_row(f, &w, r);
	if (o->sections & (S_TREE | S_PROCS))
		process_rows(f, &w, o, r);
	for (int l = 0; l < L_MAX; l++)
		if (o->sections & rlist_section(l))
			path_rows(f, &w, r, (enum rlist)l);
	failed = w.failed;
	row_free(&w);
	return failed ? -1 : 0;
}

static int
csv_end(FILE *f, const struct ropts *o)
{
	return 0;
}

const struct rwriter report_csv = { csv_begin, csv_run, csv_end };
