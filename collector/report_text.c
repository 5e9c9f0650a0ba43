/*
 * sbtrace report's text: aligned tables for a person.  Paths are escaped
 * (textenc_add_human) and never cut; an argument vector that does not fit
 * the width is cut with "...", and a list longer than -n ends with how
 * many rows were left out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "textenc.h"

struct tw {
	FILE *f;
	const struct ropts *o;
	struct buf b;
	int failed; /* out of memory */
};

static void
put(struct tw *t, const char *s, size_t n)
{
	if (buf_add(&t->b, s, n) == -1)
		t->failed = 1;
}

static void
puts_(struct tw *t, const char *s)
{
	put(t, s, strlen(s));
}

static void putf(struct tw *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct tw *t, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(t, tmp, n < 0 ? 0 : (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void
human(struct tw *t, const struct rtext *s)
{
	if (s->p == NULL)
		puts_(t, "-");
	else if (textenc_add_human(&t->b, s->p, s->n) == -1)
		t->failed = 1;
}

/* The line so far ends: cut it to the width when asked, then out. */
static void
endline(struct tw *t, size_t from, int cut)
{
	size_t w = t->o->width;

	if (cut && w > 3 && textenc_width(t->b.p + from, t->b.len - from) > w) {
		t->b.len = from + textenc_fit(t->b.p + from, t->b.len - from, w - 3);
		put(t, "...", 3);
	}
	put(t, "\n", 1);
	report_flush(t->f, &t->b);
}

/* exe and the arguments after argv[0], as a shell would take them */
static void
program(struct tw *t, const struct rtext *exe, const struct rargv *argv)
{
	size_t i = 1;

	/* without /proc there is no exe: argv[0] stands in */
	if (exe->p != NULL)
		human(t, exe);
	else if (argv->n == 0)
		puts_(t, "-");
	else if (textenc_add_shell(&t->b, argv->v[0].p, argv->v[0].n) == -1)
		t->failed = 1;
	for (; i < argv->n; i++) {
		put(t, " ", 1);
		if (textenc_add_shell(&t->b, argv->v[i].p, argv->v[i].n) == -1)
			t->failed = 1;
	}
}

static void
command(struct tw *t, const struct rargv *argv)
{
	for (size_t i = 0; i < argv->n; i++) {
		if (i > 0)
			put(t, " ", 1);
		if (textenc_add_shell(&t->b, argv->v[i].p, argv->v[i].n) == -1)
			t->failed = 1;
	}
}

static int
digits(int64_t v)
{
	int n = v < 0 ? 2 : 1;

	for (; v >= 10 || v <= -10; v /= 10)
		n++;
	return n;
}

static void
status(char *buf, size_t len, int has_exit, int code, int sig)
{
	char name[32];

	if (has_exit)
		snprintf(buf, len, "exit %d", code);
	else if (sig != 0)
		snprintf(buf, len, "%s", report_signame(sig, name, sizeof(name)));
	else
		snprintf(buf, len, "-");
}

/* --- the run ----------------------------------------------------------- */

static void
run_header(struct tw *t, const struct rrun *r)
{
	char when[64] = "?", name[32];
	time_t secs = (time_t)(r->start_ns / 1000000000);
	struct tm tm;

	putf(t, "run %lld: ", (long long)r->id);
	command(t, &r->command);
	endline(t, 0, 1);
	puts_(t, "  in ");
	human(t, &r->cwd);
	puts_(t, " on ");
	human(t, &r->host);
	puts_(t, ", backend ");
	human(t, &r->backend);
	puts_(t, ", sbtrace ");
	human(t, &r->version);
	endline(t, 0, 0);
	if (gmtime_r(&secs, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	putf(t, "  started %s", when);
	if (r->end_ns != 0)
		putf(t, ", took %.3f s", (double)(r->end_ns - r->start_ns) / 1e9);
	else
		puts_(t, ", no end recorded (sbtrace still running, or killed)");
	endline(t, 0, 0);
	if (r->has_exit)
		putf(t, "  the command exited %d", r->exit_code);
	else if (r->signal != 0)
		putf(t, "  the command was killed by %s", report_signame(r->signal, name, 32));
	else
		puts_(t, "  how the command ended is not known");
	if (r->interrupted != 0)
		putf(t, "; sbtrace was interrupted by %s",
		    report_signame(r->interrupted, name, sizeof(name)));
	endline(t, 0, 0);
	if (r->attach.p != NULL) {
		puts_(t, "  attached to process ");
		human(t, &r->attach);
		puts_(t, " (sbtrace -p): what it did before is not here");
		endline(t, 0, 0);
	}
	if (r->filter.p != NULL) {
		puts_(t, "  recorded in part (sbtrace -e, --exclude-path): ");
		human(t, &r->filter);
		endline(t, 0, 1);
	}
	putf(t, "  %lld process%s, %lld accesses (%lld calls), %lld records%s",
	    (long long)r->processes, r->processes == 1 ? "" : "es", (long long)r->accesses,
	    (long long)r->calls, (long long)r->events, r->all_calls ? " (--all)" : "");
	endline(t, 0, 0);
}

static void
section(struct tw *t, const char *title)
{
	put(t, "\n", 1);
	puts_(t, title);
	endline(t, 0, 0);
}

/* At most -n rows of n; the line that says how many were left out. */
static size_t
shown(const struct tw *t, size_t n)
{
	return t->o->limit != 0 && n > t->o->limit ? t->o->limit : n;
}

static void
more(struct tw *t, size_t n, const char *indent)
{
	size_t s = shown(t, n);

	if (s < n) {
		putf(t, "%s... %zu more (-n 0 shows all)", indent, n - s);
		endline(t, 0, 0);
	}
}

static void
tree(struct tw *t, const struct rrun *r)
{
	int wid = 2, wpid = 3, wst = 6;
	size_t n = shown(t, r->nprocs);
	char st[48];

	for (size_t i = 0; i < r->nprocs; i++) {
		const struct rproc *p = &r->procs[i];

		status(st, sizeof(st), p->has_exit, p->exit_code, p->signal);
		wid = digits(p->id) > wid ? digits(p->id) : wid;
		wpid = digits(p->pid) > wpid ? digits(p->pid) : wpid;
		wst = (int)strlen(st) > wst ? (int)strlen(st) : wst;
	}
	section(t, "process tree (who started whom)");
	putf(t, "  %*s %*s %-5s %-*s PROGRAM", wid, "ID", wpid, "PID", "HOW", wst, "STATUS");
	endline(t, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct rproc *p = &r->procs[i];

		status(st, sizeof(st), p->has_exit, p->exit_code, p->signal);
		putf(t, "  %*lld %*lld %-5.5s %-*s %*s", wid, (long long)p->id, wpid,
		    (long long)p->pid, p->started_by.p ? p->started_by.p : "-", wst, st,
		    2 * (p->depth < 40 ? p->depth : 40), "");
		program(t, &p->exe, &p->argv);
		if (p->backend.p != NULL && strcmp(p->backend.p, "none") == 0)
			puts_(t, " (not traced)");
		endline(t, 0, 1);
	}
	more(t, r->nprocs, "  ");
}

/* Widest package name among the rows shown; 0 without packages. */
static int
package_width(const struct tw *t, const struct rlistv *l)
{
	int w = 1;

	if (!t->o->packages)
		return 0;
	for (size_t i = 0; i < shown(t, l->n); i++)
		if (l->v[i].package.p != NULL && (int)l->v[i].package.n > w)
			w = (int)l->v[i].package.n;
	return w < 40 ? w : 40;
}

static void
package(struct tw *t, const struct rpath *p, int w)
{
	if (w == 0)
		return;
	if (p->package.p == NULL)
		putf(t, "%-*s  ", w, "-");
	else {
		human(t, &p->package);
		putf(t, "%*s  ", w > (int)p->package.n ? w - (int)p->package.n : 0, "");
	}
}

static void
paths(struct tw *t, const struct rrun *r, enum rlist which, const char *title)
{
	const struct rlistv *l = &r->list[which];
	int pw = package_width(t, l), ow = 2;
	char head[128];

	for (size_t i = 0; which == L_WRITTEN && i < shown(t, l->n); i++)
		ow = (int)l->v[i].ops.n > ow ? (int)l->v[i].ops.n : ow;
	snprintf(head, sizeof(head), "%s (%zu)", title, l->n);
	section(t, head);
	for (size_t i = 0; i < shown(t, l->n); i++) {
		const struct rpath *p = &l->v[i];

		puts_(t, "  ");
		package(t, p, pw);
		if (which == L_WRITTEN)
			putf(t, "%-*s  ", ow, p->ops.p ? p->ops.p : "-");
		human(t, &p->path);
		endline(t, 0, 0);
	}
	more(t, l->n, "  ");
}

static const struct {
	const char *kind, *title;
} kinds[] = {
	{ "not-found", "not found (what the programs asked for)" },
	{ "path-lookup", "PATH lookups (candidates tried on the way to a program)" },
	{ "loader-search", "loader searches (the dynamic linker trying each directory)" },
};

static size_t
count_kind(const struct rlistv *l, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i].kind.p != NULL && strcmp(l->v[i].kind.p, kind) == 0;
	return n;
}

static void
missing(struct tw *t, const struct rrun *r)
{
	const struct rlistv *l = &r->list[L_MISSING];
	char head[160];

	snprintf(head, sizeof(head),
	    "missing paths (%zu not found, %zu PATH lookups, %zu loader searches)",
	    count_kind(l, "not-found"), count_kind(l, "path-lookup"),
	    count_kind(l, "loader-search"));
	section(t, head);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = count_kind(l, kinds[k].kind), done = 0;
		int ow = 3, cw = 5;

		if (n == 0)
			continue;
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].kind.p != NULL && strcmp(l->v[i].kind.p, kinds[k].kind) == 0) {
				ow = (int)l->v[i].ops.n > ow ? (int)l->v[i].ops.n : ow;
				cw = digits(l->v[i].calls) > cw ? digits(l->v[i].calls) : cw;
			}
		putf(t, "  %s", kinds[k].title);
		endline(t, 0, 0);
		putf(t, "    %*s  %-*s  PATH", cw, "TRIES", ow, "OPS");
		endline(t, 0, 0);
		for (size_t i = 0; i < l->n && done < shown(t, n); i++) {
			const struct rpath *p = &l->v[i];

			if (p->kind.p == NULL || strcmp(p->kind.p, kinds[k].kind) != 0)
				continue;
			done++;
			putf(t, "    %*lld  %-*s  ", cw, (long long)p->calls, ow,
			    p->ops.p ? p->ops.p : "");
			human(t, &p->path);
			endline(t, 0, 0);
		}
		more(t, n, "    ");
	}
}

static void
top(struct tw *t, const struct rrun *r)
{
	const struct rlistv *l = &r->list[L_TOP];
	int cw = 5, ew = 6, ow = 3;
	char head[64];

	for (size_t i = 0; i < l->n; i++) {
		cw = digits(l->v[i].calls) > cw ? digits(l->v[i].calls) : cw;
		ew = digits(l->v[i].errors) > ew ? digits(l->v[i].errors) : ew;
		ow = (int)l->v[i].ops.n > ow ? (int)l->v[i].ops.n : ow;
	}
	snprintf(head, sizeof(head), "most used paths (top %zu)", l->n);
	section(t, head);
	putf(t, "  %*s  %*s  %-*s  PATH", cw, "CALLS", ew, "ERRORS", ow, "OPS");
	endline(t, 0, 0);
	for (size_t i = 0; i < l->n; i++) {
		const struct rpath *p = &l->v[i];

		putf(t, "  %*lld  %*lld  %-*s  ", cw, (long long)p->calls, ew, (long long)p->errors,
		    ow, p->ops.p ? p->ops.p : "");
		human(t, &p->path);
		endline(t, 0, 0);
	}
}

/* Like strace -c, for paths: per process, calls by operation. */
static void
procs(struct tw *t, const struct rrun *r)
{
	int wid = 2, wpid = 3, cw = 5, ew = 6, pw = 5;

	for (size_t i = 0; i < r->nprocs; i++) {
		const struct rproc *p = &r->procs[i];

		wid = digits(p->id) > wid ? digits(p->id) : wid;
		wpid = digits(p->pid) > wpid ? digits(p->pid) : wpid;
		cw = digits(p->calls) > cw ? digits(p->calls) : cw;
		ew = digits(p->errors) > ew ? digits(p->errors) : ew;
		pw = digits(p->paths) > pw ? digits(p->paths) : pw;
	}
	section(t, "calls by process and operation (errors: calls that failed)");
	putf(t, "  %*s %*s  %*s  %*s  %*s  PROGRAM / OPERATION", wid, "ID", wpid, "PID", cw,
	    "CALLS", ew, "ERRORS", pw, "PATHS");
	endline(t, 0, 0);
	for (size_t i = 0; i < shown(t, r->nprocs); i++) {
		const struct rproc *p = &r->procs[i];

		putf(t, "  %*lld %*lld  %*lld  %*lld  %*lld  ", wid, (long long)p->id, wpid,
		    (long long)p->pid, cw, (long long)p->calls, ew, (long long)p->errors, pw,
		    (long long)p->paths);
		if (p->exe.p != NULL)
			human(t, &p->exe);
		else
			program(t, &p->exe, &p->argv);
		endline(t, 0, 1);
		for (size_t k = 0; k < p->nops; k++) {
			const struct rop *op = &p->ops[k];

			putf(t, "  %*s %*s  %*lld  %*lld  %*lld    ", wid, "", wpid, "", cw,
			    (long long)op->calls, ew, (long long)op->errors, pw,
			    (long long)op->paths);
			human(t, &op->op);
			endline(t, 0, 0);
		}
	}
	more(t, r->nprocs, "  ");
}

static int
text_run(FILE *f, const struct ropts *o, const struct rrun *r, int first)
{
	struct tw t = { .f = f, .o = o };

	if (!first)
		puts_(&t, "\n");
	run_header(&t, r);
	if (o->sections & S_TREE)
		tree(&t, r);
	if (o->sections & S_READ)
		paths(&t, r, L_READ, "files read");
	if (o->sections & S_WRITTEN)
		paths(&t, r, L_WRITTEN, "files written");
	if (o->sections & S_EXECUTED)
		paths(&t, r, L_EXECUTED, "programs executed");
	if (o->sections & S_MISSING)
		missing(&t, r);
	if (o->sections & S_TOP)
		top(&t, r);
	if (o->sections & S_PROCS)
		procs(&t, r);
	report_flush(f, &t.b);
	buf_free(&t.b);
	return t.failed ? -1 : 0;
}

static int
text_none(FILE *f, const struct ropts *o)
{
	return 0;
}

const struct rwriter report_text = { text_none, text_run, text_none };
