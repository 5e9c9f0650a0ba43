/*
 * sbtrace report [options] DB: what a traced run did, from its database
 * alone, read-only (sbtrace-report(1)).  Options, the runs to report,
 * and the loop; report_db.c reads, report_{text,json,csv}.c write.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "json.h"
#include "report.h"
#include "textenc.h"

/* Rows per list of the text report, and most used paths, by default. */
#define REPORT_LIMIT 20

static const char usage_text[] =
    "usage: sbtrace report [-r RUN | -r all] [-s SECTION[,SECTION ...]] [-n N] [-w WIDTH]\n"
    "                      [--json | --csv] DB\n"
    "       sbtrace report --help\n";

static const char help_text[] =
    "\n"
    "What a traced run did, from its database (read-only): the process tree,\n"
    "the files read and written, the programs executed, the missing paths (PATH\n"
    "lookups and loader searches apart), the most used paths, and the calls of\n"
    "each process by operation.\n"
    "\n"
    "  -r, --run RUN       the run to report: its id, \"last\" (the default) or \"all\"\n"
    "  -s, --section LIST  only these, comma separated: tree, read, written,\n"
    "                      executed, missing, top, procs (default: all)\n"
    "  -n, --limit N       rows per list in the text report, and most used paths\n"
    "                      (default 20; 0: all)\n"
    "  -w, --width WIDTH   cut text lines of arguments to WIDTH columns (default: the\n"
    "                      terminal's; 0: never)\n"
    "      --json          JSON, valid UTF-8 for any path bytes\n"
    "      --csv           CSV (RFC 4180), one table, valid UTF-8 for any path bytes\n"
    "  -h, --help          this help\n"
    "\n"
    "Exit status: 0 done, 1 error (no such database or run, not an sbtrace\n"
    "database, a newer schema), 2 usage.  See sbtrace-report(1).\n";

static const struct {
	const char *name;
	unsigned bit;
} section_names[] = {
	{ "tree", S_TREE },
	{ "read", S_READ },
	{ "written", S_WRITTEN },
	{ "executed", S_EXECUTED },
	{ "missing", S_MISSING },
	{ "top", S_TOP },
	{ "procs", S_PROCS },
};

static void __attribute__((noreturn)) usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fputs(usage_text, stderr);
	exit(2);
}

/* -s LIST into the section bits. */
static unsigned
parse_sections(const char *list)
{
	unsigned bits = 0;
	const char *p = list, *e;
	size_t i;

	for (;; p = e + 1) {
		e = strchrnul(p, ',');
		for (i = 0; i < sizeof(section_names) / sizeof(section_names[0]); i++)
			if (strlen(section_names[i].name) == (size_t)(e - p) &&
			    strncmp(section_names[i].name, p, (size_t)(e - p)) == 0)
				break;
		if (i == sizeof(section_names) / sizeof(section_names[0]))
			usage_error("unknown section \"%.*s\" (tree, read, written, executed, "
				    "missing, top, procs)",
			    (int)(e - p), p);
		bits |= section_names[i].bit;
		if (*e == '\0')
			return bits;
	}
}

/* The run asked for: an id, 0 for the last, -1 for all. */
static int64_t
parse_run(const char *s)
{
	const char *errstr;
	long long id;

	if (strcmp(s, "last") == 0)
		return 0;
	if (strcmp(s, "all") == 0)
		return -1;
	id = strtonum(s, 1, INT64_MAX, &errstr);
	if (errstr != NULL)
		usage_error("-r %s: a run id, \"last\" or \"all\" (the id is %s)", s, errstr);
	return id;
}

static size_t
parse_count(const char *opt, const char *s, long long max)
{
	const char *errstr;
	long long v = strtonum(s, 0, max, &errstr);

	if (errstr != NULL)
		usage_error("%s %s: %s", opt, s, errstr);
	return (size_t)v;
}

/* The columns of the terminal standard output is, or 0. */
static size_t
terminal_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1)
		return 0;
	return ws.ws_col;
}

/* Parse argv into o and the run wanted; returns the index of DB. */
static int
parse_options(int argc, char **argv, struct ropts *o, int64_t *run)
{
	static const struct option longopts[] = {
		{ "csv", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "limit", required_argument, NULL, 'n' },
		{ "run", required_argument, NULL, 'r' },
		{ "section", required_argument, NULL, 's' },
		{ "width", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, width_given = 0, limit_given = 0;

	opterr = 0; /* our messages, without the program's path */
	while ((ch = getopt_long(argc, argv, ":hn:r:s:w:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
		case 'J':
			if (o->format != F_TEXT && o->format != (ch == 'C' ? F_CSV : F_JSON))
				usage_error("--json and --csv exclude each other");
			o->format = ch == 'C' ? F_CSV : F_JSON;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			exit(0);
		case 'n':
			o->limit = parse_count("-n", optarg, 1000000000);
			limit_given = 1;
			break;
		case 'r':
			*run = parse_run(optarg);
			break;
		case 's':
			o->sections |= parse_sections(optarg);
			break;
		case 'w':
			o->width = parse_count("-w", optarg, 100000);
			width_given = 1;
			break;
		case ':':
			usage_error("option %s needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		usage_error("no database given");
	if (optind + 1 < argc)
		usage_error("one database only: %s", argv[optind + 1]);
	if (o->sections == 0)
		o->sections = S_ALL;
	o->top = limit_given ? o->limit : REPORT_LIMIT;
	if (!limit_given)
		o->limit = o->format == F_TEXT ? REPORT_LIMIT : 0;
	/* JSON and CSV are for programs: every row of every list */
	if (o->format != F_TEXT)
		o->limit = 0;
	if (!width_given)
		o->width = o->format == F_TEXT ? terminal_width() : 0;
	return optind;
}

int
report_argv_json(struct buf *b, const struct rargv *a, int *valid)
{
	*valid = 1;
	if (buf_add(b, "[", 1) == -1)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		if ((i > 0 && buf_add(b, ",", 1) == -1) ||
		    json_add_text(b, a->v[i].p, a->v[i].n) == -1)
			return -1;
		*valid &= sb_utf8_valid(a->v[i].p, a->v[i].n);
	}
	return buf_add(b, "]", 1);
}

int
report_argv_hex(struct buf *b, const struct rargv *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (textenc_add_hex(b, a->v[i].p, a->v[i].n) == -1 || buf_add(b, "00", 2) == -1)
			return -1;
	return 0;
}

const char *
report_signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;

	if (abbrev != NULL)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

void
report_flush(FILE *f, struct buf *b)
{
	if (b->len > 0)
		(void)fwrite(b->p, 1, b->len, f);
	buf_clear(b);
}

/* The run ids to report, or -1 after a message. */
static int
choose_runs(struct rdb *r, const struct ropts *o, int64_t run, int64_t **ids, size_t *n)
{
	int has;

	if (o->nruns == 0) {
		warnx("%s: no runs recorded", o->db);
		return -1;
	}
	if (run == -1)
		return rdb_runs(r, ids, n);
	if (run == 0)
		run = o->last_run;
	if ((has = rdb_has_run(r, run)) == -1)
		return -1;
	if (!has) {
		warnx("%s: no run %lld (%lld run%s, the last is %lld)", o->db, (long long)run,
		    (long long)o->nruns, o->nruns == 1 ? "" : "s", (long long)o->last_run);
		return -1;
	}
	if ((*ids = malloc(sizeof(**ids))) == NULL) {
		warn(NULL);
		return -1;
	}
	**ids = run;
	*n = 1;
	return 0;
}

static int
report_runs(struct rdb *r, const struct ropts *o, const struct rwriter *w, const int64_t *ids,
    size_t n)
{
	struct rrun run;

	if (w->begin(stdout, o) == -1) {
		warn(NULL);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = rdb_load(r, ids[i], o, &run);

		if (rc == 0 && w->run(stdout, o, &run, i == 0) == -1) {
			warn(NULL);
			rc = -1;
		}
		rrun_free(&run);
		if (rc == -1)
			return -1;
	}
	if (w->end(stdout, o) == -1) {
		warn(NULL);
		return -1;
	}
	return 0;
}

int
report_main(int argc, char **argv)
{
	struct ropts o = { .format = F_TEXT };
	const struct rwriter *w;
	int64_t run = 0, *ids = NULL;
	size_t n = 0;
	struct rdb *r;
	int rc = 1;

	/* err(3) and warnx(3) say "sbtrace report: ..." */
	program_invocation_short_name = (char *)"sbtrace report";
	o.db = argv[parse_options(argc, argv, &o, &run)];
	w = o.format == F_JSON ? &report_json : o.format == F_CSV ? &report_csv : &report_text;
	if ((r = rdb_open(o.db, &o)) == NULL)
		return 1;
	if (choose_runs(r, &o, run, &ids, &n) == 0 && report_runs(r, &o, w, ids, n) == 0)
		rc = 0;
	free(ids);
	rdb_close(r);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "standard output");
	return rc;
}
