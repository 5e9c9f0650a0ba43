/*
 * sbtrace report --json: one object, valid UTF-8 whatever the bytes of
 * the trace (textenc.h: a string that is not UTF-8 has U+FFFD where its
 * bad bytes were, and the exact bytes in hexadecimal beside it, in the
 * member of the same name with "_hex" appended).
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "textenc.h"

struct jw {
	struct buf b;
	int first; /* no member in the object yet */
	int failed;
};

static void
raw(struct jw *j, const char *s)
{
	if (buf_add(&j->b, s, strlen(s)) == -1)
		j->failed = 1;
}

/* s, which ends with the '{' of an object whose members follow. */
static void
open_obj(struct jw *j, const char *s)
{
	raw(j, s);
	j->first = 1;
}

/* A member's "key": with the comma before it but for the first. */
static void
key(struct jw *j, const char *name)
{
	raw(j, j->first ? "\"" : ",\"");
	raw(j, name);
	raw(j, "\":");
	j->first = 0;
}

static void
num(struct jw *j, const char *name, int64_t v)
{
	char tmp[32];

	key(j, name);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	raw(j, tmp);
}

static void
opt_num(struct jw *j, const char *name, int present, int64_t v)
{
	if (present)
		num(j, name, v);
	else {
		key(j, name);
		raw(j, "null");
	}
}

/* ,"key":"text" and, when it is not UTF-8, ,"key_hex":"HEX"; null for
 * NULL. */
static void
text(struct jw *j, const char *name, const struct rtext *t)
{
	key(j, name);
	if (t->p == NULL) {
		raw(j, "null");
		return;
	}
	if (json_add_text(&j->b, t->p, t->n) == -1)
		j->failed = 1;
	if (sb_utf8_valid(t->p, t->n))
		return;
	raw(j, ",\"");
	raw(j, name);
	raw(j, "_hex\":\"");
	if (textenc_add_hex(&j->b, t->p, t->n) == -1)
		j->failed = 1;
	raw(j, "\"");
}

/* An argument vector: an array of strings, and when one is not UTF-8,
 * key_hex: every element's bytes followed by a NUL byte (as
 * /proc/PID/cmdline holds them), in hexadecimal. */
static void
argv(struct jw *j, const char *name, const struct rargv *a)
{
	int valid;

	key(j, name);
	if (report_argv_json(&j->b, a, &valid) == -1)
		j->failed = 1;
	if (valid)
		return;
	raw(j, ",\"");
	raw(j, name);
	raw(j, "_hex\":\"");
	if (report_argv_hex(&j->b, a) == -1)
		j->failed = 1;
	raw(j, "\"");
}

/* A comma separated list of operations as an array of names. */
static void
ops(struct jw *j, const char *name, const struct rtext *t)
{
	const char *p = t->p, *e;

	key(j, name);
	raw(j, "[");
	for (size_t n = 0; p != NULL && *p != '\0'; n++, p = *e ? e + 1 : e) {
		e = strchrnul(p, ',');
		if (n > 0)
			raw(j, ",");
		if (json_add_text(&j->b, p, (size_t)(e - p)) == -1)
			j->failed = 1;
	}
	raw(j, "]");
}

static void
process(struct jw *j, const struct ropts *o, const struct rproc *p)
{
	open_obj(j, "{");
	num(j, "id", p->id);
	opt_num(j, "parent_id", p->parent_id != 0, p->parent_id);
	num(j, "pid", p->pid);
	num(j, "depth", p->depth);
	text(j, "started_by", &p->started_by);
	text(j, "backend", &p->backend);
	text(j, "exe", &p->exe);
	argv(j, "argv", &p->argv);
	opt_num(j, "exit_code", p->has_exit, p->exit_code);
	opt_num(j, "signal", p->signal != 0, p->signal);
	num(j, "calls", p->calls);
	num(j, "errors", p->errors);
	num(j, "paths", p->paths);
	if (o->sections & S_PROCS) {
		key(j, "ops");
		raw(j, "[");
		for (size_t i = 0; i < p->nops; i++) {
			open_obj(j, i > 0 ? ",{" : "{");
			text(j, "op", &p->ops[i].op);
			num(j, "calls", p->ops[i].calls);
			num(j, "errors", p->ops[i].errors);
			num(j, "paths", p->ops[i].paths);
			raw(j, "}");
		}
		raw(j, "]");
		j->first = 0;
	}
	raw(j, "}");
}

static const char *const list_key[L_MAX] = {
	[L_READ] = "files_read",
	[L_WRITTEN] = "files_written",
	[L_EXECUTED] = "programs_executed",
	[L_MISSING] = "missing_paths",
	[L_TOP] = "top_paths",
};

static void
path_row(struct jw *j, enum rlist l, const struct rpath *p)
{
	open_obj(j, "{");
	if (l == L_MISSING)
		text(j, "kind", &p->kind);
	text(j, "path", &p->path);
	if (l == L_WRITTEN || l == L_MISSING || l == L_TOP)
		ops(j, "ops", &p->ops);
	if (l == L_MISSING)
		num(j, "tries", p->calls);
	if (l == L_TOP) {
		num(j, "calls", p->calls);
		num(j, "errors", p->errors);
	}
	if (l != L_MISSING)
		text(j, "package", &p->package);
	raw(j, "}");
}

static int
json_begin(FILE *f, const struct ropts *o)
{
	struct jw j = { 0 };
	struct rtext db = { (char *)o->db, strlen(o->db) };

	open_obj(&j, "{");
	text(&j, "database", &db);
	num(&j, "schema_version", o->version);
	key(&j, "runs");
	raw(&j, "[");
	report_flush(f, &j.b);
	buf_free(&j.b);
	return j.failed ? -1 : 0;
}

static int
json_run(FILE *f, const struct ropts *o, const struct rrun *r, int first)
{
	struct jw j = { 0 };

	open_obj(&j, first ? "{" : ",{");
	num(&j, "id", r->id);
	argv(&j, "command", &r->command);
	text(&j, "cwd", &r->cwd);
	text(&j, "host", &r->host);
	text(&j, "backend", &r->backend);
	text(&j, "sbtrace_version", &r->version);
	num(&j, "start_ns", r->start_ns);
	opt_num(&j, "end_ns", r->end_ns != 0, r->end_ns);
	opt_num(&j, "exit_code", r->has_exit, r->exit_code);
	opt_num(&j, "signal", r->signal != 0, r->signal);
	opt_num(&j, "interrupted", r->interrupted != 0, r->interrupted);
	text(&j, "filter", &r->filter);
	text(&j, "attach", &r->attach);
	key(&j, "all_calls");
	raw(&j, r->all_calls ? "true" : "false");
	key(&j, "counts");
	open_obj(&j, "{");
	num(&j, "processes", r->processes);
	num(&j, "accesses", r->accesses);
	num(&j, "calls", r->calls);
	num(&j, "events", r->events);
	raw(&j, "}");
	if (o->sections & (S_TREE | S_PROCS)) {
		key(&j, "processes");
		raw(&j, "[");
		for (size_t i = 0; i < r->nprocs; i++) {
			if (i > 0)
				raw(&j, ",");
			process(&j, o, &r->procs[i]);
			report_flush(f, &j.b);
		}
		raw(&j, "]");
		j.first = 0;
	}
	for (int l = 0; l < L_MAX; l++) {
		if (!(o->sections & rlist_section(l)))
			continue;
		key(&j, list_key[l]);
		raw(&j, "[");
		for (size_t i = 0; i < r->list[l].n; i++) {
			if (i > 0)
				raw(&j, ",");
			path_row(&j, (enum rlist)l, &r->list[l].v[i]);
			report_flush(f, &j.b);
		}
		raw(&j, "]");
		j.first = 0;
	}
	raw(&j, "}");
	report_flush(f, &j.b);
	buf_free(&j.b);
	return j.failed ? -1 : 0;
}

static int
json_end(FILE *f, const struct ropts *o)
{
	fputs("]}\n", f);
	return 0;
}

const struct rwriter report_json = { json_begin, json_run, json_end };
