/*
 * bwrap mode: the payload read-only as /, in new namespaces of every
 * kind but the network (--unshare-all --share-net), with a fresh /proc,
 * /dev and /tmp, the host's /etc/resolv.conf and /etc/hosts, and the
 * user's current directory and $HOME bound read-write so the program
 * can work on the user's files.  No capability is left, whoever runs
 * it (--cap-drop ALL: bwrap run by root keeps them all otherwise), and
 * root's $HOME is bound read-only unless asked: what it holds (~/.ssh,
 * ~/.bashrc, ~/.profile) is run with every privilege later.  The
 * caller's loader variables (LD_*) are not passed in.  The switches of
 * the sealed set-ups take the network away (SIDEBUNDLE_NET=0), bind
 * what the user asks where asked, and bind a workspace at /workspace
 * in place of the current directory (binds.c).
 *
 * The root is bwrap's own tmpfs, holding one read-only bind per top-level
 * payload entry (symlinks recreated), remounted read-only at the end:
 * binding the payload itself on / would leave no way to create the mount
 * points for the cwd, $HOME or /etc/resolv.conf on a read-only tree.  A
 * payload directory above such a mount point (/etc, /var for /var/tmp/x)
 * is mirrored one level further instead of bound whole.
 *
 * Inside another sandbox (a container, bwrap itself) the kernel may
 * refuse the new /proc: in a user namespace (bwrap makes one, also for
 * root) it mounts one only where the /proc there is all visible, and
 * those sandboxes mount over parts of theirs.  The /proc there is then bound read-only instead: the
 * program sees that sandbox's processes, but the kernel keeps it from
 * their files (/proc/PID/root, mem, environ: a process of a child user
 * namespace may not ptrace its parent's), and the outer sandbox's own
 * masks stay.
 */
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

#include "binds.h"
#include "launcher.h"
#include "layout.h"
#include "userns.h"

struct args {
	char **v;
	size_t n, cap;
};

static void
add(struct args *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, a->cap * sizeof *v);
		if (v == NULL)
			err(EXIT_CANNOT_RUN, NULL);
		a->v = v;
	}
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void
add3(struct args *a, const char *op, const char *x, const char *y)
{
	add(a, op);
	add(a, x);
	if (y)
		add(a, y);
}

/* Is dir ("" or "/a/b") a proper prefix of path? */
static int
above(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static int
empty_dir(const char *path, const struct stat *st)
{
	DIR *d = S_ISDIR(st->st_mode) ? opendir(path) : NULL;
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

/* One bind or symlink per entry of payload directory dir ("" for the
 * root); an entry that leads to a split path is mirrored in turn. */
static int
mirror(struct args *a, const char *payload, const char *dir, struct split *sp, size_t nsp)
{
	char *src = xjoin(payload, dir);
	DIR *d = opendir(src);
	struct dirent *de;

	if (d == NULL) {
		warn("%s", src);
		free(src);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		if (*dir == '\0' &&
		    (strcmp(n, "proc") == 0 || strcmp(n, "dev") == 0 || strcmp(n, "tmp") == 0))
			continue; /* mounted fresh */
		char *from = xjoin(src, n), *to = xjoin(*dir ? dir : "/", n);
		char link[PATH_MAX];
		struct stat st;
		int descend = 0, replaced = 0;
		if (lstat(from, &st) < 0) {
			warn("%s", from);
			closedir(d);
			return -1;
		}
		for (size_t i = 0; i < nsp; i++) {
			if (above(to, sp[i].path)) {
				/* through a payload link, the mount point would
				 * land inside a read-only bind */
				if (S_ISDIR(st.st_mode))
					descend = 1;
				else
					sp[i].ok = 0;
			} else if (strcmp(to, sp[i].path) == 0) {
				if (sp[i].replace == REPLACE_ANY ||
				    (sp[i].replace == REPLACE_FILE ? !S_ISDIR(st.st_mode)
								   : empty_dir(from, &st)))
					replaced = 1;
				else
					sp[i].ok = 0; /* would hide the bundle's own */
			}
		}
		ssize_t ll;
		if (replaced) {
			free(from);
			free(to);
		} else if (descend) {
			free(from);
			int rc = mirror(a, payload, to, sp, nsp);
			free(to);
			if (rc < 0) {
				closedir(d);
				return -1;
			}
		} else if (S_ISLNK(st.st_mode) &&
		    (ll = readlink(from, link, sizeof link - 1)) > 0) {
			link[ll] = '\0';
			add3(a, "--symlink", xstrdup(link), to);
			free(from);
		} else {
			add3(a, "--ro-bind", from, to);
		}
	}
	closedir(d);
	free(src);
	return 0;
}

/* The settings that refuse user namespaces (common/userns.c); 0 when
 * none says so (bwrap's own error then tells the rest). */
static int
check_userns(const char *bwrap)
{
	char why[512];

	if (sb_userns_refusal(bwrap, why, sizeof why) == NULL)
		return 0;
	warnx("bwrap mode needs %s, or run the bundle in host mode (SIDEBUNDLE_RUN_MODE=host)",
	    why);
	return -1;
}

static char *
find_bwrap(const struct launch *l)
{
	const char *env = setting(l, SB_ENV_BWRAP);
	struct stat st;

	if (env && *env) {
		if (stat(env, &st) < 0 || !S_ISREG(st.st_mode) || access(env, X_OK) < 0) {
			warnx(SB_ENV_BWRAP "=%s: not an executable file", env);
			return NULL;
		}
		return xstrdup(env);
	}
	/* the caller's PATH: a clean environment's is for the program */
	char *p = path_search("bwrap", caller_env(l, "PATH"));
	if (p == NULL)
		warnx("bwrap mode needs bubblewrap, and bwrap is not on PATH: install it "
		      "(Debian, Ubuntu: apt install bubblewrap; Fedora: dnf install "
		      "bubblewrap), or set SIDEBUNDLE_BWRAP to its path, or run the "
		      "bundle in host mode (SIDEBUNDLE_RUN_MODE=host)");
	return p;
}

/* Can host directory dir be bound at the same place in the sandbox?
 * Not "/" and not below /proc or /dev; mirror() rules out the places
 * inside the bundle. */
static int
bindable(const char *dir)
{
	struct stat st;

	return dir != NULL && dir[0] == '/' && dir[1] != '\0' && strcmp(dir, "/proc") != 0 &&
	    strncmp(dir, "/proc/", 6) != 0 && strcmp(dir, "/dev") != 0 &&
	    strncmp(dir, "/dev/", 5) != 0 && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

enum { HOME_NONE, HOME_RO, HOME_RW };

/* How $HOME is bound: SIDEBUNDLE_BIND_HOME ro, rw, or off (0, no,
 * false); else read-write, but read-only for root. */
static int
home_mode(const struct launch *l)
{
	const char *v = setting(l, SB_ENV_BIND_HOME);

	if (v != NULL && strcasecmp(v, "rw") == 0)
		return HOME_RW;
	if (v != NULL && strcasecmp(v, "ro") == 0)
		return HOME_RO;
	if (!setting_bool(l, SB_ENV_BIND_HOME, 1))
		return HOME_NONE;
	return geteuid() == 0 ? HOME_RO : HOME_RW;
}

/* $HOME and the current directory, as the settings say, into sp;
 * cwd is set to the current directory ("" when there is none). */
static void
binds_user_dirs(const struct launch *l, struct splits *sp, int workspace, char *cwd, size_t len)
{
	const char *home = getenv("HOME");
	int hm = home_mode(l), home_bound = 0;

	if (getcwd(cwd, len) == NULL)
		cwd[0] = '\0';
	if (hm != HOME_NONE && bindable(home)) {
		split_add(sp, home, NULL, "$HOME", REPLACE_EMPTY, hm == HOME_RO);
		home_bound = 1;
	}
	/* a cwd below a read-write $HOME is bound with it; below a
	 * read-only one it is bound read-write on its own, but $HOME
	 * itself stays read-only.  With a workspace, the workspace is
	 * where the program works, and the cwd only if asked. */
	if (setting_bool(l, SB_ENV_BIND_CWD, !workspace) && bindable(cwd) &&
	    !(home_bound && under(cwd, home) && (hm == HOME_RW || strcmp(cwd, home) == 0)))
		split_add(sp, xstrdup(cwd), NULL, "the current directory", REPLACE_EMPTY, 0);
}

/* The host binds, after the payload, /proc, /dev and /tmp.  -1 when one
 * that was asked for cannot be made. */
static int
add_binds(struct args *a, struct splits *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		const struct split *s = &sp->v[i];
		if (s->ok) {
			add3(a,
			    s->try	? "--ro-bind-try"
				: s->ro ? "--ro-bind"
					: "--bind",
			    s->src, s->path);
		} else if (s->asked) {
			warnx("%s: %s: the bundle has a file or a symbolic link at a directory "
			      "above it: bind it at the path that leads to",
			    s->what, s->path);
			return -1;
		} else if (!s->try) {
			warnx("bwrap mode: %s %s is not bound in the sandbox: the bundle has that "
			      "path",
			    s->what, s->path);
		}
	}
	return 0;
}

/* Where the program starts: the workspace, else an image's WorkingDir
 * (unless SIDEBUNDLE_BIND_CWD asks for the current directory), else the
 * current directory when it is where it is on the host (bound itself, or
 * below $HOME), else /. */
static const char *
start_dir(const struct launch *l, const struct splits *sp, const char *workspace, const char *cwd)
{
	const char *bind_cwd = setting(l, SB_ENV_BIND_CWD);

	if (workspace != NULL)
		return SB_WORKSPACE_DIR;
	if (l->e->cwd != NULL && (bind_cwd == NULL || *bind_cwd == '\0'))
		return l->e->cwd;
	if (*cwd == '\0' || !setting_bool(l, SB_ENV_BIND_CWD, 1))
		return "/";
	for (size_t i = 0; i < sp->n; i++)
		if (sp->v[i].ok && !sp->v[i].try && strcmp(sp->v[i].src, sp->v[i].path) == 0 &&
		    under(cwd, sp->v[i].path))
			return cwd;
	return "/";
}

/* An image's User (entry-user UID:GID) inside the sandbox's user
 * namespace, as an engine runs it: the files stay the caller's. */
static int
image_user(struct args *a, const struct launch *l)
{
	static char uid[16], gid[16];
	const char *u = l->e->user, *colon;

	if (u == NULL)
		return 0;
	if ((colon = strchr(u, ':')) == NULL || colon == u || colon[1] == '\0' ||
	    strspn(u, "0123456789") != (size_t)(colon - u) ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    (size_t)(colon - u) >= sizeof uid || strlen(colon + 1) >= sizeof gid) {
		warnx("%s: entry-user %s in the manifest: want UID:GID", l->e->name, u);
		return -1;
	}
	memcpy(uid, u, (size_t)(colon - u));
	uid[colon - u] = '\0';
	snprintf(gid, sizeof gid, "%s", colon + 1);
	add3(a, "--uid", uid, NULL);
	add3(a, "--gid", gid, NULL);
	return 0;
}

int
run_bwrap(struct launch *l)
{
	struct args a = { 0 };
	struct splits sp = { 0 };
	const char *workspace;
	char cwd[PATH_MAX];

	split_add(&sp, "/etc/resolv.conf", NULL, "", REPLACE_FILE, 1);
	split_add(&sp, "/etc/hosts", NULL, "", REPLACE_FILE, 1);
	sp.v[0].try = sp.v[1].try = 1;
	size_t fixed = sp.n;
	const char *ws = setting(l, SB_ENV_WORKSPACE);
	binds_user_dirs(l, &sp, ws != NULL && *ws != '\0', cwd, sizeof cwd);
	/* what was asked for is checked before anything is looked for */
	if (binds_asked(l, &sp, &workspace) < 0)
		return 2;
	/* $HOME and the cwd, then what was asked, a bind below another after it */
	binds_order(&sp, fixed);
	char *bwrap = find_bwrap(l);
	if (bwrap == NULL)
		return EXIT_NOT_FOUND;
	if (check_userns(bwrap) < 0)
		return EXIT_CANNOT_RUN;

	env_scrub_loader(l);
	add(&a, bwrap);
	add(&a, "--unshare-all");
	if (setting_bool(l, SB_ENV_NET, 1))
		add(&a, "--share-net");
	add(&a, "--die-with-parent");
	add3(&a, "--cap-drop", "ALL", NULL);
	if (image_user(&a, l) < 0)
		return 2;
	if (mirror(&a, l->payload, "", sp.v, sp.n) < 0)
		return EXIT_CANNOT_RUN;
	if (sb_new_proc_refused() == 1)
		add3(&a, "--ro-bind", "/proc", "/proc");
	else
		add3(&a, "--proc", "/proc", NULL);
	add3(&a, "--dev", "/dev", NULL);
	add3(&a, "--tmpfs", "/tmp", NULL);
	if (add_binds(&a, &sp) < 0)
		return 2;
	add(&a, "--remount-ro");
	add(&a, "/");
	add3(&a, "--chdir", start_dir(l, &sp, workspace, cwd), NULL);
	add(&a, "--");
	/* the kernel follows the entry's PT_INTERP or #! inside the sandbox,
	 * where they name the payload's own files */
	add(&a, l->e->path);
	for (int i = 0; i < l->nargs; i++)
		add(&a, l->args[i]);
	execv(bwrap, a.v);
	warn("cannot run %s", bwrap);
	return errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}
