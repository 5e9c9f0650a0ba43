/*
 * dpkg's database, read directly: see dpkg.h.  Everything lives in one
 * arena freed at once, and the list files are kept in memory as read
 * (each newline made a NUL), so a listed path is a key in place and the
 * only copies are the paths whose directory resolves elsewhere (/bin/x,
 * /lib/... under a merged /usr).  Two hash tables: paths to owners, and
 * directories to where they resolve in the root, which makes the
 * resolution one fstatat per distinct directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpkg.h"
#include "path.h"
#include "rootwalk.h"

/* Larger files are not dpkg's: refuse rather than eat memory (the
 * biggest list on a desktop is a few MB). */
#define FILE_MAX (256u << 20)
#define CHUNK (64u << 10)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};
/* A file is read into a buffer with room for a chunk header in front,
 * so that the arena can take it over as it is. */
#define HDR offsetof(struct chunk, data)

/* An open-addressing table of (bytes, length) keys, not copied. */
struct slot {
	const char *key;
	uint32_t len;
	uint32_t val;
};

struct table {
	struct slot *v;
	size_t cap, n;
};

/* One owner of a path; the owners of one path are chained. */
struct owner {
	uint32_t pkg;
	uint32_t next; /* UINT32_MAX ends the chain */
};

struct diversion {
	const char *from, *to, *holder; /* holder ":" for a local one */
};

struct pkg {
	struct dpkg_pkg pub;
	const char *listname; /* info/LISTNAME.list */
};

struct dpkg {
	int rootfd; /* -1: paths are taken lexically */
	struct chunk *arena;
	struct pkg *pkgs;
	size_t npkgs;
	struct diversion *divs;
	size_t ndivs;
	struct table divmap; /* from -> divs[] */
	struct table paths;  /* resolved path -> owners[] chain head */
	struct table dirs;   /* directory as written -> canon[] */
	const char **canon;  /* the resolved text of each directory */
	uint32_t *canonlen;
	size_t ncanon;
	struct owner *owners;
	size_t nowners;
	const char *native; /* dpkg's own architecture, or NULL */
	/* the directory resolved last (a key of dirs) and its resolution:
	 * a list names the files of one directory in a row */
	const char *lastdir, *lastres;
	size_t lastlen, lastreslen;
};

/* --- errors, memory ---------------------------------------------------- */

__attribute__((format(printf, 4, 5))) static int
fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;

	if (errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

static void *
arena_alloc(struct dpkg *db, size_t n)
{
	struct chunk *c = db->arena;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = malloc(sizeof *c + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		/* a big block goes behind the current one, which may still
		 * have room for small ones */
		if (n > CHUNK && db->arena != NULL) {
			c->next = db->arena->next;
			db->arena->next = c;
		} else {
			c->next = db->arena;
			db->arena = c;
		}
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static char *
arena_strndup(struct dpkg *db, const char *s, size_t n)
{
	char *p = arena_alloc(db, n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* --- the hash tables --------------------------------------------------- */

/*
 * Eight bytes at a time (the loads unaligned through memcpy), each word
 * mixed in by a multiply, then a murmur finaliser, whose high bits fall
 * into the low ones that pick the slot: a load hashes some ten MB of
 * paths, and FNV's byte at a time was a third of it.
 */
static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The slot of key, or the empty slot where it would go. */
static struct slot *
table_slot(const struct table *t, const char *key, size_t len)
{
	size_t mask = t->cap - 1;

	for (size_t i = hash(key, len) & mask;; i = (i + 1) & mask) {
		struct slot *s = &t->v[i];
		if (s->key == NULL || (s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

static const struct slot *
table_get(const struct table *t, const char *key, size_t len)
{
	if (t->cap == 0)
		return NULL;
	const struct slot *s = table_slot(t, key, len);
	return s->key != NULL ? s : NULL;
}

static int
table_grow(struct table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct table n = { calloc(cap, sizeof *n.v), cap, t->n };

	if (n.v == NULL)
		return -1;
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].key != NULL)
			*table_slot(&n, t->v[i].key, t->v[i].len) = t->v[i];
	free(t->v);
	*t = n;
	return 0;
}

/* Room for n keys without growing. */
static int
table_reserve(struct table *t, size_t n)
{
	while (n * 4 > t->cap * 3)
		if (table_grow(t) < 0)
			return -1;
	return 0;
}

/* The slot for key, made (with key stored, val 0) when new: *added says
 * which.  NULL on ENOMEM. */
static struct slot *
table_put(struct table *t, const char *key, size_t len, int *added)
{
	if (len > UINT32_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((t->n + 1) * 4 > t->cap * 3 && table_grow(t) < 0)
		return NULL;
	struct slot *s = table_slot(t, key, len);
	*added = s->key == NULL;
	if (*added) {
		s->key = key;
		s->len = (uint32_t)len;
		s->val = 0;
		t->n++;
	}
	return s;
}

/* --- resolving directories in the root ---------------------------------- */

static int
at_lstat(void *ctx, const char *p, struct stat *st)
{
	const struct dpkg *db = ctx;
	return fstatat(db->rootfd, p[0] == '/' && p[1] ? p + 1 : ".", st, AT_SYMLINK_NOFOLLOW);
}

static long
at_readlink(void *ctx, const char *p, char *buf, size_t n)
{
	const struct dpkg *db = ctx;
	return readlinkat(db->rootfd, p[0] == '/' && p[1] ? p + 1 : ".", buf, n);
}

/* Remember that directory dir[0..len) (as written) resolves to
 * res[0..rlen); the resolution, kept in the arena, or NULL on ENOMEM. */
static const char *
canon_put(struct dpkg *db, const char *dir, size_t len, const char *res, size_t rlen)
{
	char *key = arena_strndup(db, dir, len);
	const char *val = rlen == len && memcmp(res, dir, len) == 0 ? key : NULL;
	int added;

	if (key == NULL || (val == NULL && (val = arena_strndup(db, res, rlen)) == NULL))
		return NULL;
	if (db->ncanon % 256 == 0) {
		const char **c = reallocarray(db->canon, db->ncanon + 256, sizeof *c);
		if (c == NULL)
			return NULL;
		db->canon = c;
		uint32_t *l = reallocarray(db->canonlen, db->ncanon + 256, sizeof *l);
		if (l == NULL)
			return NULL;
		db->canonlen = l;
	}
	struct slot *s = table_put(&db->dirs, key, len, &added);
	if (s == NULL)
		return NULL;
	s->val = (uint32_t)db->ncanon;
	db->canon[db->ncanon] = val;
	db->canonlen[db->ncanon++] = (uint32_t)rlen;
	db->lastdir = key;
	db->lastlen = len;
	db->lastres = val;
	db->lastreslen = rlen;
	return val;
}

/*
 * Where directory dir[0..len) (absolute, normal, "" for the root) leads
 * in the root: each component after the resolution of those before it,
 * followed inside the root when it is a link; what does not exist stays
 * as written.  Memoised for every prefix, so a load costs one fstatat
 * per distinct directory.  Iterative: a hostile list may hold a path of
 * two thousand components.  NULL on ENOMEM; *outlen gets the length.
 */
static const char *
canon_dir(struct dpkg *db, const char *dir, size_t len, size_t *outlen)
{
	static const struct sb_walk_ops ops = { at_lstat, at_readlink, NULL };
	char cur[SB_WALK_MAX];
	struct sb_walk w;
	size_t known = len, clen = 0;
	const struct slot *hit = NULL;

	if (len == 0 || db->rootfd < 0) {
		*outlen = len;
		return dir; /* the root, or lexical: nothing to resolve */
	}
	if (db->lastdir != NULL && len == db->lastlen && memcmp(dir, db->lastdir, len) == 0) {
		*outlen = db->lastreslen;
		return db->lastres;
	}
	/* the longest prefix resolved before */
	while (known > 0 && (hit = table_get(&db->dirs, dir, known)) == NULL) {
		while (known > 0 && dir[known - 1] != '/')
			known--;
		known = known > 0 ? known - 1 : 0;
	}
	if (hit != NULL) {
		if (known == len) {
			db->lastdir = hit->key;
			db->lastlen = len;
			db->lastres = db->canon[hit->val];
			db->lastreslen = *outlen = db->canonlen[hit->val];
			return db->lastres;
		}
		clen = db->canonlen[hit->val];
		memcpy(cur, db->canon[hit->val], clen);
	}
	const char *res = NULL;
	while (known < len) {
		size_t e = known + 1;
		while (e < len && dir[e] != '/')
			e++;
		struct stat st;
		if (clen != SIZE_MAX && clen + (e - known) >= sizeof cur)
			clen = SIZE_MAX; /* too long to resolve: as written from here */
		if (clen != SIZE_MAX) {
			memcpy(cur + clen, dir + known, e - known);
			clen += e - known;
			cur[clen] = '\0';
			if (at_lstat(db, cur, &st) == 0 && S_ISLNK(st.st_mode) &&
			    sb_walk(&w, &ops, db, "", cur, 0) == 0) {
				memcpy(cur, w.path, w.len + 1);
				clen = w.len;
			}
		}
		res = clen == SIZE_MAX ? canon_put(db, dir, e, dir, e)
				       : canon_put(db, dir, e, cur, clen);
		if (res == NULL)
			return NULL;
		known = e;
	}
	*outlen = clen == SIZE_MAX ? len : clen;
	return res;
}

/* Does path[0..n) need lexical normalising ("//", ".", "..", a
 * trailing '/')? */
static int
needs_normal(const char *p, size_t n)
{
	if (n > 1 && p[n - 1] == '/')
		return 1;
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '/')
			continue;
		if (p[i + 1] == '/')
			return 1;
		if (p[i + 1] == '.' &&
		    (i + 2 == n || p[i + 2] == '/' ||
			(p[i + 2] == '.' && (i + 3 == n || p[i + 3] == '/'))))
			return 1;
	}
	return 0;
}

/*
 * The key of absolute normal path p[0..n): its directory resolved, its
 * last component as written.  Into buf when the directory changed, else
 * p itself.  NULL on ENOMEM or a key longer than buf.
 */
static const char *
path_key(struct dpkg *db, const char *p, size_t n, char *buf, size_t buflen, size_t *klen)
{
	size_t s = n;

	while (s > 0 && p[s - 1] != '/')
		s--;
	if (s <= 1 || n == 1) { /* "/" or a top-level name: nothing above */
		*klen = n;
		return p;
	}
	size_t dlen;
	const char *d = canon_dir(db, p, s - 1, &dlen);
	if (d == NULL)
		return NULL;
	if (dlen == s - 1 && memcmp(d, p, dlen) == 0) {
		*klen = n;
		return p;
	}
	size_t blen = n - s;
	if (dlen + 1 + blen >= buflen) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(buf, d, dlen);
	buf[dlen] = '/';
	memcpy(buf + dlen + 1, p + s, blen);
	buf[dlen + 1 + blen] = '\0';
	*klen = dlen + 1 + blen;
	return buf;
}

/* --- the status file ----------------------------------------------------- */

struct stanza {
	const char *f[6];
	size_t n[6];
	size_t line; /* where it starts */
};

enum { F_PACKAGE, F_STATUS, F_ARCH, F_VERSION, F_MULTIARCH, F_SIZE };
static const char *const fields[] = { "Package", "Status", "Architecture", "Version", "Multi-Arch",
	"Installed-Size" };

/* Debian policy 5.6.1 and dpkg's architecture names. */
static int
valid_name(const char *s, size_t n, int arch)
{
	if (n == 0)
		return arch;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '-' || (!arch && (c == '+' || c == '.'))));
		if (!ok)
			return 0;
	}
	return 1;
}

/* The last word of a Status value ("install ok installed"). */
static void
last_word(const char *s, size_t n, const char **w, size_t *wn)
{
	size_t e = n;

	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	size_t b = e;
	while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t')
		b--;
	*w = s + b;
	*wn = e - b;
}

static const char *
field_or(struct dpkg *db, const struct stanza *st, int k, const char *dflt)
{
	return st->f[k] != NULL ? arena_strndup(db, st->f[k], st->n[k]) : dflt;
}

/* One stanza into db->pkgs, unless it is a package not installed. */
static int
add_stanza(struct dpkg *db, const struct stanza *st, char *err, size_t errlen)
{
	const char *state;
	size_t sn;

	if (st->f[F_PACKAGE] == NULL)
		return fail(err, errlen, EINVAL, "status line %zu: a stanza without Package",
		    st->line);
	if (!valid_name(st->f[F_PACKAGE], st->n[F_PACKAGE], 0) ||
	    (st->f[F_ARCH] && !valid_name(st->f[F_ARCH], st->n[F_ARCH], 1)))
		return fail(err, errlen, EINVAL,
		    "status line %zu: package %.*s: not a valid package or architecture name",
		    st->line, (int)(st->n[F_PACKAGE] > 64 ? 64 : st->n[F_PACKAGE]),
		    st->f[F_PACKAGE]);
	if (st->f[F_STATUS] == NULL)
		return fail(err, errlen, EINVAL, "status line %zu: package %.*s has no Status",
		    st->line, (int)st->n[F_PACKAGE], st->f[F_PACKAGE]);
	last_word(st->f[F_STATUS], st->n[F_STATUS], &state, &sn);
	if (sn == 13 && memcmp(state, "not-installed", 13) == 0)
		return 0;
	if (db->npkgs % 64 == 0) {
		struct pkg *v = reallocarray(db->pkgs, db->npkgs + 64, sizeof *v);
		if (v == NULL)
			return fail(err, errlen, ENOMEM, "status: out of memory");
		db->pkgs = v;
	}
	struct pkg *p = &db->pkgs[db->npkgs];
	memset(p, 0, sizeof *p);
	p->pub.name = field_or(db, st, F_PACKAGE, NULL);
	p->pub.arch = field_or(db, st, F_ARCH, "");
	p->pub.version = field_or(db, st, F_VERSION, "");
	p->pub.multiarch = field_or(db, st, F_MULTIARCH, "no");
	p->pub.state = arena_strndup(db, state, sn);
	if (p->pub.name == NULL || p->pub.arch == NULL || p->pub.version == NULL ||
	    p->pub.multiarch == NULL || p->pub.state == NULL)
		return fail(err, errlen, ENOMEM, "status: out of memory");
	if (st->f[F_SIZE] != NULL) {
		uint64_t v = 0;
		for (size_t i = 0; i < st->n[F_SIZE] && v < UINT64_MAX / 10 - 10; i++)
			if (st->f[F_SIZE][i] >= '0' && st->f[F_SIZE][i] <= '9')
				v = v * 10 + (uint64_t)(st->f[F_SIZE][i] - '0');
		p->pub.installed_kib = v;
	}
	db->npkgs++;
	return 0;
}

/* A field line "Name: value" of line[0..n) into st when it is one we
 * want; -1 when it is no field at all. */
static int
take_field(struct stanza *st, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);

	if (colon == NULL || colon == line)
		return -1;
	size_t nl = (size_t)(colon - line);
	for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
		if (strlen(fields[k]) != nl || strncasecmp(line, fields[k], nl) != 0)
			continue;
		const char *v = colon + 1, *e = line + n;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		st->f[k] = v;
		st->n[k] = (size_t)(e - v);
	}
	return 0;
}

/* The packages' ids, once all are known: qualified when Multi-Arch:
 * same, or of an architecture other than dpkg's own. */
static int
name_packages(struct dpkg *db, char *err, size_t errlen)
{
	for (size_t i = 0; i < db->npkgs; i++)
		if (strcmp(db->pkgs[i].pub.name, "dpkg") == 0 && db->pkgs[i].pub.arch[0])
			db->native = db->pkgs[i].pub.arch;
	for (size_t i = 0; i < db->npkgs; i++) {
		struct pkg *p = &db->pkgs[i];
		const char *a = p->pub.arch;
		int same = strcmp(p->pub.multiarch, "same") == 0 && a[0];
		int foreign = db->native && a[0] && strcmp(a, "all") != 0 && strcmp(a, db->native);
		size_t n = strlen(p->pub.name) + strlen(a) + 2;
		char *q = arena_alloc(db, n);
		if (q == NULL)
			return fail(err, errlen, ENOMEM, "status: out of memory");
		snprintf(q, n, "%s:%s", p->pub.name, a);
		p->pub.id = same || foreign ? q : p->pub.name;
		p->listname = same ? q : p->pub.name;
		for (size_t k = 0; k < i; k++)
			if (strcmp(db->pkgs[k].pub.id, p->pub.id) == 0)
				return fail(err, errlen, EINVAL, "status: package %s twice",
				    p->pub.id);
	}
	return 0;
}

int
dpkg_add_status(struct dpkg *db, const char *buf, size_t len, char *err, size_t errlen)
{
	struct stanza st = { 0 };
	size_t line = 0, pos = 0;
	int in = 0;

	if (db->npkgs > 0)
		return fail(err, errlen, EINVAL, "status: read twice");
	while (pos <= len) {
		const char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *l = buf + pos;
		line++;
		pos += n + 1;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (n == 0) { /* a blank line, or the end */
			if (in && add_stanza(db, &st, err, errlen) < 0)
				return -1;
			memset(&st, 0, sizeof st);
			in = 0;
			continue;
		}
		if (l[0] == ' ' || l[0] == '\t') {
			if (!in)
				return fail(err, errlen, EINVAL,
				    "status line %zu: a continuation line outside a stanza", line);
			continue; /* Description, Conffiles: not ours */
		}
		if (l[0] == '#')
			continue;
		if (!in)
			st.line = line;
		in = 1;
		if (take_field(&st, l, n) < 0)
			return fail(err, errlen, EINVAL, "status line %zu: not a field", line);
	}
	if (in && add_stanza(db, &st, err, errlen) < 0)
		return -1;
	return name_packages(db, err, errlen);
}

/* --- diversions ------------------------------------------------------- */

int
dpkg_add_diversions(struct dpkg *db, const char *buf, size_t len, char *err, size_t errlen)
{
	char *text = arena_strndup(db, buf, len);
	size_t nlines = 0;

	if (text == NULL)
		return fail(err, errlen, ENOMEM, "diversions: out of memory");
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	if (len > 0 && text[len - 1] != '\n')
		nlines++;
	if (nlines % 3 != 0)
		return fail(err, errlen, EINVAL,
		    "diversions: %zu lines, not groups of three (from, to, package)", nlines);
	struct diversion *v = reallocarray(db->divs, db->ndivs + nlines / 3 + 1, sizeof *v);
	if (v == NULL)
		return fail(err, errlen, ENOMEM, "diversions: out of memory");
	db->divs = v;
	char *p = text, *end = text + len;
	for (size_t k = 0; k < nlines / 3; k++) {
		const char *l[3];
		for (int j = 0; j < 3; j++) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			l[j] = p;
			if (nl != NULL)
				*nl = '\0';
			p = nl ? nl + 1 : end;
		}
		size_t line = k * 3 + 1;
		if (l[0][0] != '/' || l[1][0] != '/' || l[2][0] == '\0')
			return fail(err, errlen, EINVAL,
			    "diversions line %zu: want an absolute path, another and a package",
			    line);
		int added;
		struct slot *s = table_put(&db->divmap, l[0], strlen(l[0]), &added);
		if (s == NULL)
			return fail(err, errlen, ENOMEM, "diversions: out of memory");
		/* a path diverted twice: the last one counts, as in dpkg's
		 * own reading of the file */
		s->val = (uint32_t)db->ndivs;
		db->divs[db->ndivs++] = (struct diversion){ l[0], l[1], l[2] };
	}
	return 0;
}

/* Where the file package p installed as path really is: the other name
 * of a diversion some other package (or the admin) holds. */
static const char *
divert(const struct dpkg *db, const struct pkg *p, const char *path, size_t *n)
{
	const struct slot *s = table_get(&db->divmap, path, *n);

	if (s == NULL)
		return path;
	const struct diversion *d = &db->divs[s->val];
	if (strcmp(d->holder, p->pub.name) == 0)
		return path;
	*n = strlen(d->to);
	return d->to;
}

/* --- lists --------------------------------------------------------------- */

/* Record that package k owns path p[0..n) (held by the arena, the list
 * buffer or the diversions: never freed before db). */
static int
own(struct dpkg *db, uint32_t k, const char *p, size_t n)
{
	char buf[SB_WALK_MAX];
	char *norm = NULL;
	size_t klen;

	if (n == 0 || p[0] != '/')
		return 0; /* not a path: dpkg writes none such */
	if (needs_normal(p, n)) {
		if ((norm = path_normalize("/", 1, p, n, &n)) == NULL)
			return -1;
		p = norm;
	}
	const char *key = path_key(db, p, n, buf, sizeof buf, &klen);
	if (key == NULL) {
		int e = errno;
		free(norm);
		return e == ENAMETOOLONG ? 0 : -1; /* no such path can be asked for */
	}
	if (key != p || norm != NULL) {
		key = arena_strndup(db, key, klen);
		free(norm);
		if (key == NULL)
			return -1;
	}
	int added;
	struct slot *s = table_put(&db->paths, key, klen, &added);
	if (s == NULL)
		return -1;
	/* one package lists a path once, but /bin/x and /usr/bin/x of
	 * one list meet here: its own last entry is the head */
	if (!added && db->owners[s->val].pkg == k)
		return 0;
	if (db->nowners % 4096 == 0) {
		struct owner *o = reallocarray(db->owners, db->nowners + 4096, sizeof *o);
		if (o == NULL)
			return -1;
		db->owners = o;
	}
	db->owners[db->nowners] = (struct owner){ k, added ? UINT32_MAX : s->val };
	s->val = (uint32_t)db->nowners++;
	db->pkgs[k].pub.npaths++;
	return 0;
}

/* Take package k's list text[0..len) (malloc'd, len + 1 bytes: given to
 * the arena here, whatever happens). */
static int
take_list(struct dpkg *db, size_t k, char *text, size_t len, char *err, size_t errlen)
{
	struct chunk *c = (struct chunk *)text;

	/* the buffer was allocated with room for a chunk header in front */
	c->next = db->arena ? db->arena->next : NULL;
	c->used = c->size = 0;
	if (db->arena)
		db->arena->next = c;
	else
		db->arena = c;
	char *p = c->data, *end = c->data + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		size_t n = (size_t)(nl - p);
		const char *path = p;
		if (strlen(path) == n) { /* a NUL inside: not a path */
			path = divert(db, &db->pkgs[k], path, &n);
			if (own(db, (uint32_t)k, path, n) < 0)
				return fail(err, errlen, errno, "%s.list: %s", db->pkgs[k].listname,
				    strerror(errno));
		}
		p = nl + 1;
	}
	return 0;
}

/* A buffer for n bytes of a file with room for a chunk header before
 * them and a NUL after. */
static char *
list_buffer(size_t n)
{
	return malloc(HDR + n + 1);
}

static size_t
find_list(const struct dpkg *db, const char *id)
{
	for (size_t i = 0; i < db->npkgs; i++)
		if (strcmp(db->pkgs[i].listname, id) == 0)
			return i;
	for (size_t i = 0; i < db->npkgs; i++)
		if (strcmp(db->pkgs[i].pub.id, id) == 0)
			return i;
	return SIZE_MAX;
}

int
dpkg_add_list(struct dpkg *db, const char *id, const char *buf, size_t len, char *err,
    size_t errlen)
{
	size_t k = find_list(db, id);

	if (k == SIZE_MAX)
		return fail(err, errlen, EINVAL, "%s.list: no such package", id);
	char *b = list_buffer(len);
	if (b == NULL)
		return fail(err, errlen, ENOMEM, "%s.list: out of memory", id);
	memcpy(((struct chunk *)b)->data, buf, len);
	return take_list(db, k, b, len, err, errlen);
}

/* --- the files ----------------------------------------------------------- */

/*
 * Read dirfd/name, a regular file, into a list_buffer: the bytes at
 * buffer + HDR.  NULL with errno (ELOOP for a link:
 * nothing here follows one out of the root).
 */
static char *
read_file(int dirfd, const char *name, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t cap, n = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	cap = (size_t)st.st_size + 1; /* one more to see the end at once */
	for (;;) {
		if (cap > FILE_MAX) {
			errno = EFBIG;
			goto fail;
		}
		char *b = realloc(buf, HDR + cap + 1);
		if (b == NULL)
			goto fail;
		buf = b;
		ssize_t r = read(fd, buf + HDR + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap)
			cap *= 2;
	}
	close(fd);
	buf[HDR + n] = '\0';
	*len = n;
	return buf;
fail:;
	int e = errno;
	free(buf);
	close(fd);
	errno = e;
	return NULL;
}

struct dpkg *
dpkg_new(void)
{
	struct dpkg *db = calloc(1, sizeof *db);

	if (db != NULL)
		db->rootfd = -1;
	return db;
}

/* /var/lib/dpkg resolved inside the root, opened. */
static int
open_admindir(struct dpkg *db)
{
	static const struct sb_walk_ops ops = { at_lstat, at_readlink, NULL };
	struct sb_walk w;

	if (sb_walk(&w, &ops, db, "", "/var/lib/dpkg", 0) < 0)
		return -1;
	if (!S_ISDIR(w.st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return openat(db->rootfd, w.path + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* var/lib/dpkg/NAME of root through add; with optional, a file that
 * is not there is an empty one (dpkg makes diversions only for the
 * first diversion). */
static int
load_admin(struct dpkg *db, int admfd, const char *root, const char *name, int optional,
    int (*add)(struct dpkg *, const char *, size_t, char *, size_t), char *err, size_t errlen)
{
	size_t len;
	char *buf = read_file(admfd, name, &len);

	if (buf == NULL && errno == ENOENT && optional)
		return 0;
	if (buf == NULL)
		return fail(err, errlen, errno, "%s/var/lib/dpkg/%s: %s", root, name,
		    strerror(errno));
	char e[256];
	int rc = add(db, buf + HDR, len, e, sizeof e);
	int saved = errno;
	free(buf);
	if (rc < 0)
		return fail(err, errlen, saved, "%s/var/lib/dpkg/%s", root, e);
	return 0;
}

/* info/LISTNAME.list of package k into bufs[k] (NULL when there is
 * none), counting its lines into *lines. */
static int
read_list(struct dpkg *db, int infofd, size_t k, char **bufs, size_t *lens, size_t *lines)
{
	char name[NAME_MAX + 1];

	if (snprintf(name, sizeof name, "%s.list", db->pkgs[k].listname) >= (int)sizeof name) {
		errno = ENAMETOOLONG;
		return -1;
	}
	bufs[k] = read_file(infofd, name, &lens[k]);
	if (bufs[k] == NULL)
		return errno == ENOENT ? 0 : -1;
	for (const char *p = bufs[k] + HDR, *e = p + lens[k];
	     (p = memchr(p, '\n', (size_t)(e - p))); p++)
		++*lines;
	return 0;
}

/* Every package's list: all read first, so that the table of paths is
 * made once at its size (growing it rehashes every key). */
static int
load_lists(struct dpkg *db, int admfd, const char *root, char *err, size_t errlen)
{
	int infofd = openat(admfd, "info", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char **bufs = NULL, e[256];
	size_t *lens = NULL, lines = 0, k = 0;
	int rc = -1;

	if (infofd < 0 && errno == ENOENT)
		return 0; /* no lists: nothing is owned */
	if (infofd < 0)
		return fail(err, errlen, errno, "%s/var/lib/dpkg/info: %s", root, strerror(errno));
	bufs = calloc(db->npkgs + 1, sizeof *bufs);
	lens = calloc(db->npkgs + 1, sizeof *lens);
	if (bufs == NULL || lens == NULL) {
		fail(err, errlen, ENOMEM, "%s/var/lib/dpkg/info: out of memory", root);
		goto out;
	}
	for (k = 0; k < db->npkgs; k++) {
		if (read_list(db, infofd, k, bufs, lens, &lines) < 0) {
			fail(err, errlen, errno, "%s/var/lib/dpkg/info/%s.list: %s", root,
			    db->pkgs[k].listname, strerror(errno));
			goto out;
		}
	}
	if (table_reserve(&db->paths, lines) < 0) {
		fail(err, errlen, ENOMEM, "%s/var/lib/dpkg/info: out of memory", root);
		goto out;
	}
	for (k = 0; k < db->npkgs; k++) {
		char *b = bufs[k];
		bufs[k] = NULL; /* the arena's now, whatever happens */
		if (b != NULL && take_list(db, k, b, lens[k], e, sizeof e) < 0) {
			fail(err, errlen, errno, "%s/var/lib/dpkg/info/%s", root, e);
			goto out;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; bufs != NULL && i < db->npkgs; i++)
		free(bufs[i]);
	free(bufs);
	free(lens);
	close(infofd);
	return rc;
}

struct dpkg *
dpkg_open(const char *root, char *err, size_t errlen)
{
	struct dpkg *db = dpkg_new();
	const char *shown = root == NULL || strcmp(root, "/") == 0 ? "" : root;
	int admfd = -1;

	if (db == NULL) {
		fail(err, errlen, ENOMEM, "out of memory");
		return NULL;
	}
	db->rootfd = open(*shown ? shown : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (db->rootfd < 0) {
		fail(err, errlen, errno, "%s: %s", *shown ? shown : "/", strerror(errno));
		goto fail;
	}
	if ((admfd = open_admindir(db)) < 0) {
		fail(err, errlen, errno, "%s/var/lib/dpkg: %s", shown, strerror(errno));
		goto fail;
	}
	if (load_admin(db, admfd, shown, "status", 0, dpkg_add_status, err, errlen) < 0 ||
	    load_admin(db, admfd, shown, "diversions", 1, dpkg_add_diversions, err, errlen) < 0 ||
	    load_lists(db, admfd, shown, err, errlen) < 0)
		goto fail;
	close(admfd);
	return db;
fail:;
	int e = errno;
	if (admfd >= 0)
		close(admfd);
	dpkg_close(db);
	errno = e;
	return NULL;
}

/* --- lookups ------------------------------------------------------------- */

size_t
dpkg_owners(struct dpkg *db, const char *path, const struct dpkg_pkg **out, size_t max)
{
	char buf[SB_WALK_MAX];
	size_t n = strlen(path), klen, count = 0;
	char *norm = NULL;

	if (n == 0 || path[0] != '/' || db->paths.n == 0)
		return 0;
	if (needs_normal(path, n)) {
		if ((norm = path_normalize("/", 1, path, n, &n)) == NULL)
			return 0;
		path = norm;
	}
	const char *key = path_key(db, path, n, buf, sizeof buf, &klen);
	const struct slot *s = key ? table_get(&db->paths, key, klen) : NULL;
	free(norm);
	if (s == NULL)
		return 0;
	for (uint32_t i = s->val; i != UINT32_MAX; i = db->owners[i].next) {
		const struct dpkg_pkg *p = &db->pkgs[db->owners[i].pkg].pub;
		if (count < max) {
			/* insertion into out[0..count), sorted by id */
			size_t j = count;
			while (j > 0 && strcmp(out[j - 1]->id, p->id) > 0) {
				out[j] = out[j - 1];
				j--;
			}
			out[j] = p;
		} else if (max > 0 && strcmp(out[max - 1]->id, p->id) > 0) {
			size_t j = max - 1;
			while (j > 0 && strcmp(out[j - 1]->id, p->id) > 0) {
				out[j] = out[j - 1];
				j--;
			}
			out[j] = p;
		}
		count++;
	}
	return count;
}

size_t
dpkg_count(const struct dpkg *db)
{
	return db->npkgs;
}

const struct dpkg_pkg *
dpkg_package(const struct dpkg *db, size_t i)
{
	return i < db->npkgs ? &db->pkgs[i].pub : NULL;
}

const struct dpkg_pkg *
dpkg_find(const struct dpkg *db, const char *name)
{
	const struct dpkg_pkg *found = NULL;

	/* an id first: "dash" may be one package's id and another's name */
	for (size_t i = 0; i < db->npkgs; i++)
		if (strcmp(db->pkgs[i].pub.id, name) == 0)
			return &db->pkgs[i].pub;
	for (size_t i = 0; i < db->npkgs; i++) {
		if (strcmp(db->pkgs[i].pub.name, name) != 0)
			continue;
		if (found != NULL)
			return NULL; /* ambiguous */
		found = &db->pkgs[i].pub;
	}
	return found;
}

void
dpkg_close(struct dpkg *db)
{
	if (db == NULL)
		return;
	for (struct chunk *c = db->arena, *n; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(db->pkgs);
	free(db->divs);
	free(db->divmap.v);
	free(db->paths.v);
	free(db->dirs.v);
	free(db->canon);
	free(db->canonlen);
	free(db->owners);
	if (db->rootfd >= 0)
		close(db->rootfd);
	free(db);
}
