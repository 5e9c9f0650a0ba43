#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closure.h"
#include "dpkg.h"
#include "path.h"
#include "pathglob.h"
#include "rootwalk.h"

/* --- items ----------------------------------------------------------- */

int
closure_init(struct closure *c, const char *root)
{
	memset(c, 0, sizeof *c);
	c->root = root ? root : "/";
	c->rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->rootfd < 0 ? -1 : 0;
}

void
closure_free(struct closure *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].path);
		free(c->items[i].src);
		free(c->items[i].target);
		free(c->items[i].package);
	}
	free(c->items);
	for (size_t i = 0; i < c->nwhy; i++)
		free(c->whytext[i]);
	free(c->whytext);
	strmap_free(&c->whys);
	for (size_t i = 0; i < c->npriv; i++)
		free(c->priv[i].path);
	free(c->priv);
	for (size_t i = 0; i < c->nsecrets; i++)
		free(c->secrets[i]);
	free(c->secrets);
	strmap_free(&c->index);
	strmap_free(&c->created);
	if (c->rootfd >= 0)
		close(c->rootfd);
	memset(c, 0, sizeof *c);
	c->rootfd = -1;
}

struct item *
closure_find(const struct closure *c, const char *path)
{
	size_t *v = strmap_get(&c->index, path);
	return v ? &c->items[*v] : NULL;
}

/* Path relative to the root descriptor, for the *at() calls. */
static const char *
rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static const char *
type_name(enum mf_type t)
{
	return t == MF_FILE ? "file" : t == MF_DIR ? "directory" : "symlink";
}

/* Record an item, or lower the origin of the one already there.  A path
 * seen as two different types (possible only with --copy-dir DEST) keeps
 * the first with a warning.  Takes ownership of src and target; mt is
 * the mtime to keep, NULL when there is none. */
static int
item_put(struct closure *c, const char *path, enum mf_type type, unsigned mode,
    const struct timespec *mt, char *src, char *target, enum origin o)
{
	int added;
	size_t *v = strmap_put(&c->index, path, c->n, &added);

	if (v == NULL)
		goto nomem;
	if (!added) {
		struct item *it = &c->items[*v];
		if (it->type != type) {
			warnx("%s: both a %s and a %s; keeping the %s", path, type_name(it->type),
			    type_name(type), type_name(it->type));
		} else if (o < it->origin) {
			it->origin = o;
			it->why = c->why ? c->why : it->why;
		} else if (it->why == NULL) {
			it->why = c->why;
		}
		free(src);
		free(target);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct item *p = reallocarray(c->items, cap, sizeof *p);
		if (p == NULL)
			goto nomem;
		c->items = p;
		c->cap = cap;
	}
	struct item *it = &c->items[c->n++];
	memset(it, 0, sizeof *it);
	if ((it->path = strdup(path)) == NULL)
		goto nomem;
	it->type = type;
	it->mode = mode & 07777;
	it->src = src;
	it->target = target;
	it->origin = o;
	it->why = c->why;
	if (mt != NULL) {
		it->mtime = *mt;
		it->has_mtime = 1;
	}
	return 0;
nomem:
	warn("%s", path);
	free(src);
	free(target);
	return -1;
}

/* Make reason (copied once per text) the one of the adds to come. */
static int
set_why(struct closure *c, const char *reason)
{
	size_t *v;
	int added;

	c->why = NULL;
	if (reason == NULL)
		return 0;
	if ((v = strmap_get(&c->whys, reason)) != NULL) {
		c->why = c->whytext[*v];
		return 0;
	}
	char **t = reallocarray(c->whytext, c->nwhy + 1, sizeof *t);
	if (t == NULL)
		return -1;
	c->whytext = t;
	if ((t[c->nwhy] = strdup(reason)) == NULL)
		return -1;
	if (strmap_put(&c->whys, reason, c->nwhy, &added) == NULL) {
		free(t[c->nwhy]);
		return -1;
	}
	c->why = t[c->nwhy++];
	return 0;
}

int
closure_add_dir(struct closure *c, const char *path, unsigned mode, const struct stat *st,
    enum origin o, const char *reason)
{
	if (set_why(c, reason) < 0) {
		warn(NULL);
		return -1;
	}
	return item_put(c, path, MF_DIR, mode, st ? &st->st_mtim : NULL, NULL, NULL, o);
}

/* --- exclusion ------------------------------------------------------- */

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int
created(const struct closure *c, const char *path)
{
	char buf[PATH_MAX];

	if (c->created.n == 0 || strlcpy(buf, path, sizeof buf) >= sizeof buf)
		return 0;
	/* a path inside a directory the trace made is an output too */
	for (char *s = buf + strlen(buf); s > buf; *s = '\0', s = strrchr(buf, '/')) {
		if (strmap_get(&c->created, buf))
			return 1;
	}
	return 0;
}

int
closure_add_private(struct closure *c, const char *dir, const char *what)
{
	for (size_t i = 0; i < c->npriv; i++)
		if (strcmp(c->priv[i].path, dir) == 0)
			return 0;
	struct private_dir *v = reallocarray(c->priv, c->npriv + 1, sizeof *v);
	if (v == NULL)
		return -1;
	c->priv = v;
	if ((v[c->npriv].path = strdup(dir)) == NULL)
		return -1;
	v[c->npriv].what = what;
	v[c->npriv++].left_out = 0;
	return 0;
}

/* The private directory path is in, or NULL. */
static struct private_dir *
private_of(const struct closure *c, const char *path)
{
	for (size_t i = 0; i < c->npriv; i++)
		if (under(path, c->priv[i].path))
			return &c->priv[i];
	return NULL;
}

/*
 * Secrets: what a trace may well have read (a program that checks a
 * password, signs, pulls from a registry) and a bundle must not hand to
 * whoever gets it.  Matched anywhere, not only under $HOME: root's and
 * other users' homes are not the trace's $HOME.  A file named *.pem or
 * *.key is one only when it holds a private key (certificates are
 * *.pem too); a *.key that is not PEM text is taken for a DER key.
 */
static const struct secret {
	const char *glob;
	const char *what;
} secret_globs[] = {
	{ "/etc/shadow", "password hashes" },
	{ "/etc/shadow-", "password hashes" },
	{ "/etc/gshadow", "password hashes" },
	{ "/etc/gshadow-", "password hashes" },
	{ "/etc/ssh/ssh_host_*_key", "an SSH host key" },
	{ "/etc/ssl/private", "TLS private keys" },
	{ "/**/.ssh/id_*", "an SSH private key" },
	{ "/**/.gnupg", "a GnuPG home" },
	{ "/**/.netrc", "network credentials" },
	{ "/**/.git-credentials", "git credentials" },
	{ "/**/.pgpass", "PostgreSQL passwords" },
	{ "/**/.aws/credentials", "AWS credentials" },
	{ "/**/.config/gcloud", "Google Cloud credentials" },
	{ "/**/.azure", "Azure credentials" },
	{ "/**/.docker/config.json", "registry credentials" },
	{ "/**/.kube/config", "Kubernetes credentials" },
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

/* Does the regular file path of the root hold a private key?  Read up
 * to 1 MiB (a PEM bundle may put the key after the certificates). */
static int
holds_private_key(const struct closure *c, const char *path, int der_too)
{
	static const char key[] = "PRIVATE KEY";
	char buf[65536 + sizeof key];
	size_t keep = 0, total = 0;
	int armour = 0, found = 0;
	struct stat st;
	int fd = openat(c->rootfd, rel(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	while (!found && total < (1u << 20)) {
		ssize_t n = read(fd, buf + keep, sizeof buf - keep - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (size_t)n;
		size_t len = keep + (size_t)n;
		found = memmem(buf, len, key, sizeof key - 1) != NULL;
		armour |= memmem(buf, len, "-----BEGIN ", 11) != NULL;
		/* a tag may straddle two reads */
		keep = len < sizeof key ? len : sizeof key;
		memmove(buf, buf + len - keep, keep);
	}
	close(fd);
	return found || (der_too && !armour && total > 0);
}

const char *
closure_secret(const struct closure *c, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (ends_with(base, ".pem") || ends_with(base, ".key"))
		return holds_private_key(c, path, ends_with(base, ".key")) ? "a private key" : NULL;
	/* the last component names them all: most paths stop here */
	if (strcmp(base, "shadow") != 0 && strcmp(base, "shadow-") != 0 &&
	    strcmp(base, "gshadow") != 0 && strcmp(base, "gshadow-") != 0 &&
	    strncmp(base, "ssh_host_", 9) != 0 && strcmp(base, "private") != 0 &&
	    strncmp(base, "id_", 3) != 0 && strcmp(base, ".gnupg") != 0 &&
	    strcmp(base, ".netrc") != 0 && strcmp(base, ".git-credentials") != 0 &&
	    strcmp(base, ".pgpass") != 0 && strcmp(base, "credentials") != 0 &&
	    strcmp(base, "gcloud") != 0 && strcmp(base, ".azure") != 0 &&
	    strcmp(base, "config.json") != 0 && strcmp(base, "config") != 0)
		return NULL;
	if (strncmp(base, "id_", 3) == 0 && ends_with(base, ".pub"))
		return NULL; /* a public key */
	for (size_t i = 0; i < sizeof secret_globs / sizeof *secret_globs; i++)
		if (glob_match(secret_globs[i].glob, path))
			return secret_globs[i].what;
	return NULL;
}

enum excl_reason
closure_excluded(const struct closure *c, const char *path, enum ask ask)
{
	static const char *const sys[] = { "/proc", "/sys", "/dev", "/run", "/tmp" };

	if (ask == ASK_ENTRY)
		return EX_NONE;
	if ((c->outdir && under(path, c->outdir)) || (c->tmpdir && under(path, c->tmpdir)))
		return EX_OUTPUT;
	for (size_t i = 0; i < c->nexcludes; i++)
		if (glob_match(c->excludes[i], path))
			return EX_GLOB;
	if (ask != ASK_INCLUDE && closure_secret(c, path) != NULL)
		return EX_SECRET;
	if (ask == ASK_NAMED)
		return EX_NONE;
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (under(path, sys[i]))
			return EX_SYSTEM;
	const char *b = strrchr(path, '/');
	if (b && strcmp(b + 1, "libsbtrace.so") == 0)
		return EX_SBTRACE;
	if (created(c, path))
		return EX_CREATED;
	if (ask == ASK_USED && private_of(c, path) != NULL)
		return EX_PRIVATE;
	return EX_NONE;
}

static const char *const reason_text[EX_COUNT] = {
	[EX_SYSTEM] = "under /proc /sys /dev /run /tmp",
	[EX_GLOB] = "matched --exclude",
	[EX_CREATED] = "created by the traced command",
	[EX_SBTRACE] = "sbtrace's own preload library",
	[EX_OUTPUT] = "inside the bundle being written",
	[EX_GONE] = "no longer exist",
	[EX_SPECIAL] = "devices, fifos or sockets",
	[EX_PRIVATE] = "under the trace's working directory or $HOME",
	[EX_SECRET] = "that hold secrets",
};

/* Note a secret left out, once per path. */
static void
note_secret(struct closure *c, const char *path)
{
	for (size_t i = 0; i < c->nsecrets; i++)
		if (strcmp(c->secrets[i], path) == 0)
			return;
	char **v = reallocarray(c->secrets, c->nsecrets + 1, sizeof *v);
	if (v == NULL || (v[c->nsecrets] = strdup(path)) == NULL) {
		/* the warning then lists fewer; the path is left out still */
		if (v != NULL)
			c->secrets = v;
		return;
	}
	c->secrets = v;
	c->nsecrets++;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
closure_note_excluded(struct closure *c, const char *path, enum excl_reason r)
{
	struct private_dir *pd = r == EX_PRIVATE ? private_of(c, path) : NULL;

	c->excluded[r]++;
	if (pd != NULL)
		pd->left_out++;
	if (r == EX_SECRET)
		note_secret(c, path);
	if (c->verbose)
		warnx("left out %s: %s", path, pd ? pd->what : reason_text[r]);
}

/* What the secret path is, or the directory above it that is one
 * (~/.gnupg/pubring.kbx); NULL when the path reached it through a link. */
static const char *
secret_what(const struct closure *c, const char *path)
{
	char buf[PATH_MAX];
	const char *what = NULL;

	if (strlcpy(buf, path, sizeof buf) >= sizeof buf)
		return NULL;
	/* the path, then each directory above it */
	what = closure_secret(c, buf);
	for (char *s; what == NULL && (s = strrchr(buf, '/')) != NULL && s > buf;) {
		*s = '\0';
		what = closure_secret(c, buf);
	}
	return what;
}

/* The secrets left out: a warning even under -q, since the bundle then
 * differs from what the program read and only the user can decide. */
static void
report_secrets(const struct closure *c)
{
	size_t n = 0;

	/* an --include made after the trace may have brought one */
	for (size_t i = 0; i < c->nsecrets; i++)
		n += closure_find(c, c->secrets[i]) == NULL;
	if (n == 0)
		return;
	qsort(c->secrets, c->nsecrets, sizeof *c->secrets, cmp_str);
	warnx("warning: left out %zu path%s that hold%s secrets (passwords, private keys, "
	      "credentials), which a bundle would give to whoever has it; --include PATH "
	      "bundles one the program needs:",
	    n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	for (size_t i = 0; i < c->nsecrets; i++) {
		if (closure_find(c, c->secrets[i]) != NULL)
			continue;
		char *e = mf_escape(c->secrets[i]);
		const char *what = secret_what(c, c->secrets[i]);
		fprintf(stderr, "sidebundle:   %s%s%s%s\n", e ? e : c->secrets[i], what ? " (" : "",
		    what ? what : "", what ? ")" : "");
		free(e);
	}
}

/* What the summary line adds: what else to know or to do. */
static const char *const reason_hint[EX_COUNT] = {
	[EX_SYSTEM] = "a sandbox mounts its own there; --copy-dir SRC:DEST bundles a tree "
		      "from there",
	[EX_GLOB] = "as asked",
	[EX_CREATED] = "outputs, not inputs; --copy-dir SRC bundles a tree of them the "
		       "program needs before it runs",
	[EX_SBTRACE] = "the tracer's, never the program's",
	[EX_OUTPUT] = "what the traced command read of an earlier bundle",
	[EX_GONE] = "a trace or --db from before names them, or another root",
	[EX_SPECIAL] = "a sandbox has its own /dev",
};

void
closure_report(const struct closure *c, int quiet)
{
	report_secrets(c);
	if (quiet)
		return;
	for (int r = EX_SYSTEM; r < EX_COUNT; r++)
		if (c->excluded[r] && r != EX_PRIVATE && r != EX_SECRET)
			fprintf(stderr, "sidebundle: left out %zu path%s %s (%s%s-v lists them)\n",
			    c->excluded[r], c->excluded[r] == 1 ? "" : "s", reason_text[r],
			    reason_hint[r] ? reason_hint[r] : "", reason_hint[r] ? "; " : "");
	/* the user's own files: a warning, since the program may need them */
	for (size_t i = 0; i < c->npriv; i++) {
		const struct private_dir *pd = &c->priv[i];
		if (pd->left_out)
			warnx("warning: left out %zu path%s under %s %s: they are the user's, "
			      "not the program's; --include GLOB bundles what is needed "
			      "(-v lists them)",
			    pd->left_out, pd->left_out == 1 ? "" : "s", pd->what, pd->path);
	}
}

/* --- resolving a path component by component ------------------------ */

struct pending {
	struct item *v;
	size_t n, cap;
};

static int
pend(struct pending *p, const char *path, enum mf_type t, unsigned mode, const struct timespec *mt,
    char *src, char *target)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct item *v = reallocarray(p->v, cap, sizeof *v);
		if (v == NULL) {
			free(src);
			free(target);
			return -1;
		}
		p->v = v;
		p->cap = cap;
	}
	struct item *it = &p->v[p->n];
	memset(it, 0, sizeof *it);
	it->path = strdup(path);
	it->type = t;
	it->mode = mode;
	it->src = src;
	it->target = target;
	if (mt != NULL) {
		it->mtime = *mt;
		it->has_mtime = 1;
	}
	if (it->path == NULL) {
		free(src);
		free(target);
		return -1;
	}
	p->n++;
	return 0;
}

static void
pend_free(struct pending *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].src);
		free(p->v[i].target);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

static int
pend_commit(struct closure *c, struct pending *p, enum origin o)
{
	int rc = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct item *it = &p->v[i];
		if (item_put(c, it->path, it->type, it->mode, it->has_mtime ? &it->mtime : NULL,
			it->src, it->target, o) < 0)
			rc = -1;
		it->src = it->target = NULL;
	}
	return rc;
}

enum walk_rc { WK_OK, WK_MISSING, WK_NOTDIR, WK_EXCLUDED, WK_LOOP, WK_ERR };

/*
 * A walk of the root for the closure: the closure's own symlinks (made
 * by --copy-dir DEST) stand in for the root's, every directory passed
 * and every link met is noted (with its exact text), and an excluded
 * path stops the walk.
 */
struct cwalk {
	struct closure *c;
	struct pending *p;
	enum ask ask;
	enum excl_reason why;
};

/* errno of a walk stopped by an exclusion (why says which) */
#define EXCLUDED_ERRNO EXDEV

static const struct item *
own_link(const struct closure *c, const char *path)
{
	const struct item *it = closure_find(c, path);
	return it != NULL && it->type == MF_SYMLINK ? it : NULL;
}

static int
cw_lstat(void *ctx, const char *path, struct stat *st)
{
	struct cwalk *cw = ctx;

	if ((cw->why = closure_excluded(cw->c, path, cw->ask)) != EX_NONE) {
		errno = EXCLUDED_ERRNO;
		return -1;
	}
	if (own_link(cw->c, path) != NULL) {
		memset(st, 0, sizeof *st);
		st->st_mode = S_IFLNK | 0777;
		return 0;
	}
	return fstatat(cw->c->rootfd, rel(path), st, AT_SYMLINK_NOFOLLOW);
}

static long
cw_readlink(void *ctx, const char *path, char *buf, size_t n)
{
	struct cwalk *cw = ctx;
	const struct item *it = own_link(cw->c, path);

	if (it == NULL)
		return readlinkat(cw->c->rootfd, rel(path), buf, n);
	size_t tl = strlen(it->target);
	if (tl >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, it->target, tl);
	return (long)tl;
}

static int
cw_visit(void *ctx, const char *path, const struct stat *st, const char *target)
{
	struct cwalk *cw = ctx;

	if (target != NULL) {
		if (own_link(cw->c, path) != NULL)
			return 0;
		/* a link's source is kept too: its package is looked up by it */
		char *t = strdup(target), *src = strdup(path);
		if (t == NULL || src == NULL) {
			free(t);
			free(src);
			return -1;
		}
		return pend(cw->p, path, MF_SYMLINK, 0, &st->st_mtim, src, t);
	}
	if (S_ISDIR(st->st_mode))
		return pend(cw->p, path, MF_DIR, st->st_mode, &st->st_mtim, NULL, NULL);
	return 0;
}

/*
 * Resolve path inside the root (common/rootwalk.c), noting in p every
 * directory passed and every symlink met.  w->path is the resolved path
 * (w->st its stat) when WK_OK; after WK_MISSING, the part that exists,
 * and w->rest what does not.  WK_NOTDIR: a file is used as a directory.
 */
static enum walk_rc
walk(struct closure *c, const char *path, struct pending *p, struct sb_walk *w, enum ask ask,
    enum excl_reason *why)
{
	static const struct sb_walk_ops ops = { cw_lstat, cw_readlink, cw_visit };
	struct cwalk cw = { c, p, ask, EX_NONE };

	if (sb_walk(w, &ops, &cw, "", path, 0) == 0) {
		if (w->len == 0)
			memcpy(w->path, "/", 2);
		return WK_OK;
	}
	*why = cw.why;
	switch (errno) {
	case EXCLUDED_ERRNO:
		return WK_EXCLUDED;
	case ENOENT:
		return WK_MISSING;
	case ENOTDIR:
		return WK_NOTDIR;
	case ELOOP:
		return WK_LOOP;
	default:
		return WK_ERR;
	}
}

static int
join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static char *
read_link(int dirfd, const char *name, size_t size)
{
	size_t len = size ? size + 1 : PATH_MAX;
	char *buf = malloc(len);
	ssize_t n;

	if (buf == NULL)
		return NULL;
	n = readlinkat(dirfd, name, buf, len);
	if (n < 0 || (size_t)n >= len) {
		if (n >= 0)
			errno = ENAMETOOLONG;
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int add_tree(struct closure *c, const char *hostdir, const char *paydir, enum origin o,
    enum ask ask);

int
closure_add(struct closure *c, const char *path, enum origin o, enum how how, enum ask ask,
    const char *reason)
{
	struct pending p = { 0 };
	enum excl_reason why = EX_NONE;
	struct sb_walk w;
	size_t nl;
	char *norm;
	int rc = -1;

	if (path[0] != '/') {
		warnx("%s: not an absolute path, ignored", path);
		return 1;
	}
	if (set_why(c, reason) < 0 ||
	    (norm = path_normalize("/", 1, path, strlen(path), &nl)) == NULL) {
		warn("%s", path);
		return -1;
	}
	enum walk_rc wr = walk(c, norm, &p, &w, ask, &why);
	switch (wr) {
	case WK_OK:
		break;
	case WK_MISSING:
	case WK_NOTDIR:
		closure_note_excluded(c, norm, EX_GONE);
		rc = 1;
		goto out;
	case WK_EXCLUDED:
		/* the links that led here still work, as on the host: keep
		 * them unless the path itself is the excluded one */
		if (strcmp(norm, w.path) != 0 && closure_excluded(c, norm, ask) == EX_NONE &&
		    pend_commit(c, &p, o) < 0)
			goto out;
		if (why == EX_PRIVATE) {
			/* counted by the directory it is really in (the path
			 * may have reached it through a link): the walk
			 * stopped at the resolved w.path plus rest's first
			 * component */
			char at[PATH_MAX];
			const char *comp = w.rest + strspn(w.rest, "/");
			size_t dl = strcmp(w.path, "/") == 0 ? 0 : strlen(w.path);
			size_t cl = strcspn(comp, "/");
			if (dl + 1 + cl < sizeof at) {
				memcpy(at, w.path, dl);
				at[dl] = '/';
				memcpy(at + dl + 1, comp, cl);
				at[dl + 1 + cl] = '\0';
			} else {
				strlcpy(at, norm, sizeof at);
			}
			closure_note_excluded(c, at, why);
		} else {
			closure_note_excluded(c, norm, why);
		}
		rc = 1;
		goto out;
	case WK_LOOP:
		warnx("%s: too many levels of symbolic links, left out", norm);
		rc = 1;
		goto out;
	case WK_ERR:
		warn("%s%s", c->root, norm);
		goto out;
	}
	if (S_ISREG(w.st.st_mode)) {
		if (how != HOW_CHAIN) {
			char *src = strdup(w.path);
			if (src == NULL ||
			    pend(&p, w.path, MF_FILE, w.st.st_mode, NULL, src, NULL) < 0)
				goto out;
		}
	} else if (!S_ISDIR(w.st.st_mode)) {
		closure_note_excluded(c, norm, EX_SPECIAL);
		rc = 1;
		goto out;
	}
	if (pend_commit(c, &p, o) < 0)
		goto out;
	rc = 0;
	if (how == HOW_TREE && S_ISDIR(w.st.st_mode))
		rc = add_tree(c, w.path, w.path, o, ask);
out:
	pend_free(&p);
	free(norm);
	return rc;
}

/* Add everything below hostdir (a real directory in the root) at paydir,
 * symlinks kept as they are and not followed. */
static int
add_tree(struct closure *c, const char *hostdir, const char *paydir, enum origin o, enum ask ask)
{
	int fd = openat(c->rootfd, rel(hostdir), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		warn("%s%s", c->root, hostdir);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char hp[PATH_MAX], pp[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (join(hp, sizeof hp, hostdir, de->d_name) < 0 ||
		    join(pp, sizeof pp, paydir, de->d_name) < 0) {
			warn("%s/%s", hostdir, de->d_name);
			rc = -1;
			break;
		}
		enum excl_reason r = closure_excluded(c, hp, ask);
		if (r != EX_NONE) {
			closure_note_excluded(c, hp, r);
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			warn("%s", hp);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = item_put(c, pp, MF_DIR, st.st_mode, &st.st_mtim, NULL, NULL, o);
			if (rc == 0)
				rc = add_tree(c, hp, pp, o, ask);
		} else if (S_ISREG(st.st_mode)) {
			char *src = strdup(hp);
			rc = src ? item_put(c, pp, MF_FILE, st.st_mode, &st.st_mtim, src, NULL, o)
				 : -1;
		} else if (S_ISLNK(st.st_mode)) {
			char *t = read_link(dirfd(d), de->d_name, (size_t)st.st_size);
			char *src = t ? strdup(hp) : NULL;
			rc = src ? item_put(c, pp, MF_SYMLINK, 0, &st.st_mtim, src, t, o) : -1;
			if (src == NULL) {
				warn("%s", hp);
				free(t);
			}
		} else {
			closure_note_excluded(c, hp, EX_SPECIAL);
		}
	}
	closedir(d);
	return rc;
}

/* The directories of DEST that do not exist in the root yet (rest,
 * below the existing dir), as plain directories of the payload. */
static int
make_dest_dirs(struct closure *c, char *dir, size_t size, const char *rest)
{
	size_t nl;
	char *norm = path_normalize("", 0, rest, strlen(rest), &nl), *t = norm, *comp;
	int rc = 0;

	if (norm == NULL)
		return -1;
	while (rc == 0 && (comp = strsep(&t, "/")) != NULL) {
		char pp[PATH_MAX];
		/* "" normalises to "."; a "." component is no directory to make */
		if (*comp == '\0' || strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
			continue;
		if (join(pp, sizeof pp, dir, comp) < 0)
			rc = -1;
		else if (strlcpy(dir, pp, size) >= size)
			rc = -1;
		else if (item_put(c, dir, MF_DIR, 0755, NULL, NULL, NULL, OR_COPY) < 0)
			rc = -1;
	}
	free(norm);
	return rc;
}

int
closure_copy_dir(struct closure *c, const char *src, const char *dest)
{
	struct pending p = { 0 };
	struct sb_walk w, wd;
	enum excl_reason why;
	char *s = NULL, *d = NULL;
	size_t nl;
	int rc = -1;

	if (src[0] != '/' || (dest && dest[0] != '/')) {
		warnx("--copy-dir %s%s%s: paths must be absolute", src, dest ? ":" : "",
		    dest ? dest : "");
		return -1;
	}
	if ((s = path_normalize("/", 1, src, strlen(src), &nl)) == NULL ||
	    (d = path_normalize("/", 1, dest ? dest : src, strlen(dest ? dest : src), &nl)) == NULL)
		goto sys;
	char reason[PATH_MAX * 2 + 16];
	snprintf(reason, sizeof reason, "--copy-dir %s%s%s", s, strcmp(s, d) ? ":" : "",
	    strcmp(s, d) ? d : "");
	if (set_why(c, reason) < 0)
		goto sys;
	if (walk(c, s, &p, &w, ASK_NAMED, &why) != WK_OK || !S_ISDIR(w.st.st_mode)) {
		warnx("--copy-dir %s: not a directory in %s", s, c->root);
		goto out;
	}
	if (strcmp(s, d) == 0) {
		if (pend_commit(c, &p, OR_COPY) < 0)
			goto out;
		rc = add_tree(c, w.path, w.path, OR_COPY, ASK_NAMED);
		goto out;
	}
	/* DEST: reuse what exists of it in the root (its links and real
	 * directories), then make the missing rest as plain directories */
	pend_free(&p);
	enum walk_rc wr = walk(c, d, &p, &wd, ASK_NAMED, &why);
	if ((wr == WK_OK && !S_ISDIR(wd.st.st_mode)) || wr == WK_NOTDIR) {
		warnx("--copy-dir %s:%s: destination is not a directory", s, d);
		goto out;
	}
	if (wr != WK_OK && wr != WK_MISSING) {
		warnx("--copy-dir %s:%s: cannot place the destination", s, d);
		goto out;
	}
	if (pend_commit(c, &p, OR_COPY) < 0)
		goto out;
	if (wd.len == 0)
		memcpy(wd.path, "/", 2);
	if (wr == WK_MISSING && make_dest_dirs(c, wd.path, sizeof wd.path, wd.rest) < 0)
		goto sys;
	rc = add_tree(c, w.path, wd.path, OR_COPY, ASK_NAMED);
	goto out;
sys:
	warn("--copy-dir %s", src);
out:
	pend_free(&p);
	free(s);
	free(d);
	return rc;
}

/* The closure as a file system of its own, for closure_resolve. */
static int
items_lstat(void *ctx, const char *path, struct stat *st)
{
	const struct item *it = strcmp(path, "/") == 0 ? NULL : closure_find(ctx, path);

	memset(st, 0, sizeof *st);
	if (it == NULL && strcmp(path, "/") != 0) {
		errno = ENOENT;
		return -1;
	}
	st->st_mode = it == NULL || it->type == MF_DIR ? S_IFDIR | 0755
	    : it->type == MF_SYMLINK		       ? S_IFLNK | 0777
						       : S_IFREG | 0644;
	return 0;
}

static long
items_readlink(void *ctx, const char *path, char *buf, size_t n)
{
	const struct item *it = closure_find(ctx, path);
	size_t tl = it != NULL && it->target != NULL ? strlen(it->target) : 0;

	if (tl == 0 || tl >= n) {
		errno = tl == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, it->target, tl);
	return (long)tl;
}

char *
closure_resolve(const struct closure *c, const char *path)
{
	static const struct sb_walk_ops ops = { items_lstat, items_readlink, NULL };
	struct sb_walk w;

	if (sb_walk(&w, &ops, (void *)c, "", path, 0) < 0)
		return NULL;
	return strdup(w.len > 0 ? w.path : "/");
}

/* --- relative links -------------------------------------------------- */

/* The path that leads from directory from to to (both absolute and
 * normal), into out: "../" for each component of from that to does not
 * share, then the rest of to; "." for from itself.  -1: too long. */
static int
relative_to(const char *from, const char *to, char *out, size_t len)
{
	const char *f = from, *t = to;
	size_t n = 0;

	for (;;) {
		f += strspn(f, "/");
		t += strspn(t, "/");
		size_t fl = strcspn(f, "/"), tl = strcspn(t, "/");
		if (fl == 0 || fl != tl || memcmp(f, t, fl) != 0)
			break;
		f += fl;
		t += tl;
	}
	out[0] = '\0';
	while (*f != '\0') {
		f += strcspn(f, "/");
		f += strspn(f, "/");
		if (n + 4 > len)
			return -1;
		memcpy(out + n, "../", 4);
		n += 3;
	}
	if (*t == '\0') {
		if (n == 0)
			return strlcpy(out, ".", len) < len ? 0 : -1;
		out[n - 1] = '\0'; /* "../.." rather than "../../" */
		return 0;
	}
	return strlcpy(out + n, t, len - n) < len - n ? 0 : -1;
}

static int
has_dotdot(const char *p)
{
	for (const char *s = p; *s != '\0';) {
		s += strspn(s, "/");
		size_t l = strcspn(s, "/");
		if (l == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		s += l;
	}
	return 0;
}

/*
 * Where the absolute link text target leads, as a payload path whose
 * directory part holds no symbolic link (malloc'd), or NULL when it
 * leads outside the closure.  The last component is kept as written, so
 * a chain of links (/usr/lib/libblas.so.3 -> /etc/alternatives/... ->
 * the real file) stays a chain.  ".." after a link is the kernel's to
 * judge, not lexical: such a target is replaced by where it leads.
 */
static char *
link_destination(const struct closure *c, const char *target)
{
	char *real = closure_resolve(c, target), *norm, *dir;
	size_t nl;

	if (real == NULL || has_dotdot(target))
		return real;
	free(real);
	if ((norm = path_normalize("/", 1, target, strlen(target), &nl)) == NULL)
		return NULL;
	char *slash = strrchr(norm, '/');
	if (slash == norm) /* "/" itself, or a top-level name */
		return norm;
	*slash = '\0';
	dir = closure_resolve(c, norm);
	*slash = '/';
	if (dir == NULL) {
		free(norm);
		return NULL;
	}
	size_t dl = strlen(dir), bl = strlen(slash);
	char *out = malloc(dl + bl + 1);
	if (out != NULL)
		snprintf(out, dl + bl + 1, "%s%s", strcmp(dir, "/") == 0 ? "" : dir, slash);
	free(dir);
	free(norm);
	return out;
}

/* Does the relative link text t, from directory dir, climb above the
 * root?  On disk that leads out of the payload (the kernel does not
 * stop at it as the bundle's walks do). */
static int
climbs_out(const char *dir, const char *t)
{
	long depth = 0;

	for (const char *s = dir; *s != '\0';) {
		s += strspn(s, "/");
		size_t l = strcspn(s, "/");
		depth += l > 0;
		s += l;
	}
	for (const char *s = t; *s != '\0';) {
		s += strspn(s, "/");
		size_t l = strcspn(s, "/");
		if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (l > 0 && !(l == 1 && s[0] == '.')) {
			depth++;
		}
		s += l;
	}
	return 0;
}

int
closure_relative_links(struct closure *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct item *it = &c->items[i];
		char from[PATH_MAX], rel[PATH_MAX], abs[PATH_MAX * 2];
		if (it->type != MF_SYMLINK)
			continue;
		/* the link's own directory is real: payload paths hold no
		 * symbolic link above the last component */
		strlcpy(from, it->path, sizeof from);
		*strrchr(from, '/') = '\0';
		if (it->target[0] != '/' && !climbs_out(from, it->target))
			continue;
		/* a relative one that climbs out means, in the bundle, what
		 * it means in the root: ".." stops at "/" */
		snprintf(abs, sizeof abs, "%s%s%s", it->target[0] == '/' ? "" : from,
		    it->target[0] == '/' ? "" : "/", it->target);
		errno = 0;
		char *to = link_destination(c, abs);
		if (to == NULL) {
			if (errno == ENOMEM)
				return -1;
			continue; /* outside the payload: the host's, as written */
		}
		if (relative_to(from, to, rel, sizeof rel) == 0) {
			char *t = strdup(rel);
			if (t == NULL) {
				free(to);
				return -1;
			}
			free(it->target);
			it->target = t;
		}
		free(to);
	}
	return 0;
}

/* --- packages ----------------------------------------------------------- */

/* The ids of the packages that own path, "a,b", malloc'd; NULL (errno
 * 0) when none does. */
static char *
owners_of(struct dpkg *db, const char *path)
{
	const struct dpkg_pkg *o[16];
	size_t n = dpkg_owners(db, path, o, 16), len = 0;

	errno = 0;
	if (n == 0)
		return NULL;
	n = n > 16 ? 16 : n;
	for (size_t i = 0; i < n; i++)
		len += strlen(o[i]->id) + 1;
	char *s = malloc(len), *e = s;
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		e += snprintf(e, len - (size_t)(e - s), "%s%s", i ? "," : "", o[i]->id);
	return s;
}

int
closure_packages(struct closure *c, struct dpkg *db)
{
	for (size_t i = 0; i < c->n && db != NULL; i++) {
		struct item *it = &c->items[i];
		if (it->pkg_looked || it->type == MF_DIR)
			continue;
		it->pkg_looked = 1;
		/* a link to a directory (/bin -> usr/bin) is a directory to
		 * dpkg, which every package with files there lists */
		char *to = it->type == MF_SYMLINK ? closure_resolve(c, it->path) : NULL;
		const struct item *t = to ? closure_find(c, to) : NULL;
		free(to);
		if (t != NULL && t->type == MF_DIR)
			continue;
		it->package = owners_of(db, it->src ? it->src : it->path);
		if (it->package == NULL && errno == ENOMEM)
			return -1;
	}
	return 0;
}
