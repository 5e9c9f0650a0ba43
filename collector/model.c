#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "htab.h"
#include "json.h"
#include "model.h"
#include "msg.h"
#include "own.h"
#include "path.h"
#include "procstat.h"
#include "util.h"

static const char *const op_names[SB_OP_MAX] = SB_OP_NAMES;

/* One process image: a processes row and what we know beyond it. */
struct proc {
	struct db_process row;
	uint32_t pid;
	uint64_t image;	    /* 0: an untraced image (static/setuid exec) */
	uint64_t starttime; /* 0: unknown */
	int started;	    /* START/FORK (or sbtrace) filled it in */
	int ptraced;	    /* recorded by a syscall backend (ptrace, seccomp) */
	int ended;	    /* exited, or exec replaced it */
	int dirty;	    /* row differs from what was written */
	/* The folded accesses of this image (default mode).  Written out
	 * and freed at the first commit after the image has ended, so the
	 * memory is that of live images; a record that still comes later
	 * (a destructor after the exit record, another thread) brings the
	 * rows back from the database first, so rows and counts stay
	 * exact. */
	struct htab accs;
	int gone;    /* its pid is not running it any more */
	int queued;  /* on the list of tables to free */
	int retired; /* table freed, its rows only in the database */
	int revived; /* retired and brought back: kept to the end */
};

/* pid -> the image that pid runs now (or last ran). */
struct pident {
	uint32_t pid;
	struct proc *proc;
};

/* image -> first process seen with it: fork children inherit it. */
struct imgent {
	uint64_t image;
	struct proc *proc;
};

/* A folded access (default mode): key (op, mode, result, path) in the
 * table of its process.  Millions of these can be alive: kept small. */
struct acc {
	int64_t id; /* 0 until inserted */
	int64_t count;
	int64_t ts_ns; /* first call */
	uint32_t mode;
	int32_t result;
	uint32_t path_len, raw_len; /* raw_len RAW_SAME: raw is the path */
	uint16_t op;
	uint8_t dirty;
	char data[]; /* path NUL, then raw NUL unless RAW_SAME */
};
#define RAW_SAME UINT32_MAX

static const char *
acc_raw(const struct acc *a, size_t *len)
{
	if (a->raw_len == RAW_SAME) {
		*len = a->path_len;
		return a->data;
	}
	*len = a->raw_len;
	return a->data + a->path_len + 1;
}

/* A folded row to write at the next commit, and whose it is. */
struct dirty {
	struct acc *acc;
	int64_t proc_id;
};

/* An exec whose caller has not learnt its outcome yet. */
struct pend {
	uint32_t pid, tid;
	struct proc *caller;
	int64_t ts;
	uint32_t mode;
	uint32_t child_pid;
	char *path, *raw, *argv;
	size_t path_len, raw_len, argv_len;
};

struct model {
	struct db *db;
	int64_t run_id;
	int all_calls;
	struct model_child child;
	const struct filter *filter; /* NULL: everything */
	struct proc *root;
	struct htab by_img, by_pid, by_image, spawned;
	struct proc **procs;
	size_t nprocs, capprocs;
	struct dirty *dirty;
	size_t ndirty, capdirty;
	struct proc **retire; /* ended images whose tables go at the next commit */
	size_t nretire, capretire;
	int64_t next_gone_check; /* CLOCK_MONOTONIC: look for killed images */
	struct pend *pend;
	size_t npend;
	int64_t first_change; /* CLOCK_MONOTONIC of the first unwritten change */
	struct msg msg;
	struct buf json;
	/* the backend the message being handled comes from (ptrace.c,
	 * unotify.c: its processes.backend), NULL for the library */
	const char *from_backend;
	model_untraced_fn *untraced_fn;
	void *untraced_ctx;
	struct own own; /* the tracer's files, left out */
	int failed;
	char err[512];
	struct model_stats st;
};

/* --- keys ------------------------------------------------------------- */

struct imgkey {
	uint32_t pid;
	uint64_t image;
};

static uint64_t
hash_pid_image(uint32_t pid, uint64_t image)
{
	return hash_u64(hash_u64(0, pid), image);
}

static int
eq_proc(const void *val, const void *key)
{
	const struct proc *p = val;
	const struct imgkey *k = key;

	return p->pid == k->pid && p->image == k->image;
}

static int
eq_pident(const void *val, const void *key)
{
	return ((const struct pident *)val)->pid == *(const uint32_t *)key;
}

static int
eq_imgent(const void *val, const void *key)
{
	return ((const struct imgent *)val)->image == *(const uint64_t *)key;
}

struct acckey {
	uint16_t op;
	uint32_t mode;
	int32_t result;
	const char *path;
	size_t path_len;
};

static uint64_t
hash_acc(const struct acckey *k)
{
	uint64_t h =
	    hash_u64(0, ((uint64_t)k->op << 32 | k->mode) ^ ((uint64_t)(uint32_t)k->result << 48));

	return hash_bytes(k->path, k->path_len, h);
}

static int
eq_acc(const void *val, const void *key)
{
	const struct acc *a = val;
	const struct acckey *k = key;

	return a->op == k->op && a->mode == k->mode && a->result == k->result &&
	    a->path_len == k->path_len && memcmp(a->data, k->path, k->path_len) == 0;
}

/* --- errors ----------------------------------------------------------- */

static void
db_failed(struct model *m)
{
	if (!m->failed)
		strlcpy(m->err, db_errmsg(m->db), sizeof(m->err));
	m->failed = 1;
}

static void
oom(struct model *m)
{
	if (!m->failed)
		snprintf(m->err, sizeof(m->err), "%s", strerror(ENOMEM));
	m->failed = 1;
}

int
model_failed(const struct model *m)
{
	return m->failed;
}

void
model_set_failed(struct model *m, const char *why)
{
	strlcpy(m->err, why, sizeof(m->err));
	m->failed = 1;
}

const char *
model_errmsg(const struct model *m)
{
	return m->err;
}

const struct model_stats *
model_stats(const struct model *m)
{
	return &m->st;
}

static void
changed(struct model *m)
{
	if (m->first_change == 0)
		m->first_change = now_mono_ns();
}

/* --- processes -------------------------------------------------------- */

struct model *
model_new(struct db *db, int64_t run_id, int all_calls)
{
	struct model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->db = db;
	m->run_id = run_id;
	m->all_calls = all_calls;
	m->pend = calloc(MODEL_PENDING_MAX, sizeof(*m->pend));
	if (m->pend == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

static void
proc_free_strings(struct proc *p)
{
	free(p->row.exe);
	free(p->row.execfn);
	free(p->row.argv);
	free(p->row.cwd);
	free(p->row.env);
	p->row.exe = p->row.execfn = p->row.argv = p->row.cwd = p->row.env = NULL;
}

static void
pend_free(struct pend *e)
{
	free(e->path);
	free(e->raw);
	free(e->argv);
	memset(e, 0, sizeof(*e));
}

void
model_free(struct model *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nprocs; i++) {
		proc_free_strings(m->procs[i]);
		htab_free(&m->procs[i]->accs, free);
		free(m->procs[i]);
	}
	free(m->procs);
	free(m->retire);
	htab_free(&m->by_img, NULL);
	htab_free(&m->by_pid, free);
	htab_free(&m->by_image, free);
	htab_free(&m->spawned, free);
	for (i = 0; i < m->npend; i++)
		pend_free(&m->pend[i]);
	free(m->pend);
	free(m->dirty);
	msg_free(&m->msg);
	buf_free(&m->json);
	own_free(&m->own);
	free(m);
}

void
model_set_child(struct model *m, const struct model_child *c)
{
	m->child = *c;
}

int
model_set_own(struct model *m, const char *lib, const char *dir)
{
	own_free(&m->own);
	return own_init(&m->own, lib, dir);
}

void
model_set_filter(struct model *m, const struct filter *f)
{
	m->filter = f;
}

static struct proc *
find_img(struct model *m, uint32_t pid, uint64_t image)
{
	struct imgkey k = { pid, image };
	struct htab_ent *e = htab_find(&m->by_img, hash_pid_image(pid, image), eq_proc, &k);

	return e ? e->val : NULL;
}

static struct pident *
find_pid(struct model *m, uint32_t pid)
{
	struct htab_ent *e = htab_find(&m->by_pid, hash_u64(1, pid), eq_pident, &pid);

	return e ? e->val : NULL;
}

static struct proc *
current(struct model *m, uint32_t pid)
{
	struct pident *e = find_pid(m, pid);

	return e ? e->proc : NULL;
}

static struct proc *
first_with_image(struct model *m, uint64_t image)
{
	struct htab_ent *e = htab_find(&m->by_image, hash_u64(2, image), eq_imgent, &image);

	return e ? ((struct imgent *)e->val)->proc : NULL;
}

static struct proc *
spawner_of(struct model *m, uint32_t pid)
{
	struct htab_ent *e = htab_find(&m->spawned, hash_u64(3, pid), eq_pident, &pid);

	return e ? ((struct pident *)e->val)->proc : NULL;
}

/* pid -> proc in one of the pid-keyed maps, replacing what was there. */
static int
pid_map_set(struct htab *t, uint64_t seed, uint32_t pid, struct proc *p)
{
	uint64_t h = hash_u64(seed, pid);
	struct htab_ent *e = htab_find(t, h, eq_pident, &pid);
	struct pident *v;

	if (e != NULL) {
		((struct pident *)e->val)->proc = p;
		return 0;
	}
	if ((v = malloc(sizeof(*v))) == NULL)
		return -1;
	v->pid = pid;
	v->proc = p;
	if (htab_add(t, h, v) == -1) {
		free(v);
		return -1;
	}
	return 0;
}

static int
dup_field(char **dst, size_t *dlen, const char *s, size_t n)
{
	char *c;

	if (s == NULL)
		return 0;
	if ((c = mem_dup(s, n)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	*dlen = n;
	return 0;
}

/* A fork child knows no more about itself than its parent did. */
static int
copy_identity(struct proc *p, const struct proc *from)
{
	const struct db_process *f = &from->row;

	return dup_field(&p->row.exe, &p->row.exe_len, f->exe, f->exe_len) |
	    dup_field(&p->row.execfn, &p->row.execfn_len, f->execfn, f->execfn_len) |
	    dup_field(&p->row.argv, &p->row.argv_len, f->argv, f->argv_len) |
	    dup_field(&p->row.cwd, &p->row.cwd_len, f->cwd, f->cwd_len) |
	    dup_field(&p->row.env, &p->row.env_len, f->env, f->env_len);
}

/*
 * Register a new row: insert it (its id is needed by accesses at once),
 * index it, and make it the current image of its pid.
 */
static struct proc *
proc_add(struct model *m, struct proc *p)
{
	if (m->nprocs == m->capprocs) {
		size_t cap = m->capprocs ? m->capprocs * 2 : 64;
		struct proc **v = reallocarray(m->procs, cap, sizeof(*v));

		if (v == NULL)
			goto nomem;
		m->procs = v;
		m->capprocs = cap;
	}
	if (db_process_insert(m->db, m->run_id, &p->row) == -1) {
		db_failed(m);
		goto fail;
	}
	m->procs[m->nprocs++] = p;
	m->st.processes++;
	changed(m);
	if (pid_map_set(&m->by_pid, 1, p->pid, p) == -1)
		goto nomem_added;
	if (p->image == 0)
		return p;
	if (htab_add(&m->by_img, hash_pid_image(p->pid, p->image), p) == -1)
		goto nomem_added;
	if (first_with_image(m, p->image) == NULL) {
		struct imgent *ie = malloc(sizeof(*ie));

		if (ie == NULL)
			goto nomem_added;
		ie->image = p->image;
		ie->proc = p;
		if (htab_add(&m->by_image, hash_u64(2, p->image), ie) == -1) {
			free(ie);
			goto nomem_added;
		}
	}
	return p;
nomem:
	oom(m);
fail:
	proc_free_strings(p);
	free(p);
	return NULL;
nomem_added:
	oom(m);
	return NULL;
}

static struct proc *
proc_alloc(uint32_t pid, uint64_t image, const char *backend)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->pid = pid;
	p->image = image;
	p->row.pid = pid;
	p->row.ppid = -1;
	p->row.backend = backend;
	p->row.started_by = "fork";
	return p;
}

/* p has ended, or its pid has gone: free its folding table at the next
 * commit, when every row of it has been written. */
static void
retire_later(struct model *m, struct proc *p)
{
	if (p->queued || p->revived || p->accs.n == 0)
		return;
	if (m->nretire == m->capretire) {
		size_t cap = m->capretire ? m->capretire * 2 : 64;
		struct proc **v = reallocarray(m->retire, cap, sizeof(*v));

		if (v == NULL)
			return; /* it stays until the end: only memory */
		m->retire = v;
		m->capretire = cap;
	}
	m->retire[m->nretire++] = p;
	p->queued = 1;
}

static void
proc_end(struct model *m, struct proc *p, int64_t ts)
{
	if (p->ended)
		return;
	p->ended = 1;
	retire_later(m, p);
	if (p->row.end_ns == 0)
		p->row.end_ns = ts;
	p->dirty = 1;
	changed(m);
}

static void resolve_pid(struct model *m, uint32_t pid, uint64_t image);
static void record(struct model *m, struct proc *p, const struct db_access *a, uint16_t op);

/*
 * p is the command's image.  Its exec was sbtrace's, which no library
 * saw: write its rows as the library would have, the file execvp found
 * and each one the kernel ran for it, so that programs_executed lists
 * the command like any other program.
 */
static void
root_is(struct model *m, struct proc *p)
{
	m->root = p;
	for (size_t i = 0; i < m->child.nexecs; i++) {
		const struct model_exec *x = &m->child.execs[i];
		struct db_access a = { .process_id = p->row.id,
			.op = op_names[SB_OP_EXEC],
			.path = x->path,
			.path_len = strlen(x->path),
			.raw = x->raw,
			.raw_len = strlen(x->raw),
			.mode = x->mode,
			.count = 1,
			.ts_ns = m->child.start_ns };

		record(m, p, &a, SB_OP_EXEC);
	}
}

/*
 * A row for an image we have not seen: decide how it came to be.
 * ppid is -1 and starttime 0 when the message did not say.
 */
static struct proc *
proc_new(struct model *m, const struct sb_hdr *h, int64_t ppid, uint64_t starttime)
{
	struct proc *p, *r, *f;

	/* a new image of a pid settles that pid's pending execs */
	resolve_pid(m, h->pid, h->image);
	if ((p = proc_alloc(h->pid, h->image, m->from_backend ? m->from_backend : "preload")) ==
	    NULL) {
		oom(m);
		return NULL;
	}
	p->ptraced = m->from_backend != NULL;
	p->starttime = starttime;
	r = current(m, h->pid);
	if (r != NULL && r->image != h->image && !r->ended &&
	    (r->starttime == 0 || starttime == 0 || r->starttime == starttime)) {
		p->row.parent_id = r->row.id;
		p->row.started_by = "exec";
		p->row.ppid = r->row.ppid;
		if (p->starttime == 0)
			p->starttime = r->starttime;
		proc_end(m, r, (int64_t)h->ts_ns);
	} else if ((r = spawner_of(m, h->pid)) != NULL) {
		p->row.parent_id = r->row.id;
		p->row.started_by = "spawn";
	} else if (m->root == NULL && (pid_t)h->pid == m->child.pid) {
		p->row.started_by = "root";
	} else if ((f = first_with_image(m, h->image)) != NULL) {
		r = ppid >= 0 ? current(m, (uint32_t)ppid) : NULL;
		if (r == NULL || r->image != h->image)
			r = f;
		p->row.parent_id = r->row.id;
		if (ppid < 0)
			ppid = r->pid;
		if (copy_identity(p, r) == -1) {
			oom(m);
			proc_free_strings(p);
			free(p);
			return NULL;
		}
	} else if (ppid >= 0 && (r = current(m, (uint32_t)ppid)) != NULL) {
		p->row.parent_id = r->row.id;
	}
	if (ppid >= 0)
		p->row.ppid = ppid;
	p->row.start_ns = (int64_t)h->ts_ns;
	if ((p = proc_add(m, p)) != NULL && strcmp(p->row.started_by, "root") == 0)
		root_is(m, p);
	return p;
}

/* The row of the image that sent h, created lazily if need be. */
static struct proc *
proc_of(struct model *m, const struct sb_hdr *h)
{
	struct proc *p = find_img(m, h->pid, h->image);

	return p != NULL ? p : proc_new(m, h, -1, 0);
}

/* --- accesses --------------------------------------------------------- */

static int
dirty_push(struct model *m, struct proc *p, struct acc *a)
{
	if (a->dirty)
		return 0;
	if (m->ndirty == m->capdirty) {
		size_t cap = m->capdirty ? m->capdirty * 2 : 1024;
		struct dirty *v = reallocarray(m->dirty, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		m->dirty = v;
		m->capdirty = cap;
	}
	m->dirty[m->ndirty].acc = a;
	m->dirty[m->ndirty++].proc_id = p->row.id;
	a->dirty = 1;
	return 0;
}

/* A folded row with its id and count, new or from the database. */
static struct acc *
acc_add(struct model *m, struct proc *p, const struct db_access *a, uint16_t op, uint64_t h)
{
	int same = a->raw_len == a->path_len && memcmp(a->raw, a->path, a->path_len) == 0;
	struct acc *n;

	if (a->path_len >= RAW_SAME || a->raw_len >= RAW_SAME ||
	    (n = malloc(sizeof(*n) + a->path_len + 1 + (same ? 0 : a->raw_len + 1))) == NULL) {
		oom(m);
		return NULL;
	}
	*n = (struct acc){ .op = op,
		.mode = a->mode,
		.result = a->result,
		.count = a->count,
		.ts_ns = a->ts_ns,
		.path_len = (uint32_t)a->path_len,
		.raw_len = same ? RAW_SAME : (uint32_t)a->raw_len };
	memcpy(n->data, a->path, a->path_len);
	n->data[a->path_len] = '\0';
	if (!same) {
		memcpy(n->data + a->path_len + 1, a->raw, a->raw_len);
		n->data[a->path_len + 1 + a->raw_len] = '\0';
	}
	if (htab_add(&p->accs, h, n) == -1) {
		free(n);
		oom(m);
		return NULL;
	}
	return n;
}

static uint16_t
op_number(const char *name)
{
	for (uint16_t op = 1; op < SB_OP_MAX; op++)
		if (op_names[op] != NULL && strcmp(op_names[op], name) == 0)
			return op;
	return 0;
}

/* One row of a retired image, read back from the database. */
static int
revive_row(void *ctx, int64_t id, const struct db_access *a)
{
	struct proc *p = ((void **)ctx)[1];
	struct model *m = ((void **)ctx)[0];
	uint16_t op = op_number(a->op);
	struct acckey k = { op, a->mode, a->result, a->path, a->path_len };
	struct acc *n;

	if (op == 0)
		return 0; /* not a row of ours: leave it alone */
	if ((n = acc_add(m, p, a, op, hash_acc(&k))) == NULL)
		return -1;
	n->id = id;
	return 0;
}

/*
 * A record for an image whose table was freed: load its rows back, so
 * that a call it made before folds into its row again.  Only a late
 * record (a thread still running after the exit record, a pid wrongly
 * thought gone) comes here; the image keeps its table from now on.
 */
static int
revive(struct model *m, struct proc *p)
{
	void *ctx[2] = { m, p };

	p->retired = 0;
	p->revived = 1;
	m->st.revived++;
	if (db_access_each(m->db, p->row.id, revive_row, ctx) == -1) {
		db_failed(m);
		return -1;
	}
	return m->failed ? -1 : 0;
}

static void
record(struct model *m, struct proc *p, const struct db_access *a, uint16_t op)
{
	struct acckey k = { op, a->mode, a->result, a->path, a->path_len };
	struct htab_ent *e;
	struct acc *n;
	uint64_t h;

	if (own_is(&m->own, op, a->mode, a->path, a->path_len, p->ptraced))
		return;
	/* before the folding table: what is left out costs no memory */
	if (m->filter != NULL && !filter_keep(m->filter, op, a->path, a->path_len)) {
		m->st.filtered++;
		return;
	}
	m->st.calls++;
	changed(m);
	if (m->all_calls) {
		if (db_access_insert(m->db, a, NULL) == -1)
			db_failed(m);
		m->st.accesses++;
		return;
	}
	if (p->retired && revive(m, p) == -1)
		return;
	h = hash_acc(&k);
	if ((e = htab_find(&p->accs, h, eq_acc, &k)) != NULL) {
		n = e->val;
		n->count++;
		if (dirty_push(m, p, n) == -1)
			oom(m);
		return;
	}
	if ((n = acc_add(m, p, a, op, h)) == NULL)
		return;
	m->st.accesses++;
	if (dirty_push(m, p, n) == -1)
		oom(m);
	/* a late record of an image that had ended with an empty table */
	if (p->ended || p->gone)
		retire_later(m, p);
}

/* Is s[0..n) absolute and already what path_normalize() would make of
 * it?  Most paths are, and this spares a copy per event. */
static int
is_normal_abs(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	if (s[n - 1] == '/')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '/')
			continue;
		/* a component starting at i + 1: empty, "." or ".." */
		if (i + 1 < n && s[i + 1] == '/')
			return 0;
		if (i + 1 < n && s[i + 1] == '.' &&
		    (i + 2 == n || s[i + 2] == '/' ||
			(s[i + 2] == '.' && (i + 3 == n || s[i + 3] == '/'))))
			return 0;
	}
	return 1;
}

/* Record one access of p to raw (relative to base). */
static void
record_path(struct model *m, struct proc *p, uint16_t op, uint32_t mode, int32_t result, int64_t ts,
    struct str raw, struct str base)
{
	struct db_access a = { .process_id = p->row.id,
		.op = op_names[op],
		.raw = raw.p,
		.raw_len = raw.n,
		.mode = mode,
		.result = result,
		.count = 1,
		.ts_ns = ts };
	char *path = NULL;

	if (is_normal_abs(raw.p, raw.n)) {
		a.path = raw.p;
		a.path_len = raw.n;
	} else if ((path = path_normalize(base.p, base.n, raw.p, raw.n, &a.path_len)) == NULL) {
		oom(m);
		return;
	} else {
		a.path = path;
	}
	record(m, p, &a, op);
	free(path);
}

/* --- execs ------------------------------------------------------------ */

/* The image an untraced (static or set-id) exec started: all we know. */
static void
untraced_image(struct model *m, struct proc *caller, uint32_t pid, int spawn, int64_t ts,
    const struct pend *e)
{
	struct proc *p = proc_alloc(pid, 0, "none");

	if (p == NULL) {
		oom(m);
		return;
	}
	p->row.parent_id = caller->row.id;
	p->row.started_by = spawn ? "spawn" : "exec";
	p->row.ppid = spawn ? (int64_t)caller->pid : caller->row.ppid;
	p->row.start_ns = ts;
	p->starttime = spawn ? 0 : caller->starttime;
	p->started = 1;
	if (dup_field(&p->row.exe, &p->row.exe_len, e->path, e->path_len) == -1 ||
	    dup_field(&p->row.argv, &p->row.argv_len, e->argv, e->argv_len) == -1 ||
	    dup_field(&p->row.cwd, &p->row.cwd_len, caller->row.cwd, caller->row.cwd_len) == -1) {
		proc_free_strings(p);
		free(p);
		oom(m);
		return;
	}
	if (!spawn)
		proc_end(m, caller, ts);
	if (proc_add(m, p) != NULL && m->untraced_fn != NULL)
		m->untraced_fn(m->untraced_ctx, pid, e->path, e->mode);
}

/*
 * caller spawned child_pid.  The child's own START usually comes first
 * (the caller reports after posix_spawn returns), so mend its row too.
 */
static void
spawned(struct model *m, struct proc *caller, uint32_t child_pid)
{
	struct proc *c = current(m, child_pid);

	if (pid_map_set(&m->spawned, 3, child_pid, caller) == -1) {
		oom(m);
		return;
	}
	if (c == NULL || c == caller || c == m->root || c->image == 0 ||
	    (c->row.parent_id != 0 && c->row.parent_id != caller->row.id) ||
	    strcmp(c->row.started_by, "exec") == 0)
		return;
	c->row.parent_id = caller->row.id;
	c->row.started_by = "spawn";
	c->dirty = 1;
	changed(m);
}

/*
 * An exec's outcome is known: write its row and what follows from it.
 * traced: the new image was seen (the ptrace backend took over a static
 * exec), so it is no untraced image.
 */
static void
exec_done(struct model *m, struct pend *e, int32_t result, int traced)
{
	struct db_access a = { .process_id = e->caller->row.id,
		.op = op_names[SB_OP_EXEC],
		.path = e->path,
		.path_len = e->path_len,
		.raw = e->raw,
		.raw_len = e->raw_len,
		.mode = e->mode,
		.result = result,
		.count = 1,
		.ts_ns = e->ts };
	int spawn = (e->mode & SB_M_SPAWN) != 0;

	record(m, e->caller, &a, SB_OP_EXEC);
	if (result != 0)
		return;
	if (spawn && e->child_pid != 0)
		spawned(m, e->caller, e->child_pid);
	if ((e->mode & (SB_M_STATIC | SB_M_SETUID)) && !traced && (!spawn || e->child_pid != 0))
		untraced_image(m, e->caller, spawn ? e->child_pid : e->pid, spawn, e->ts, e);
}

static void
pend_remove(struct model *m, size_t i)
{
	pend_free(&m->pend[i]);
	m->pend[i] = m->pend[--m->npend];
	memset(&m->pend[m->npend], 0, sizeof(m->pend[0]));
}

/* Settle pending execs of pid as successful: a new image of it spoke. */
static void
resolve_pid(struct model *m, uint32_t pid, uint64_t image)
{
	size_t i = 0;

	while (i < m->npend) {
		if (m->pend[i].pid == pid && m->pend[i].caller->image != image) {
			exec_done(m, &m->pend[i], 0, m->from_backend != NULL);
			pend_remove(m, i);
		} else {
			i++;
		}
	}
}

static struct pend *
pend_find(struct model *m, uint32_t pid, uint32_t tid)
{
	size_t i;

	for (i = 0; i < m->npend; i++)
		if (m->pend[i].pid == pid && m->pend[i].tid == tid)
			return &m->pend[i];
	return NULL;
}

static void
on_exec(struct model *m, struct proc *p, const struct msg *g)
{
	const struct sb_exec *x = &g->u.exec;
	struct str raw = g->str[0], res = g->str[1], base = g->str[2];
	struct pend e = { .pid = g->hdr.pid,
		.tid = g->hdr.tid,
		.caller = p,
		.ts = (int64_t)g->hdr.ts_ns,
		.mode = x->mode | SB_M_READ,
		.child_pid = x->child_pid };
	struct pend *old;
	struct str use = res.n > 0 ? res : raw;

	e.path = path_normalize(base.p, base.n, use.p, use.n, &e.path_len);
	e.raw = mem_dup(raw.p, raw.n);
	e.raw_len = raw.n;
	buf_clear(&m->json);
	if (e.path == NULL || e.raw == NULL ||
	    json_add_array(&m->json, g->str + 3, g->nstr - 3) == -1 ||
	    (e.argv = mem_dup(m->json.p, m->json.len)) == NULL) {
		pend_free(&e);
		oom(m);
		return;
	}
	e.argv_len = m->json.len;
	if (x->result != SB_EXEC_PENDING) {
		exec_done(m, &e, x->result, 0);
		pend_free(&e);
		return;
	}
	/* a thread announcing a second exec got through the first */
	if ((old = pend_find(m, e.pid, e.tid)) != NULL) {
		exec_done(m, old, 0, 0);
		pend_remove(m, (size_t)(old - m->pend));
	}
	if (m->npend == MODEL_PENDING_MAX) {
		exec_done(m, &m->pend[0], 0, 0);
		pend_remove(m, 0);
	}
	m->pend[m->npend++] = e;
}

static void
on_exec_fail(struct model *m, const struct msg *g)
{
	struct pend *e = pend_find(m, g->hdr.pid, g->hdr.tid);

	if (e == NULL) {
		m->st.malformed++;
		return;
	}
	exec_done(m, e, g->u.exec_fail.error, 0);
	pend_remove(m, (size_t)(e - m->pend));
}

/* --- other messages --------------------------------------------------- */

/*
 * A row made before its START (LD_AUDIT reports loads before the
 * library's constructor runs) may not have known its parent: now the
 * ppid says who it is.
 */
static void
adopt(struct model *m, struct proc *p, int64_t ppid)
{
	struct proc *r;

	if (p->row.parent_id != 0 || p == m->root)
		return;
	if ((r = spawner_of(m, p->pid)) != NULL)
		p->row.started_by = "spawn";
	else if ((r = current(m, (uint32_t)ppid)) == NULL || r == p)
		return;
	p->row.parent_id = r->row.id;
}

static void
on_start(struct model *m, const struct msg *g)
{
	const struct sb_start *s = &g->u.start;
	struct proc *p = find_img(m, g->hdr.pid, g->hdr.image);
	int late = p != NULL && p->started;
	size_t nenv = s->nenv;

	if (p == NULL && (p = proc_new(m, &g->hdr, s->ppid, s->starttime)) == NULL)
		return;
	/* a second START for one image (only a hostile writer sends one)
	 * changes nothing already known */
	if (late && p->row.exe != NULL)
		return;
	if (nenv > g->nstr - 3) {
		/* more environment than strings: keep what is certain */
		m->st.malformed++;
		nenv = 0;
	}
	buf_clear(&m->json);
	if (dup_field(&p->row.exe, &p->row.exe_len, g->str[0].p, g->str[0].n) == -1 ||
	    dup_field(&p->row.execfn, &p->row.execfn_len, g->str[1].p, g->str[1].n) == -1 ||
	    dup_field(&p->row.cwd, &p->row.cwd_len, g->str[2].p, g->str[2].n) == -1 ||
	    json_add_env(&m->json, g->str + 3, nenv) == -1 ||
	    dup_field(&p->row.env, &p->row.env_len, m->json.p, m->json.len) == -1) {
		oom(m);
		return;
	}
	buf_clear(&m->json);
	if (json_add_array(&m->json, g->str + 3 + nenv, g->nstr - 3 - nenv) == -1 ||
	    dup_field(&p->row.argv, &p->row.argv_len, m->json.p, m->json.len) == -1) {
		oom(m);
		return;
	}
	if (!p->started)
		adopt(m, p, s->ppid);
	p->row.ppid = s->ppid;
	if (!late)
		p->row.start_ns = (int64_t)g->hdr.ts_ns;
	if (s->starttime != 0)
		p->starttime = s->starttime;
	p->started = 1;
	p->dirty = 1;
}

static void
on_fork(struct model *m, const struct msg *g)
{
	const struct sb_fork *f = &g->u.fork;
	struct proc *p = find_img(m, g->hdr.pid, g->hdr.image), *parent;

	if (p == NULL && (p = proc_new(m, &g->hdr, f->ppid, f->starttime)) == NULL)
		return;
	if (p->started)
		return;
	parent = current(m, f->ppid);
	if (parent == NULL || parent->image != g->hdr.image)
		parent = find_img(m, f->ppid, g->hdr.image);
	if (parent != NULL && parent != p) {
		p->row.parent_id = parent->row.id;
		if (copy_identity(p, parent) == -1)
			oom(m);
	}
	p->row.ppid = f->ppid;
	p->row.started_by = "fork";
	p->starttime = f->starttime;
	p->started = 1;
	p->dirty = 1;
}

static void
on_exit_msg(struct model *m, struct proc *p, const struct msg *g)
{
	/* the parent sees exit()'s argument modulo 256 */
	p->row.has_exit = 1;
	p->row.exit_code = g->u.exit.status & 0xff;
	p->row.end_ns = (int64_t)g->hdr.ts_ns;
	p->ended = 1;
	p->dirty = 1;
	retire_later(m, p);
}

static void
on_access(struct model *m, struct proc *p, const struct msg *g)
{
	const struct sb_access *a = &g->u.access;
	int64_t ts = (int64_t)g->hdr.ts_ns;

	if (a->op == 0 || a->op >= SB_OP_MAX) {
		m->st.malformed++;
		return;
	}
	record_path(m, p, a->op, a->mode, a->result, ts, g->str[0], g->str[1]);
	if (g->nstr >= 4 && (a->op == SB_OP_RENAME || a->op == SB_OP_LINK))
		record_path(m, p, a->op, a->mode | SB_M_NEWPATH | SB_M_CREATE | SB_M_WRITE,
		    a->result, ts, g->str[2], g->str[3]);
}

void
model_message(void *ctx, const struct sb_hdr *hdr, const unsigned char *body, size_t len)
{
	struct model *m = ctx;
	struct msg *g = &m->msg;
	struct proc *p;

	m->st.messages++;
	if (m->failed)
		return;
	if (msg_decode(g, hdr, body, len) == -1) {
		if (errno == ENOMEM)
			oom(m);
		m->st.malformed++;
		return;
	}
	changed(m);
	/* An image a syscall backend records may load the library too
	 * (it was handed over, or -b auto traces it from a static
	 * ancestor): one backend per image, the first one. */
	if (m->from_backend == NULL) {
		p = hdr->type == SB_MSG_EXEC_FAIL ? current(m, hdr->pid)
						  : find_img(m, hdr->pid, hdr->image);
		if (p != NULL && p->ptraced)
			return;
	}
	switch (hdr->type) {
	case SB_MSG_START:
		on_start(m, g);
		return;
	case SB_MSG_FORK:
		on_fork(m, g);
		return;
	case SB_MSG_EXEC_FAIL:
		on_exec_fail(m, g);
		return;
	}
	if ((p = proc_of(m, hdr)) == NULL)
		return;
	switch (hdr->type) {
	case SB_MSG_ACCESS:
		on_access(m, p, g);
		break;
	case SB_MSG_EXEC:
		on_exec(m, p, g);
		break;
	case SB_MSG_EXIT:
		on_exit_msg(m, p, g);
		break;
	}
}

void
model_backend_message(struct model *m, const char *backend, const struct sb_hdr *hdr,
    const unsigned char *body, size_t len)
{
	m->from_backend = backend;
	model_message(m, hdr, body, len);
	m->from_backend = NULL;
}

void
model_backend_oom(struct model *m)
{
	oom(m);
}

/* A wait status seen for p's process: its exit code or signal, and
 * its end unless an exit record already gave one. */
static void
proc_set_status(struct model *m, struct proc *p, int status, int64_t ts)
{
	if (WIFEXITED(status)) {
		p->row.has_exit = 1;
		p->row.exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		p->row.has_exit = 0;
		p->row.signal = WTERMSIG(status);
	}
	if (p->row.end_ns == 0)
		p->row.end_ns = ts;
	p->ended = 1;
	p->dirty = 1;
	retire_later(m, p);
	changed(m);
}

void
model_backend_exit(struct model *m, uint32_t pid, uint64_t image, int status, int64_t ts)
{
	struct proc *p = find_img(m, pid, image);

	if (m->failed || p == NULL || !p->ptraced)
		return;
	proc_set_status(m, p, status, ts);
}

void
model_set_untraced_fn(struct model *m, model_untraced_fn *fn, void *ctx)
{
	m->untraced_fn = fn;
	m->untraced_ctx = ctx;
}

/* --- the direct child, writing, the end ------------------------------ */

void
model_child_exit(struct model *m, int status, int64_t ts)
{
	struct proc *p = current(m, (uint32_t)m->child.pid);

	if (m->failed)
		return;
	if (p == NULL) {
		/* it never reported (a static command): what sbtrace saw */
		if ((p = proc_alloc((uint32_t)m->child.pid, 0, "none")) == NULL) {
			oom(m);
			return;
		}
		p->row.started_by = "root";
		p->row.ppid = m->child.parent;
		p->row.start_ns = m->child.start_ns;
		p->started = 1;
		if (dup_field(&p->row.argv, &p->row.argv_len, m->child.argv,
			strlen(m->child.argv)) == -1 ||
		    (m->child.exe != NULL &&
			dup_field(&p->row.exe, &p->row.exe_len, m->child.exe,
			    strlen(m->child.exe)) == -1) ||
		    dup_field(&p->row.cwd, &p->row.cwd_len, m->child.cwd, strlen(m->child.cwd)) ==
			-1) {
			proc_free_strings(p);
			free(p);
			oom(m);
			return;
		}
		if ((p = proc_add(m, p)) == NULL)
			return;
		root_is(m, p);
	}
	proc_set_status(m, p, status, ts);
}

/* Free the tables of the images that ended: every row of them has been
 * written and committed. */
static void
retire_ended(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nretire; i++) {
		struct proc *p = m->retire[i];

		p->queued = 0;
		if (p->revived || p->accs.n == 0)
			continue;
		htab_free(&p->accs, free);
		p->retired = 1;
		m->st.retired++;
	}
	m->nretire = 0;
}

static int pid_alive(uint32_t pid, uint64_t starttime);

/*
 * An image killed by a signal sends no exit record, and its pid is not
 * our child: look, at most once a second, whether the images with big
 * tables still run.  One that does not is only marked gone (its row is
 * left as it is); if it was wrongly thought gone, its next record
 * brings its rows back.
 */
static void
find_gone(struct model *m, int64_t now)
{
	size_t i;

	if (now < m->next_gone_check)
		return;
	m->next_gone_check = now + MODEL_GONE_NS;
	for (i = 0; i < m->nprocs; i++) {
		struct proc *p = m->procs[i];

		if (p->ended || p->gone || p->revived || p->accs.n < MODEL_GONE_ROWS ||
		    pid_alive(p->pid, p->starttime))
			continue;
		p->gone = 1;
		retire_later(m, p);
	}
}

static int
flush(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nprocs && !m->failed; i++) {
		struct proc *p = m->procs[i];

		if (p->dirty && db_process_update(m->db, &p->row) == -1)
			db_failed(m);
		p->dirty = 0;
	}
	for (i = 0; i < m->ndirty && !m->failed; i++) {
		struct acc *a = m->dirty[i].acc;
		struct db_access r = { .process_id = m->dirty[i].proc_id,
			.op = op_names[a->op],
			.path = a->data,
			.path_len = a->path_len,
			.mode = a->mode,
			.result = a->result,
			.count = a->count,
			.ts_ns = a->ts_ns };

		r.raw = acc_raw(a, &r.raw_len);
		a->dirty = 0;
		if (a->id == 0 ? db_access_insert(m->db, &r, &a->id)
			       : db_access_set_count(m->db, a->id, a->count))
			db_failed(m);
	}
	m->ndirty = 0;
	if (!m->failed && db_commit(m->db) == -1)
		db_failed(m);
	if (!m->failed) {
		m->st.kept_processes = m->st.processes;
		m->st.kept_accesses = m->st.accesses;
		m->st.kept_messages = m->st.messages;
		retire_ended(m);
	}
	m->first_change = 0;
	return m->failed ? -1 : 0;
}

int64_t
model_tick(struct model *m, int64_t now)
{
	int64_t age;

	if (m->failed)
		return -2;
	if (m->first_change == 0 && db_txn_rows(m->db) == 0)
		return -1;
	if (m->first_change == 0)
		m->first_change = now;
	age = now - m->first_change;
	if (age < MODEL_COMMIT_NS && m->ndirty + db_txn_rows(m->db) < MODEL_COMMIT_ROWS)
		return MODEL_COMMIT_NS - age;
	find_gone(m, now);
	return flush(m) == -1 ? -2 : -1;
}

int
model_finish(struct model *m)
{
	while (m->npend > 0 && !m->failed) {
		exec_done(m, &m->pend[0], 0, 0);
		pend_remove(m, 0);
	}
	if (m->failed)
		return -1;
	return flush(m);
}

/* Is pid still running the process whose starttime we know? */
static int
pid_alive(uint32_t pid, uint64_t starttime)
{
	char path[64], buf[1024];
	struct sb_procstat ps;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		/* no /proc (not mounted, masked): ask about the pid alone */
		if (access("/proc/self/stat", F_OK) == -1)
			return kill((pid_t)pid, 0) == 0 || errno == EPERM;
		return 0;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || sb_procstat_parse(buf, (size_t)n, &ps) == -1 || ps.state == 'Z' ||
	    ps.state == 'X')
		return 0;
	return starttime == 0 || ps.starttime == starttime;
}

int
model_any_alive(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nprocs; i++) {
		struct proc *p = m->procs[i];

		if (p->ended || p->image == 0)
			continue;
		if (pid_alive(p->pid, p->starttime))
			return 1;
		/* gone without a word (killed): no need to look again */
		p->ended = 1;
		retire_later(m, p);
	}
	return 0;
}
