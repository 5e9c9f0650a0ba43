/*
 * check/ of a bundle, written and read (sidebundle-check(5)):
 *
 *   check/format       "sidebundle-check 1\n"
 *   check/N/label      \
 *   check/N/argv        | NUL-terminated strings, as /proc/PID/cmdline
 *   check/N/cwd         | (binary-safe: any byte but NUL)
 *   check/N/env        /
 *   check/N/outcome    "status S\nstdout SIZE SHA256\nstderr SIZE SHA256\n"
 *   check/N/stdout     the first 1 MiB of each output
 *   check/N/stderr
 *
 * N counts from 1.  Everything is reached through O_NOFOLLOW and read
 * bounded: a bundle is input like any other.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "words.h"
#include "errbuf.h"
#include "layout.h"
#include "fdio.h"
#include "runrec.h"

#define RUNREC_FORMAT "sidebundle-check 1\n"
#define STRINGS_MAX (1u << 20) /* argv, env, cwd, label */
#define OUTCOME_MAX 4096

extern char **environ;

int
runrec_env_keeps(const char *kv)
{
	/* the environment glibc reads besides these: the same list as the
	 * trace's processes.env (sbtrace-db(5)) */
	static const char *const keep[] = { "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE",
		"TZ", "TZDIR", "LOCPATH", "NLSPATH", "GCONV_PATH", "HOSTALIASES", "LOCALDOMAIN",
		"RES_OPTIONS" };
	const char *eq = strchr(kv, '=');
	size_t n = eq ? (size_t)(eq - kv) : 0;

	if (n == 0)
		return 0;
	if (n > 3 && strncmp(kv, "LC_", 3) == 0)
		return 1;
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		if (strlen(keep[i]) == n && strncmp(kv, keep[i], n) == 0)
			return 1;
	return 0;
}

static void
rec_free(struct runrec *r)
{
	free(r->label);
	free(r->cwd);
	words_free(r->argv, r->argc);
	words_free(r->env, r->nenv);
	outcome_free(&r->o);
}

void
runrecs_free(struct runrecs *r)
{
	for (size_t i = 0; i < r->n; i++)
		rec_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}

int
runrecs_add(struct runrecs *r, const char *label, char *const argv[], const char *cwd,
    char *const envp[], struct outcome *o)
{
	struct runrec *v = reallocarray(r->v, r->n + 1, sizeof *v);

	if (v == NULL)
		return -1;
	r->v = v;
	struct runrec *x = memset(&v[r->n], 0, sizeof *v);
	if ((x->label = strdup(label)) == NULL || (x->cwd = strdup(cwd)) == NULL)
		goto nomem;
	for (size_t i = 0; argv[i] != NULL; i++)
		if (words_push(&x->argv, &x->argc, argv[i]) < 0)
			goto nomem;
	for (char *const *e = envp ? envp : environ; *e != NULL; e++)
		if (runrec_env_keeps(*e) && words_push(&x->env, &x->nenv, *e) < 0)
			goto nomem;
	if (x->env == NULL && (x->env = calloc(1, sizeof *x->env)) == NULL)
		goto nomem;
	x->o = *o;
	memset(o, 0, sizeof *o);
	r->n++;
	return 0;
nomem:
	rec_free(x);
	errno = ENOMEM;
	return -1;
}

/* --- writing ----------------------------------------------------------- */

/* v[0..n) as NUL-terminated strings, one after the other. */
static int
write_strs(int dirfd, const char *name, char *const *v, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *buf = malloc(len ? len : 1), *o = buf;
	if (buf == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]) + 1;
		memcpy(o, v[i], l);
		o += l;
	}
	int rc = sb_write_new_file(dirfd, name, buf, len);
	free(buf);
	return rc;
}

int
runrec_format_outcome(const struct outcome *o, char *buf, size_t len)
{
	return snprintf(buf, len, "status %d\nstdout %" PRIu64 " %s\nstderr %" PRIu64 " %s\n",
	    o->status, o->out.size, o->out.sha, o->err.size, o->err.sha);
}

static int
write_rec(int checkfd, size_t idx, const struct runrec *r)
{
	char name[32], outcome[RUNREC_OUTCOME_LEN];
	int fd, rc = -1;

	snprintf(name, sizeof name, "%zu", idx + 1);
	if (mkdirat(checkfd, name, 0755) < 0 ||
	    (fd = openat(checkfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	int n = runrec_format_outcome(&r->o, outcome, sizeof outcome);
	char *one[1] = { r->label }, *cwd[1] = { r->cwd };
	if (write_strs(fd, "label", one, 1) == 0 && write_strs(fd, "argv", r->argv, r->argc) == 0 &&
	    write_strs(fd, "cwd", cwd, 1) == 0 && write_strs(fd, "env", r->env, r->nenv) == 0 &&
	    sb_write_new_file(fd, "outcome", outcome, (size_t)n) == 0 &&
	    sb_write_new_file(fd, "stdout", r->o.out.buf, r->o.out.len) == 0 &&
	    sb_write_new_file(fd, "stderr", r->o.err.buf, r->o.err.len) == 0 &&
	    fchmod(fd, 0755) == 0)
		rc = 0;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
runrecs_write(const struct runrecs *r, int bundlefd)
{
	int fd;

	if (mkdirat(bundlefd, SB_LAYOUT_CHECK, 0755) < 0 ||
	    (fd = openat(bundlefd, SB_LAYOUT_CHECK,
		 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		warn(SB_LAYOUT_CHECK);
		return -1;
	}
	int rc = sb_write_new_file(fd, "format", RUNREC_FORMAT, strlen(RUNREC_FORMAT));
	for (size_t i = 0; i < r->n && rc == 0; i++)
		rc = write_rec(fd, i, &r->v[i]);
	if (rc == 0)
		rc = fchmod(fd, 0755);
	if (rc < 0)
		warn(SB_LAYOUT_CHECK);
	close(fd);
	return rc;
}

/* --- reading ----------------------------------------------------------- */

int
runrec_parse_strs(const char *buf, size_t len, char ***v, size_t *n)
{
	*n = 0;
	*v = NULL;
	if (len > 0 && buf[len - 1] != '\0') {
		errno = EINVAL;
		return -1;
	}
	if ((*v = calloc(1, sizeof **v)) == NULL)
		return -1;
	for (size_t off = 0; off < len; off += strlen(buf + off) + 1)
		if (words_push(v, n, buf + off) < 0) {
			words_free(*v, *n);
			*v = NULL;
			*n = 0;
			return -1;
		}
	return 0;
}

/* NUL-terminated strings of dirfd/name into *v (NULL-terminated). */
static int
read_strs(int dirfd, const char *name, char ***v, size_t *n)
{
	size_t len;
	char *buf = sb_read_file_at(dirfd, name, STRINGS_MAX, &len);

	if (buf == NULL)
		return -1;
	int rc = runrec_parse_strs(buf, len, v, n), e = errno;
	free(buf);
	errno = e;
	return rc;
}

/* One string: the file holds exactly one. */
static int
read_str(int dirfd, const char *name, char **s)
{
	char **v;
	size_t n;

	if (read_strs(dirfd, name, &v, &n) < 0)
		return -1;
	if (n != 1) {
		words_free(v, n);
		errno = EINVAL;
		return -1;
	}
	*s = v[0];
	free(v);
	return 0;
}

/* Decimal digits at *p into *v (at most max), *p moved past them. */
static int
parse_uint(const char **p, uint64_t max, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (*v > (max - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	*p = s;
	return 0;
}

/* "TAG SIZE SHA256\n" at *p; *p moved past the newline. */
static int
parse_stream(const char **p, const char *tag, struct capture *c)
{
	const char *s = *p;
	size_t tl = strlen(tag);

	if (strncmp(s, tag, tl) != 0 || s[tl] != ' ')
		return -1;
	s += tl + 1;
	if (parse_uint(&s, UINT64_MAX, &c->size) < 0 || *s++ != ' ' ||
	    strspn(s, "0123456789abcdef") != 64 || s[64] != '\n')
		return -1;
	memcpy(c->sha, s, 64);
	c->sha[64] = '\0';
	*p = s + 65;
	return 0;
}

int
runrec_parse_outcome(const char *buf, size_t len, struct outcome *o)
{
	const char *s = buf;
	uint64_t status;

	/* buf[len] is NUL, and no NUL may come before it */
	if (strlen(buf) != len || strncmp(s, "status ", 7) != 0)
		goto bad;
	s += 7;
	if (parse_uint(&s, 255, &status) < 0 || *s++ != '\n' ||
	    parse_stream(&s, "stdout", &o->out) < 0 || parse_stream(&s, "stderr", &o->err) < 0 ||
	    *s != '\0')
		goto bad;
	o->status = (int)status;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int
read_outcome(int dirfd, struct outcome *o)
{
	size_t len;
	char *buf = sb_read_file_at(dirfd, "outcome", OUTCOME_MAX, &len);

	if (buf == NULL)
		return -1;
	int rc = runrec_parse_outcome(buf, len, o);
	free(buf);
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

static int
read_output(int dirfd, const char *name, struct capture *c)
{
	size_t len;
	char *buf = sb_read_file_at(dirfd, name, CAPTURE_MAX, &len);

	if (buf == NULL)
		return -1;
	if (len != (c->size < CAPTURE_MAX ? c->size : CAPTURE_MAX)) {
		free(buf);
		errno = EINVAL;
		return -1;
	}
	c->buf = (unsigned char *)buf;
	c->len = len;
	return 0;
}

static int
read_rec(int checkfd, const char *name, struct runrec *r, const char **what)
{
	int fd = openat(checkfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int rc = -1;
	if ((*what = "label", read_str(fd, *what, &r->label)) < 0 ||
	    (*what = "argv", read_strs(fd, *what, &r->argv, &r->argc)) < 0 ||
	    (*what = "cwd", read_str(fd, *what, &r->cwd)) < 0 ||
	    (*what = "env", read_strs(fd, *what, &r->env, &r->nenv)) < 0 ||
	    (*what = "outcome", read_outcome(fd, &r->o)) < 0 ||
	    (*what = "stdout", read_output(fd, *what, &r->o.out)) < 0 ||
	    (*what = "stderr", read_output(fd, *what, &r->o.err)) < 0)
		goto out;
	*what = "argv";
	if (r->argc == 0 || r->argv[0][0] != '/' || r->cwd[0] != '/') {
		errno = EINVAL;
		goto out;
	}
	rc = 0;
out:;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
runrecs_read(struct runrecs *r, int bundlefd, char *err, size_t errlen)
{
	int fd = openat(bundlefd, SB_LAYOUT_CHECK, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t len;
	char *fmt;

	memset(r, 0, sizeof *r);
	if (fd < 0) {
		errbuf_set(err, errlen, SB_LAYOUT_CHECK, "%s", strerror(errno));
		return -1;
	}
	if ((fmt = sb_read_file_at(fd, "format", 64, &len)) == NULL ||
	    strcmp(fmt, RUNREC_FORMAT) != 0) {
		errbuf_set(err, errlen, SB_LAYOUT_CHECK "/format", "%s",
		    fmt ? "not \"sidebundle-check 1\"" : strerror(errno));
		free(fmt);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	free(fmt);
	for (size_t i = 0;; i++) {
		char name[32];
		const char *what = "";
		snprintf(name, sizeof name, "%zu", i + 1);
		struct runrec *v = reallocarray(r->v, r->n + 1, sizeof *v);
		if (v == NULL) {
			errbuf_set(err, errlen, SB_LAYOUT_CHECK, "%s", strerror(errno));
			break;
		}
		r->v = v;
		memset(&v[r->n], 0, sizeof *v);
		if (read_rec(fd, name, &v[r->n], &what) == 0) {
			r->n++;
			continue;
		}
		int e = errno;
		rec_free(&v[r->n]);
		if (e == ENOENT && *what == '\0') {
			close(fd);
			return 0; /* no check/N: the last was N-1 */
		}
		char path[64];
		snprintf(path, sizeof path, SB_LAYOUT_CHECK "/%s/%s", name, what);
		errbuf_set(err, errlen, path, "%s",
		    e == EINVAL	     ? "malformed"
			: e == EFBIG ? "too large"
				     : strerror(e));
		break;
	}
	close(fd);
	runrecs_free(r);
	errno = EINVAL;
	return -1;
}
