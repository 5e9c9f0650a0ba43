/*
 * manifest.lock, written and read: see manifest.h and
 * sidebundle-manifest(5).  The escaping rule lives here once, for the
 * writer (buf_field) and the reader (unescape).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "manifest.h"

/* A macro's value as a string: the version in the first record. */
#define SB_MANIFEST_STR(v) SB_MANIFEST_STR_(v)
#define SB_MANIFEST_STR_(v) #v

/* Bigger manifests are not bundles we wrote: refuse rather than eat
 * memory.  A header alone is a few hundred bytes. */
#define MANIFEST_MAX (256u << 20)
#define HEADER_MAX (4u << 20)

static const char *const origin_names[OR_COUNT] = {
	[OR_ELF] = "elf",
	[OR_SCRIPT] = "script",
	[OR_TRACE] = "trace",
	[OR_COPY] = "copy",
	[OR_INCLUDE] = "include",
	[OR_RULE] = "rule",
};

static const char *const kinds[] = { "elf-dynamic", "elf-static", "script" };

const char *
origin_name(enum origin o)
{
	return o < OR_COUNT ? origin_names[o] : "?";
}

int
origin_parse(const char *s)
{
	for (int i = 0; i < OR_COUNT; i++)
		if (strcmp(s, origin_names[i]) == 0)
			return i;
	return -1;
}

/* --- writing ------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Append one escaped field: '%' and every byte outside 0x21..0x7e become
 * %XX, so a field never holds the separators (TAB, newline) nor bytes
 * whose meaning depends on a locale. */
static void
buf_field(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_put(b, "\t", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '%') {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_put(b, e, 3);
		} else {
			buf_put(b, (const char *)p, 1);
		}
	}
}

static void
buf_tag(struct buf *b, const char *tag)
{
	buf_put(b, tag, strlen(tag));
}

static void
buf_end(struct buf *b)
{
	buf_put(b, "\n", 1);
}

char *
mf_escape(const char *s)
{
	struct buf b = { 0 };

	buf_field(&b, s);
	if (b.oom) {
		free(b.p);
		errno = ENOMEM;
		return NULL;
	}
	memmove(b.p, b.p + 1, b.n); /* drop the leading TAB */
	return b.p;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->name, ((const struct mf_entry *)b)->name);
}

static int
cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct mf_rec *)a)->path, ((const struct mf_rec *)b)->path);
}

static int
cmp_bin(const void *a, const void *b)
{
	return strcmp(((const struct mf_bin *)a)->name, ((const struct mf_bin *)b)->name);
}

static int
cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct mf_pkg *)a)->id, ((const struct mf_pkg *)b)->id);
}

void
manifest_sort(struct manifest *m)
{
	if (m->nentries > 1)
		qsort(m->entries, m->nentries, sizeof *m->entries, cmp_entry);
	if (m->nbins > 1)
		qsort(m->bins, m->nbins, sizeof *m->bins, cmp_bin);
	if (m->nrecs > 1)
		qsort(m->recs, m->nrecs, sizeof *m->recs, cmp_rec);
	if (m->npkgs > 1)
		qsort(m->pkgs, m->npkgs, sizeof *m->pkgs, cmp_pkg);
}

static void
put_rec(struct buf *b, const struct mf_rec *r)
{
	char num[32];

	switch (r->type) {
	case MF_FILE:
		buf_tag(b, "file");
		buf_field(b, r->path);
		snprintf(num, sizeof num, "%04o", r->mode & 07777);
		buf_field(b, num);
		snprintf(num, sizeof num, "%" PRIu64, r->size);
		buf_field(b, num);
		buf_field(b, r->sha);
		break;
	case MF_DIR:
		buf_tag(b, "dir");
		buf_field(b, r->path);
		snprintf(num, sizeof num, "%04o", r->mode & 07777);
		buf_field(b, num);
		break;
	case MF_SYMLINK:
		buf_tag(b, "symlink");
		buf_field(b, r->path);
		buf_field(b, r->target);
		break;
	}
	buf_field(b, origin_name(r->origin));
	if (r->package != NULL && r->type != MF_DIR)
		buf_field(b, r->package);
	buf_end(b);
}

int
manifest_write(const struct manifest *m, int fd)
{
	struct buf b = { 0 };
	char num[16];

	buf_tag(&b, SB_MANIFEST_MAGIC);
	snprintf(num, sizeof num, "%d", MANIFEST_VERSION);
	buf_field(&b, num);
	buf_end(&b);
	buf_tag(&b, "name");
	buf_field(&b, m->name);
	buf_end(&b);
	buf_tag(&b, "run-mode");
	buf_field(&b, m->run_mode);
	buf_end(&b);
	for (size_t i = 0; i < m->nenv; i++) {
		buf_tag(&b, "env");
		buf_field(&b, m->env[i]);
		buf_end(&b);
	}
	for (size_t i = 0; i < m->nentries; i++) {
		const struct mf_entry *e = &m->entries[i];
		buf_tag(&b, "entry");
		buf_field(&b, e->name);
		buf_field(&b, e->path);
		buf_field(&b, e->kind);
		buf_field(&b, e->interp);
		for (size_t j = 0; j < e->nargs; j++)
			buf_field(&b, e->args[j]);
		buf_end(&b);
	}
	if (m->image != NULL) {
		buf_tag(&b, "image");
		buf_field(&b, m->image);
		buf_field(&b, m->image_digest);
		buf_end(&b);
	}
	for (size_t i = 0; i < m->nentries; i++) {
		const struct mf_entry *e = &m->entries[i];
		if (e->ndefargs > 0) {
			buf_tag(&b, "entry-args");
			buf_field(&b, e->name);
			for (size_t j = 0; j < e->ndefargs; j++)
				buf_field(&b, e->defargs[j]);
			buf_end(&b);
		}
		static const char *const tags[] = { "entry-cwd", "entry-user" };
		const char *const vals[] = { e->cwd, e->user };
		for (int k = 0; k < 2; k++) {
			if (vals[k] == NULL)
				continue;
			buf_tag(&b, tags[k]);
			buf_field(&b, e->name);
			buf_field(&b, vals[k]);
			buf_end(&b);
		}
	}
	for (size_t i = 0; i < m->nlibdirs; i++) {
		buf_tag(&b, "libdir");
		buf_field(&b, m->libdirs[i]);
		buf_end(&b);
	}
	for (size_t i = 0; i < m->nbins; i++) {
		const struct mf_bin *x = &m->bins[i];
		buf_tag(&b, "bin-file");
		buf_field(&b, x->name);
		snprintf(num, sizeof num, "%04o", x->mode & 07777);
		buf_field(&b, num);
		char size[32];
		snprintf(size, sizeof size, "%" PRIu64, x->size);
		buf_field(&b, size);
		buf_field(&b, x->sha);
		buf_end(&b);
	}
	for (size_t i = 0; i < m->nrecs; i++)
		put_rec(&b, &m->recs[i]);
	for (size_t i = 0; i < m->npkgs; i++) {
		buf_tag(&b, "package");
		buf_field(&b, m->pkgs[i].id);
		buf_field(&b, m->pkgs[i].version);
		buf_end(&b);
	}
	if (b.oom) {
		free(b.p);
		errno = ENOMEM;
		return -1;
	}
	int rc = sb_write_all(fd, b.p, b.n);
	int e = errno;
	free(b.p);
	errno = e;
	return rc;
}

/* --- reading ------------------------------------------------------- */

struct parser {
	size_t line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int
perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, ps->errlen, "line %zu: ", ps->line);

	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one field of s[0..n) into a malloc'd string; -1 if it holds a
 * raw byte the writer would have escaped, a bad escape, or %00. */
static int
unescape(struct parser *ps, const char *s, size_t n, char **out)
{
	char *d = malloc(n + 1), *o = d;

	if (d == NULL)
		return perr(ps, "out of memory");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f) {
			free(d);
			return perr(ps, "unescaped byte 0x%02x", c);
		}
		if (c == '%') {
			int h = i + 2 < n ? 0 : -1;
			int hi = h < 0 ? -1 : hexval(s[i + 1]);
			int lo = h < 0 ? -1 : hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(d);
				return perr(ps, "bad escape (want %%XX, upper-case hex, not %%00)");
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	*out = d;
	return 0;
}

/* Split line[0..n) at TABs into decoded fields; *nf gets the count. */
static int
split_fields(struct parser *ps, const char *line, size_t n, char ***fields, size_t *nf)
{
	size_t cnt = 1;
	char **v;

	for (size_t i = 0; i < n; i++)
		cnt += line[i] == '\t';
	v = calloc(cnt + 1, sizeof *v);
	if (v == NULL)
		return perr(ps, "out of memory");
	size_t start = 0, k = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && line[i] != '\t')
			continue;
		if (i == start || unescape(ps, line + start, i - start, &v[k]) < 0) {
			if (i == start)
				perr(ps, "empty field %zu", k + 1);
			for (size_t j = 0; j < k; j++)
				free(v[j]);
			free(v);
			return -1;
		}
		k++;
		start = i + 1;
	}
	*fields = v;
	*nf = cnt;
	return 0;
}

static void
free_fields(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
mf_split(const char *line, size_t n, size_t lineno, char ***fields, size_t *nf, char *err,
    size_t errlen)
{
	struct parser ps = { lineno, err, errlen };

	*fields = NULL;
	*nf = 0;
	if (n == 0)
		return perr(&ps, "empty line");
	return split_fields(&ps, line, n, fields, nf);
}

void
mf_fields_free(char **fields, size_t nf)
{
	free_fields(fields, nf);
}

/* A payload path must be absolute and already normal, so nothing that
 * reads the manifest can be led outside the payload by "..". */
static int
path_ok(const char *p)
{
	if (p[0] != '/' || p[1] == '\0')
		return 0;
	for (const char *c = p; *c;) {
		const char *s = ++c;
		while (*c && *c != '/')
			c++;
		size_t len = (size_t)(c - s);
		if (len == 0 || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
	}
	return 1;
}

static int
parse_mode(struct parser *ps, const char *s, unsigned *mode)
{
	unsigned m = 0;

	if (strlen(s) != 4)
		return perr(ps, "mode %s: want 4 octal digits", s);
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '7')
			return perr(ps, "mode %s: want 4 octal digits", s);
		m = m << 3 | (unsigned)(s[i] - '0');
	}
	*mode = m;
	return 0;
}

static int
parse_size(struct parser *ps, const char *s, uint64_t *size)
{
	uint64_t v = 0;

	if (*s == '\0' || strlen(s) > 20)
		return perr(ps, "size %s: not a number", s);
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return perr(ps, "size %s: not a number", s);
		unsigned d = (unsigned)(*c - '0');
		if (v > (UINT64_MAX - d) / 10)
			return perr(ps, "size %s: too large", s);
		v = v * 10 + d;
	}
	*size = v;
	return 0;
}

static int
parse_sha(struct parser *ps, const char *s, char out[65])
{
	if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64)
		return perr(ps, "sha256 %s: want 64 lower-case hex digits", s);
	memcpy(out, s, 65);
	return 0;
}

static int
push(void *vp, size_t *n, size_t size, struct parser *ps)
{
	void **v = vp;
	/* grow one at a time in powers of two */
	if ((*n & (*n - 1)) == 0) {
		void *p = reallocarray(*v, *n ? *n * 2 : 1, size);
		if (p == NULL)
			return perr(ps, "out of memory");
		*v = p;
	}
	return 0;
}

static int
add_str(char ***v, size_t *n, char *s, struct parser *ps)
{
	if (push(v, n, sizeof **v, ps) < 0)
		return -1;
	(*v)[(*n)++] = s;
	return 0;
}

static int
parse_entry(struct manifest *m, struct parser *ps, char **f, size_t nf)
{
	struct mf_entry e = { 0 };
	size_t k;

	if (nf < 5)
		return perr(ps, "entry: want NAME PATH KIND INTERP [ARG...]");
	if (strchr(f[1], '/') != NULL || strcmp(f[1], ".") == 0 || strcmp(f[1], "..") == 0)
		return perr(ps, "entry name %s: must be one path component", f[1]);
	if (!path_ok(f[2]))
		return perr(ps, "entry path %s: not an absolute normal path", f[2]);
	for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
		if (strcmp(f[3], kinds[k]) == 0)
			break;
	if (k == sizeof kinds / sizeof *kinds)
		return perr(ps, "entry kind %s: want elf-dynamic, elf-static or script", f[3]);
	if (m->nentries > 0 && strcmp(m->entries[m->nentries - 1].name, f[1]) >= 0)
		return perr(ps, "entry %s: out of order or duplicate", f[1]);
	if (push(&m->entries, &m->nentries, sizeof *m->entries, ps) < 0)
		return -1;
	e.nargs = nf - 5;
	e.args = calloc(e.nargs + 1, sizeof *e.args);
	if (e.args == NULL)
		return perr(ps, "out of memory");
	e.name = f[1];
	e.path = f[2];
	e.kind = f[3];
	e.interp = f[4];
	for (size_t i = 0; i < e.nargs; i++) {
		e.args[i] = f[5 + i];
		f[5 + i] = NULL;
	}
	f[1] = f[2] = f[3] = f[4] = NULL;
	m->entries[m->nentries++] = e;
	return 0;
}

static int
parse_bin(struct manifest *m, struct parser *ps, char **f, size_t nf)
{
	struct mf_bin x = { 0 };

	if (nf != 5)
		return perr(ps, "bin-file: want NAME MODE SIZE SHA256");
	if (strchr(f[1], '/') != NULL || strcmp(f[1], ".") == 0 || strcmp(f[1], "..") == 0)
		return perr(ps, "bin-file name %s: must be one path component", f[1]);
	if (parse_mode(ps, f[2], &x.mode) < 0 || parse_size(ps, f[3], &x.size) < 0 ||
	    parse_sha(ps, f[4], x.sha) < 0)
		return -1;
	if (m->nbins > 0 && strcmp(m->bins[m->nbins - 1].name, f[1]) >= 0)
		return perr(ps, "bin-file %s: out of order or duplicate", f[1]);
	if (push(&m->bins, &m->nbins, sizeof *m->bins, ps) < 0)
		return -1;
	x.name = f[1];
	f[1] = NULL;
	m->bins[m->nbins++] = x;
	return 0;
}

/* Debian policy's package names, with an architecture after ':'. */
static int
package_id_ok(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t nl = colon ? (size_t)(colon - s) : n;

	if (nl == 0 || (colon && nl + 1 == n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		int ok = i < nl ? alnum || (i > 0 && (c == '+' || c == '-' || c == '.'))
				: i == nl || alnum || c == '-';
		if (!ok)
			return 0;
	}
	return 1;
}

int
mf_package_ok(const char *s)
{
	for (;;) {
		size_t n = strcspn(s, ",");
		if (!package_id_ok(s, n))
			return 0;
		if (s[n] == '\0')
			return 1;
		s += n + 1;
	}
}

static int
parse_rec(struct manifest *m, struct parser *ps, char **f, size_t nf)
{
	struct mf_rec r = { 0 };
	size_t no; /* the ORIGIN field; a PACKAGE may follow it */
	int o;

	if (strcmp(f[0], "file") == 0) {
		if (nf != 6 && nf != 7)
			return perr(ps, "file: want PATH MODE SIZE SHA256 ORIGIN [PACKAGE]");
		r.type = MF_FILE;
		no = 5;
		if (parse_mode(ps, f[2], &r.mode) < 0 || parse_size(ps, f[3], &r.size) < 0 ||
		    parse_sha(ps, f[4], r.sha) < 0)
			return -1;
	} else if (strcmp(f[0], "dir") == 0) {
		if (nf != 4)
			return perr(ps, "dir: want PATH MODE ORIGIN");
		r.type = MF_DIR;
		no = 3;
		if (parse_mode(ps, f[2], &r.mode) < 0)
			return -1;
	} else {
		if (nf != 4 && nf != 5)
			return perr(ps, "symlink: want PATH TARGET ORIGIN [PACKAGE]");
		r.type = MF_SYMLINK;
		no = 3;
	}
	if ((o = origin_parse(f[no])) < 0)
		return perr(ps, "unknown origin %s", f[no]);
	r.origin = (enum origin)o;
	if (nf > no + 1 && !mf_package_ok(f[no + 1]))
		return perr(ps, "package %s: want ID[,ID...], Debian package names", f[no + 1]);
	if (!path_ok(f[1]))
		return perr(ps, "path %s: not an absolute normal path", f[1]);
	if (m->nrecs > 0 && strcmp(m->recs[m->nrecs - 1].path, f[1]) >= 0)
		return perr(ps, "path %s: out of order or duplicate", f[1]);
	if (push(&m->recs, &m->nrecs, sizeof *m->recs, ps) < 0)
		return -1;
	r.path = f[1];
	f[1] = NULL;
	if (r.type == MF_SYMLINK) {
		r.target = f[2];
		f[2] = NULL;
	}
	if (nf > no + 1) {
		r.package = f[no + 1];
		f[no + 1] = NULL;
	}
	m->recs[m->nrecs++] = r;
	return 0;
}

static int
parse_pkg(struct manifest *m, struct parser *ps, char **f, size_t nf)
{
	if (nf != 3)
		return perr(ps, "package: want ID VERSION");
	if (strchr(f[1], ',') != NULL || !mf_package_ok(f[1]))
		return perr(ps, "package %s: not a Debian package id", f[1]);
	if (m->npkgs > 0 && strcmp(m->pkgs[m->npkgs - 1].id, f[1]) >= 0)
		return perr(ps, "package %s: out of order or duplicate", f[1]);
	if (push(&m->pkgs, &m->npkgs, sizeof *m->pkgs, ps) < 0)
		return -1;
	m->pkgs[m->npkgs++] = (struct mf_pkg){ f[1], f[2] };
	f[1] = f[2] = NULL;
	return 0;
}

/* An image's records: image REF DIGEST once, then entry-args,
 * entry-cwd and entry-user, each naming an entry. */
static int
parse_image(struct manifest *m, struct parser *ps, char **f, size_t nf)
{
	if (strcmp(f[0], "image") == 0) {
		if (nf != 3)
			return perr(ps, "image: want REF DIGEST");
		if (m->image != NULL)
			return perr(ps, "image: a second one");
		m->image = f[1];
		m->image_digest = f[2];
		f[1] = f[2] = NULL;
		return 0;
	}
	if (nf < 3)
		return perr(ps, "%s: want NAME VALUE...", f[0]);
	struct mf_entry *e = NULL;
	for (size_t i = 0; i < m->nentries; i++)
		if (strcmp(m->entries[i].name, f[1]) == 0)
			e = &m->entries[i];
	if (e == NULL)
		return perr(ps, "%s: no entry %s", f[0], f[1]);
	if (strcmp(f[0], "entry-args") == 0) {
		if (e->defargs != NULL)
			return perr(ps, "entry-args %s: a second one", f[1]);
		if ((e->defargs = calloc(nf - 1, sizeof *e->defargs)) == NULL)
			return perr(ps, "out of memory");
		for (size_t i = 2; i < nf; i++) {
			e->defargs[i - 2] = f[i];
			f[i] = NULL;
		}
		e->ndefargs = nf - 2;
		return 0;
	}
	char **slot = strcmp(f[0], "entry-cwd") == 0 ? &e->cwd : &e->user;
	if (nf != 3)
		return perr(ps, "%s: want NAME VALUE", f[0]);
	if (*slot != NULL)
		return perr(ps, "%s %s: a second one", f[0], f[1]);
	if (slot == &e->cwd && !path_ok(f[2]) && strcmp(f[2], "/") != 0)
		return perr(ps, "entry-cwd %s: not an absolute normal path", f[2]);
	*slot = f[2];
	f[2] = NULL;
	return 0;
}

/* Sections must come in the documented order; stage never goes back. */
enum {
	ST_MAGIC,
	ST_NAME,
	ST_RUNMODE,
	ST_ENV,
	ST_ENTRY,
	ST_IMAGE,
	ST_LIBDIR,
	ST_BIN,
	ST_RECS,
	ST_PKG
};

/* One line; 1 when a header-only read has reached the records. */
static int
parse_line(struct manifest *m, struct parser *ps, int *stage, char **f, size_t nf, enum mf_read how)
{
	const char *t = f[0];

	if (*stage == ST_MAGIC) {
		if (strcmp(t, SB_MANIFEST_MAGIC) != 0 || nf != 2)
			return perr(ps, "not a sidebundle manifest");
		if (strcmp(f[1], SB_MANIFEST_STR(SB_MANIFEST_VERSION)) != 0)
			return perr(ps,
			    "unsupported manifest version %s (this sidebundle reads %d)", f[1],
			    MANIFEST_VERSION);
		*stage = ST_NAME;
		return 0;
	}
	if (*stage == ST_NAME) {
		if (strcmp(t, "name") != 0 || nf != 2)
			return perr(ps, "want name NAME");
		m->name = f[1];
		f[1] = NULL;
		*stage = ST_RUNMODE;
		return 0;
	}
	if (*stage == ST_RUNMODE) {
		if (strcmp(t, "run-mode") != 0 || nf != 2)
			return perr(ps, "want run-mode MODE");
		if (strcmp(f[1], "host") != 0 && strcmp(f[1], "bwrap") != 0 &&
		    strcmp(f[1], "chroot") != 0)
			return perr(ps, "run-mode %s: want host, bwrap or chroot", f[1]);
		m->run_mode = f[1];
		f[1] = NULL;
		*stage = ST_ENV;
		return 0;
	}
	int want;
	if (strcmp(t, "env") == 0)
		want = ST_ENV;
	else if (strcmp(t, "entry") == 0)
		want = ST_ENTRY;
	else if (strcmp(t, "image") == 0 || strcmp(t, "entry-args") == 0 ||
	    strcmp(t, "entry-cwd") == 0 || strcmp(t, "entry-user") == 0)
		want = ST_IMAGE;
	else if (strcmp(t, "libdir") == 0)
		want = ST_LIBDIR;
	else if (strcmp(t, "bin-file") == 0)
		want = ST_BIN;
	else if (strcmp(t, "file") == 0 || strcmp(t, "dir") == 0 || strcmp(t, "symlink") == 0)
		want = ST_RECS;
	else if (strcmp(t, "package") == 0)
		want = ST_PKG;
	else if (how == MF_HEADER && *stage < ST_RECS)
		return 0; /* added later in this version: not ours to judge */
	else
		return perr(ps, "unknown record %s", t);
	if (want >= ST_RECS && how == MF_HEADER)
		return 1;
	if (want < *stage)
		return perr(ps, "%s record out of place", t);
	*stage = want;
	switch (want) {
	case ST_ENV:
		if (nf != 2 || strchr(f[1], '=') == NULL || f[1][0] == '=')
			return perr(ps, "env: want K=V");
		if (add_str(&m->env, &m->nenv, f[1], ps) < 0)
			return -1;
		f[1] = NULL;
		return 0;
	case ST_ENTRY:
		return parse_entry(m, ps, f, nf);
	case ST_IMAGE:
		return parse_image(m, ps, f, nf);
	case ST_LIBDIR:
		/* ld.so's --library-path splits at ':' */
		if (nf != 2 || !path_ok(f[1]) || strchr(f[1], ':') != NULL)
			return perr(ps, "libdir: want one absolute normal path without ':'");
		if (add_str(&m->libdirs, &m->nlibdirs, f[1], ps) < 0)
			return -1;
		f[1] = NULL;
		return 0;
	case ST_BIN:
		return parse_bin(m, ps, f, nf);
	case ST_PKG:
		return parse_pkg(m, ps, f, nf);
	default:
		return parse_rec(m, ps, f, nf);
	}
}

int
manifest_parse(struct manifest *m, const char *buf, size_t len, enum mf_read how, char *err,
    size_t errlen)
{
	struct parser ps = { 0, err, errlen };
	int stage = ST_MAGIC;
	size_t pos = 0;

	memset(m, 0, sizeof *m);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		char **f = NULL;
		size_t nf = 0;
		ps.line++;
		if (nl == NULL) {
			perr(&ps, "no newline at the end");
			goto fail;
		}
		size_t n = (size_t)(nl - (buf + pos));
		if (n == 0) {
			perr(&ps, "empty line");
			goto fail;
		}
		if (split_fields(&ps, buf + pos, n, &f, &nf) < 0)
			goto fail;
		int rc = parse_line(m, &ps, &stage, f, nf, how);
		free_fields(f, nf);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			break;
		pos += n + 1;
	}
	if (stage < ST_ENV) {
		ps.line++;
		perr(&ps, "manifest ends before its header");
		goto fail;
	}
	return 0;
fail:
	manifest_free(m);
	return -1;
}

/* Does a file, dir or symlink record start in buf[from..len)?  The
 * offset of its line, or len. */
static size_t
records_start(const char *buf, size_t from, size_t len)
{
	static const char *const tags[] = { "\nfile\t", "\ndir\t", "\nsymlink\t", "\npackage\t" };
	size_t best = len;

	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
		const char *p = memmem(buf + from, len - from, tags[i], strlen(tags[i]));
		if (p != NULL && (size_t)(p - buf) + 1 < best)
			best = (size_t)(p - buf) + 1;
	}
	return best;
}

/*
 * Read fd into a malloc'd buffer: all of it (MF_ALL), or up to the line
 * where the records start (MF_HEADER).  NULL with errno set (EFBIG for a
 * file larger than any manifest we write).
 */
static char *
read_manifest(int fd, enum mf_read how, size_t *len)
{
	size_t n = 0, cap = how == MF_HEADER ? 8192 : 65536;
	size_t max = how == MF_HEADER ? HEADER_MAX : MANIFEST_MAX;
	char *buf = malloc(cap);

	while (buf != NULL) {
		if (n == cap) {
			char *p = cap >= max ? NULL : realloc(buf, cap * 2);
			if (p == NULL) {
				if (cap >= max)
					errno = EFBIG;
				break;
			}
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		size_t from = n > 9 ? n - 9 : 0; /* a tag may straddle reads */
		n += (size_t)r;
		if (how == MF_HEADER && (*len = records_start(buf, from, n)) < n)
			return buf;
		if (r == 0) {
			*len = n;
			return buf;
		}
	}
	free(buf);
	return NULL;
}

int
manifest_read_fd(struct manifest *m, int fd, enum mf_read how, char *err, size_t errlen)
{
	char perrbuf[512], *buf;
	struct stat st;
	size_t n = 0;
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", MANIFEST_FILE, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", MANIFEST_FILE);
		return -1;
	}
	if ((buf = read_manifest(fd, how, &n)) == NULL) {
		snprintf(err, errlen, "%s: %s", MANIFEST_FILE,
		    errno == EFBIG ? "larger than any manifest sidebundle writes"
				   : strerror(errno));
		return -1;
	}
	if (manifest_parse(m, buf, n, how, perrbuf, sizeof perrbuf) < 0)
		snprintf(err, errlen, "%s: %s", MANIFEST_FILE, perrbuf);
	else
		rc = 0;
	free(buf);
	return rc;
}

int
manifest_read(struct manifest *m, int dirfd, enum mf_read how, char *err, size_t errlen)
{
	int fd = openat(dirfd, MANIFEST_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		memset(m, 0, sizeof *m);
		snprintf(err, errlen, "%s: %s", MANIFEST_FILE, strerror(errno));
		return -1;
	}
	int rc = manifest_read_fd(m, fd, how, err, errlen);
	close(fd);
	return rc;
}

const struct mf_entry *
manifest_entry(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nentries; i++)
		if (strcmp(m->entries[i].name, name) == 0)
			return &m->entries[i];
	return NULL;
}

void
manifest_free(struct manifest *m)
{
	free(m->name);
	free(m->run_mode);
	for (size_t i = 0; i < m->nenv; i++)
		free(m->env[i]);
	free(m->env);
	for (size_t i = 0; i < m->nentries; i++) {
		struct mf_entry *e = &m->entries[i];
		free(e->name);
		free(e->path);
		free(e->kind);
		free(e->interp);
		for (size_t j = 0; j < e->nargs; j++)
			free(e->args[j]);
		free(e->args);
		for (size_t j = 0; j < e->ndefargs; j++)
			free(e->defargs[j]);
		free(e->defargs);
		free(e->cwd);
		free(e->user);
	}
	free(m->image);
	free(m->image_digest);
	free(m->entries);
	for (size_t i = 0; i < m->nlibdirs; i++)
		free(m->libdirs[i]);
	free(m->libdirs);
	for (size_t i = 0; i < m->nbins; i++)
		free(m->bins[i].name);
	free(m->bins);
	for (size_t i = 0; i < m->nrecs; i++) {
		free(m->recs[i].path);
		free(m->recs[i].target);
		free(m->recs[i].package);
	}
	free(m->recs);
	for (size_t i = 0; i < m->npkgs; i++) {
		free(m->pkgs[i].id);
		free(m->pkgs[i].version);
	}
	free(m->pkgs);
	memset(m, 0, sizeof *m);
}
