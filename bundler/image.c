/*
 * --from-image: see image.h.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "words.h"
#include "image.h"
#include "oci.h"
#include "ojson.h"
#include "path.h"
#include "root.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* The image's /etc/passwd and /etc/group are read up to this size. */
#define ACCOUNTS_MAX (1u << 20)

/* --- the spec ------------------------------------------------------------ */

int
image_spec_parse(const char *spec, struct image_spec *s, char *err, size_t errlen)
{
	const char *sep = strstr(spec, "::");

	memset(s, 0, sizeof *s);
	size_t rl = sep ? (size_t)(sep - spec) : strlen(spec);
	if (rl == 0) {
		snprintf(err, errlen, "%s: no image", spec);
		return -1;
	}
	if ((s->ref = strndup(spec, rl)) == NULL)
		goto nomem;
	while (sep != NULL) {
		const char *p = sep + 2, *t = p;
		/* the trace is last: its ARGS may hold "::" */
		if (strncmp(p, "trace", 5) == 0 &&
		    (p[5] == '\0' || p[5] == '=' || strncmp(p + 5, "::", 2) == 0)) {
			if (p[5] == '=') {
				if ((s->trace_args = strdup(p + 6)) == NULL)
					goto nomem;
			} else if (p[5] == '\0') {
				s->trace_default = 1;
				if ((s->trace_args = strdup("")) == NULL)
					goto nomem;
			} else {
				snprintf(err, errlen, "%s: ::trace must come last", spec);
				goto fail;
			}
			break;
		}
		if (s->path != NULL) {
			snprintf(err, errlen, "%s: want REF[::PATH][::trace[=ARGS]]", spec);
			goto fail;
		}
		sep = strstr(t, "::");
		size_t pl = sep ? (size_t)(sep - t) : strlen(t);
		if (pl == 0) {
			snprintf(err, errlen, "%s: an empty PATH", spec);
			goto fail;
		}
		if ((s->path = strndup(t, pl)) == NULL)
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
fail:
	image_spec_free(s);
	return -1;
}

void
image_spec_free(struct image_spec *s)
{
	free(s->ref);
	free(s->path);
	free(s->trace_args);
	words_free(s->args, s->nargs);
	memset(s, 0, sizeof *s);
}

/* --- the config ---------------------------------------------------------- */

/* The config's settings into im, and its architecture (NULL when it
 * names none, or not as a string) into *arch. */
static int
read_config(struct image *im, const char *config, char **arch)
{
	struct ojson j;
	int ok;

	if (ojson_open(&j) < 0)
		return -1;
	/* OCI and Docker configs alike: everything under "config" */
	ok =
	    ojson_strs(&j, config, "$.config.Entrypoint", &im->entrypoint, &im->nentrypoint) >= 0 &&
	    ojson_strs(&j, config, "$.config.Cmd", &im->cmd, &im->ncmd) >= 0 &&
	    ojson_strs(&j, config, "$.config.Env", &im->env, &im->nenv) >= 0 &&
	    ojson_text(&j, config, "$.config.WorkingDir", &im->workdir) >= 0 &&
	    ojson_text(&j, config, "$.config.User", &im->user) >= 0;
	if (ojson_text(&j, config, "$.architecture", arch) != 1)
		*arch = NULL;
	ojson_close(&j);
	if (!ok) {
		warnx("%s: its config: Entrypoint, Cmd, Env, WorkingDir or User of the wrong type",
		    im->ref);
		return -1;
	}
	for (size_t i = 0; i < im->nenv; i++) {
		const char *eq = strchr(im->env[i], '=');
		if (eq == NULL || eq == im->env[i]) {
			warnx("%s: its config: Env %s: want K=V", im->ref, im->env[i]);
			return -1;
		}
	}
	if (im->user != NULL && im->user[0] == '\0') {
		free(im->user);
		im->user = NULL;
	}
	if (im->workdir == NULL || im->workdir[0] == '\0') {
		free(im->workdir);
		im->workdir = strdup("/");
	} else {
		size_t n;
		char *w = path_normalize("/", 1, im->workdir, strlen(im->workdir), &n);
		free(im->workdir);
		im->workdir = w;
	}
	return im->workdir == NULL ? -1 : 0;
}

/* A file of the image (resolved inside its root), at most max bytes. */
static char *
slurp_root(const struct root *r, const char *path, size_t max)
{
	int fd = root_open(r, path);
	char *buf = fd >= 0 ? malloc(max + 1) : NULL;
	size_t n = 0;
	ssize_t k;

	if (buf == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (n < max && (k = read(fd, buf + n, max - n)) > 0)
		n += (size_t)k;
	close(fd);
	buf[n] = '\0';
	return buf;
}

/* Field f (0-based) of the line of an /etc/passwd-like file whose field
 * key (0: by name, 2: by number) is v; into out.  1 found, 0 not. */
static int
account(const char *file, int key, const char *v, int f, char *out, size_t len)
{
	for (const char *l = file; l && *l;) {
		const char *e = strchr(l, '\n'), *fields[8];
		size_t ll = e ? (size_t)(e - l) : strlen(l), nf = 0;
		const char *p = l;
		while (nf < 8) {
			fields[nf++] = p;
			const char *c = memchr(p, ':', ll - (size_t)(p - l));
			if (c == NULL)
				break;
			p = c + 1;
		}
		if ((size_t)key < nf && (size_t)f < nf) {
			size_t kl = strcspn(fields[key], ":\n");
			if (kl == strlen(v) && strncmp(fields[key], v, kl) == 0) {
				size_t fl = strcspn(fields[f], ":\n");
				snprintf(out, len, "%.*s", (int)fl, fields[f]);
				return 1;
			}
		}
		l = e ? e + 1 : NULL;
	}
	return 0;
}

static int
number(const char *s, unsigned *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 0xfffffffeul)
		return 0;
	*out = (unsigned)v;
	return 1;
}

/* User "name|uid[:group|gid]" as the image's accounts say, and its
 * home, as a container engine takes them. */
static int
resolve_user(struct image *im, const struct root *r, char *home, size_t homelen)
{
	char *passwd = slurp_root(r, "/etc/passwd", ACCOUNTS_MAX);
	char *group = slurp_root(r, "/etc/group", ACCOUNTS_MAX);
	char user[256], grp[256], buf[256];
	int rc = -1;

	snprintf(home, homelen, "/");
	snprintf(user, sizeof user, "%s", im->user ? im->user : "0");
	char *colon = strchr(user, ':');
	grp[0] = '\0';
	if (colon) {
		snprintf(grp, sizeof grp, "%s", colon + 1);
		*colon = '\0';
	}
	int by_number = number(user, &im->uid);
	if (!by_number) {
		if (!account(passwd, 0, user, 2, buf, sizeof buf) || !number(buf, &im->uid)) {
			warnx("%s: its User %s is not in the image's /etc/passwd", im->ref,
			    im->user);
			goto out;
		}
	}
	snprintf(buf, sizeof buf, "%u", im->uid);
	im->gid = 0;
	char g[32];
	if (account(passwd, 2, buf, 3, g, sizeof g))
		number(g, &im->gid);
	if (account(passwd, 2, buf, 5, buf, sizeof buf) && buf[0] == '/')
		snprintf(home, homelen, "%s", buf);
	else if (im->uid == 0)
		snprintf(home, homelen, "/root");
	if (grp[0] != '\0' && !number(grp, &im->gid)) {
		if (!account(group, 0, grp, 2, buf, sizeof buf) || !number(buf, &im->gid)) {
			warnx("%s: its User %s: group %s is not in the image's /etc/group", im->ref,
			    im->user, grp);
			goto out;
		}
	}
	rc = 0;
out:
	free(passwd);
	free(group);
	return rc;
}

/* The environment traces run in: the config's, and PATH and HOME as an
 * engine adds them when it lacks them. */
static int
trace_env(struct image *im, const char *home)
{
	char buf[PATH_MAX + 8];

	for (size_t i = 0; i < im->nenv; i++)
		if (words_push(&im->trace_env, &im->ntrace_env, im->env[i]) < 0)
			return -1;
	if (words_env_get(im->env, im->nenv, "PATH", NULL) == NULL &&
	    words_push(&im->trace_env, &im->ntrace_env, "PATH=" DEFAULT_PATH) < 0)
		return -1;
	snprintf(buf, sizeof buf, "HOME=%s", home);
	if (words_env_get(im->env, im->nenv, "HOME", NULL) == NULL &&
	    words_push(&im->trace_env, &im->ntrace_env, buf) < 0)
		return -1;
	if (im->trace_env == NULL && (im->trace_env = calloc(1, sizeof(char *))) == NULL)
		return -1;
	return 0;
}

int
image_open(struct image *im, const char *ref, uint64_t max_bytes, int quiet)
{
	struct oci_image oi;
	struct root r;
	char err[1024], home[PATH_MAX];

	memset(im, 0, sizeof *im);
	im->cache.lockfd = -1;
	if ((im->ref = strdup(ref)) == NULL) {
		warn(NULL);
		return -1;
	}
	if (oci_open(&oi, ref, err, sizeof err) < 0) {
		warnx("%s", err);
		return -1;
	}
	snprintf(im->digest, sizeof im->digest, "%s", oi.digest);
	char *arch = NULL;
	int rc = read_config(im, oi.config, &arch);
	if (rc == 0) {
		/* what an engine makes for a container, bwrap's mount points */
		const char *const dirs[] = { "/proc", "/dev", "/sys", "/tmp", im->workdir, NULL };
		rc = imgcache_get(&im->cache, &oi, max_bytes, IMAGE_MAX_ENTRIES, dirs, quiet);
	}
	if (rc == 0 && arch != NULL && strcmp(arch, oci_host_arch()) != 0 && !quiet)
		warnx("warning: %s is an image for %s, this machine is %s: its programs "
		      "cannot be traced here",
		    ref, arch, oci_host_arch());
	free(arch);
	oci_close(&oi);
	if (rc < 0)
		return -1;
	im->root = im->cache.root;
	if (root_init(&r, im->root) < 0) {
		warn("%s", im->root);
		return -1;
	}
	rc = resolve_user(im, &r, home, sizeof home);
	root_free(&r);
	snprintf(im->ids, sizeof im->ids, "%u:%u", im->uid, im->gid);
	if (rc < 0)
		return -1;
	if (trace_env(im, home) < 0) {
		warn(NULL);
		return -1;
	}
	return 0;
}

void
image_free(struct image *im)
{
	free(im->ref);
	imgcache_free(&im->cache);
	words_free(im->entrypoint, im->nentrypoint);
	words_free(im->cmd, im->ncmd);
	words_free(im->env, im->nenv);
	words_free(im->trace_env, im->ntrace_env);
	free(im->workdir);
	free(im->user);
	if (im->k_ready)
		checker_free(&im->k);
	memset(im, 0, sizeof *im);
	im->cache.lockfd = -1;
}

/* --- entries ------------------------------------------------------------- */

/* name on the image's PATH: the first regular executable file. */
static char *
path_lookup(const struct image *im, const struct root *r, const char *name)
{
	const char *path = words_env_get(im->trace_env, im->ntrace_env, "PATH", NULL);
	char *dup = strdup(path ? path : DEFAULT_PATH), *s = dup, *d;

	while (dup != NULL && (d = strsep(&s, ":")) != NULL) {
		char cand[PATH_MAX];
		struct stat st;
		size_t n;
		if (d[0] != '/' ||
		    snprintf(cand, sizeof cand, "%s/%s", d, name) >= (int)sizeof cand)
			continue;
		if (root_stat(r, cand, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			free(dup);
			return path_normalize("/", 1, cand, strlen(cand), &n);
		}
	}
	free(dup);
	return NULL;
}

/* The image's own program as written (Entrypoint[0], else Cmd[0]) and
 * its arguments after it. */
static const char *
own_program(const struct image *im, char ***rest, size_t *nrest)
{
	char **v = NULL;
	size_t n = 0;

	*rest = NULL;
	*nrest = 0;
	if (im->nentrypoint > 0) {
		for (size_t i = 1; i < im->nentrypoint; i++)
			if (words_push(&v, &n, im->entrypoint[i]) < 0)
				goto nomem;
		for (size_t i = 0; i < im->ncmd; i++)
			if (words_push(&v, &n, im->cmd[i]) < 0)
				goto nomem;
	} else {
		for (size_t i = 1; i < im->ncmd; i++)
			if (words_push(&v, &n, im->cmd[i]) < 0)
				goto nomem;
	}
	*rest = v;
	*nrest = n;
	return im->nentrypoint > 0 ? im->entrypoint[0] : im->ncmd > 0 ? im->cmd[0] : NULL;
nomem:
	words_free(v, n);
	return NULL;
}

/* A program named as the image would run it: absolute as it is, a name
 * on PATH, else relative to WorkingDir. */
static char *
find_program(const struct image *im, const char *p)
{
	struct root r;
	size_t n;
	char *out = NULL;

	if (strchr(p, '/') != NULL)
		return path_normalize(im->workdir, strlen(im->workdir), p, strlen(p), &n);
	if (root_init(&r, im->root) < 0)
		return NULL;
	out = path_lookup(im, &r, p);
	root_free(&r);
	if (out == NULL)
		errno = ENOENT;
	return out;
}

int
image_entry(const struct image *im, const struct image_spec *s, char **path, char ***args,
    size_t *nargs)
{
	char **rest = NULL;
	size_t nrest = 0;
	const char *own = own_program(im, &rest, &nrest);
	char *ownpath = own ? find_program(im, own) : NULL;

	*args = NULL;
	*nargs = 0;
	if (s->path == NULL && own == NULL) {
		warnx("%s: the image has neither Entrypoint nor Cmd: name the program "
		      "(--from-image %s::PATH)",
		    im->ref, im->ref);
		goto fail;
	}
	if (s->path == NULL && ownpath == NULL) {
		warnx("%s: its %s %s: not found on the image's PATH", im->ref,
		    im->nentrypoint ? "Entrypoint" : "Cmd", own);
		goto fail;
	}
	*path = s->path ? find_program(im, s->path) : strdup(ownpath);
	if (*path == NULL) {
		if (s->path && errno == ENOENT)
			warnx("%s::%s: not found on the image's PATH", im->ref, s->path);
		else
			warn("%s", s->path ? s->path : own);
		goto fail;
	}
	/* Entrypoint and Cmd are the arguments of that program only */
	if (ownpath != NULL && strcmp(*path, ownpath) == 0) {
		*args = rest;
		*nargs = nrest;
		rest = NULL;
		nrest = 0;
	}
	free(ownpath);
	words_free(rest, nrest);
	return 0;
fail:
	free(ownpath);
	words_free(rest, nrest);
	return -1;
}

/* --- traces -------------------------------------------------------------- */

int
image_trace(struct image *im, const char *backend, const char *db, const char *label,
    char *const argv[], struct runrecs *runs)
{
	struct outcome o;
	char why[1024];
	size_t argc = 0;

	if (!im->k_ready) {
		if (checker_init(&im->k, why, sizeof why) < 0) {
			warnx("tracing inside an image needs %s", why);
			return -1;
		}
		im->k_ready = 1;
		im->k.ptrace = strcmp(backend, "preload") != 0;
		im->k.ptrace_only = strcmp(backend, "ptrace") == 0;
		im->k.as_user = 1;
		im->k.uid = im->uid;
		im->k.gid = im->gid;
	}
	while (argv[argc] != NULL)
		argc++;
	struct runrec r = { (char *)label, (char **)argv, argc, im->workdir, im->trace_env,
		im->ntrace_env, { 0 } };
	if (check_trace(&im->k, im->root, &r, db, &o) < 0)
		return -1;
	if (o.status != 0)
		warnx("warning: traced command %s exited with status %d; its trace is used anyway",
		    argv[0], o.status);
	if (runrecs_add(runs, label, argv, im->workdir, im->trace_env, &o) < 0) {
		outcome_free(&o);
		warn(NULL);
		return -1;
	}
	/* the image's whole Env, not only what a host's run keeps: the
	 * check runs the command as the image would */
	struct runrec *kept = &runs->v[runs->n - 1];
	for (size_t i = 0; i < im->ntrace_env; i++) {
		if (runrec_env_keeps(im->trace_env[i]))
			continue;
		if (words_push(&kept->env, &kept->nenv, im->trace_env[i]) < 0) {
			warn(NULL);
			return -1;
		}
	}
	return 0;
}
