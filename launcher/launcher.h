/*
 * sidebundle-launcher: the static program every bundle carries as
 * bin/.sidebundle-launcher, each bin/<entry> a symlink to it.  It finds
 * its bundle and entry (and, started by its own name, its options),
 * reads the header of manifest.lock and runs the entry in host, bwrap
 * or chroot mode (sidebundle-launcher(7)).  libc
 * only, nothing of the bundler: it must run on any Linux of the same
 * architecture.  Helpers return -1 (or NULL) with errno set; the run_*
 * functions print why they failed and return the exit status to use.
 */
#ifndef SB_LAUNCHER_H
#define SB_LAUNCHER_H

#include <stddef.h>

#include "manifest.h"

/* Exit statuses of the launcher itself (a child's pass through). */
#define EXIT_CANNOT_RUN 126 /* set-up or exec failed */
#define EXIT_NOT_FOUND 127  /* no such entry, no bwrap */

struct launch {
	char *root;	   /* the bundle directory, absolute, resolved */
	char *payload;	   /* root + "/payload" */
	struct manifest m; /* the header of manifest.lock (MF_HEADER) */
	const struct mf_entry *e;
	const char *argv0; /* as the launcher was called */
	char **args;	   /* the user's arguments, NULL-terminated */
	int nargs;
	char **callenv; /* the caller's environment as it came, NULL-terminated */
	char **opts;	/* the launcher options' settings, "K=V" */
	size_t nopts;
};

/* The path the payload path path leads to, as a host path below
 * l->payload, following the payload's symlinks with absolute targets
 * re-rooted in the payload (malloc'd); NULL with errno if it leads
 * nowhere or outside. */
char *payload_resolve(const char *payload, const char *path);

/* Read the PT_INTERP of the ELF file at path into buf.  Returns 1 when
 * it has one, 0 when it has none (static, or not an ELF file), -1 with
 * errno when it cannot be read or is malformed. */
int elf_interp(const char *path, char *buf, size_t len);

/* settings.c.  A SIDEBUNDLE_* setting: the launcher's options first,
 * then the caller's environment, then the bundle's --set-env records;
 * NULL when none sets it.  An empty value is the default's. */
const char *setting(const struct launch *l, const char *name);
/* The same, and where it came from for messages: "--no-net", "in the
 * environment", "the bundle's default". */
const char *setting_from(const struct launch *l, const char *name, const char **from);
/* A boolean setting: "0", "no", "off", "false" are false; def if unset. */
int setting_bool(const struct launch *l, const char *name, int def);
/* A variable of the caller's environment as it came, whatever the
 * launcher has made of its own since. */
const char *caller_env(const struct launch *l, const char *name);
/* Started as the launcher itself: the options before the entry, into
 * l->opts; the index of the entry in argv.  Exits on --help and on a
 * usage error. */
int options_parse(struct launch *l, int argc, char **argv);
/* Refuse a setting that mode cannot honour (runopts.h): 0, or -1 when
 * one was refused, said why. */
int settings_check(const struct launch *l, const char *mode);

/* env.c.  The program's environment: the caller's, or with
 * SIDEBUNDLE_CLEAN_ENV the few names sidebundle-launcher(7) lists; then the
 * bundle's --set-env values. */
void env_prepare(const struct launch *l);
/* Remove the dynamic loader's variables (every LD_*) the caller passed,
 * but those the bundle's --set-env values set: in the sandbox modes the
 * payload is /, where the caller's host paths mean another file or
 * none. */
void env_scrub_loader(const struct launch *l);

/* Find an executable named name in the PATH list path (NULL or "": a
 * default), or name itself if it holds a '/'; malloc'd path or NULL. */
char *path_search(const char *name, const char *path);

/* The path we were run by: AT_EXECFN (what a PATH search found), else
 * argv0, looked up as path_search does; malloc'd, or NULL. */
char *run_path(const char *argv0);
/* Where the symbolic link p points, joined to p's directory when
 * relative (malloc'd); NULL when p is no symbolic link. */
char *link_next(const char *p);

/* Join a and b with one '/' (malloc'd; exits on ENOMEM). */
char *xjoin(const char *a, const char *b);
void *xmalloc(size_t n);
char *xstrdup(const char *s);

/* Read the header of l->root's manifest.lock into l->m and set
 * l->payload; exits on failure. */
void launch_read_manifest(struct launch *l);
/* Run l->e (l->m read, the arguments set) in the run mode chosen: the
 * exit status when it could not. */
int launch_run(struct launch *l);

/* When our own executable self is a single-file bundle (a trailer after
 * the launcher, sidebundle-pack(5)): find or make its extraction and
 * run it, returning the exit status; -1 when it is not one. */
int single_main(const char *self, int argc, char **argv);

/* The modes: each returns only on failure, with the exit status. */
int run_host(struct launch *l);
int run_bwrap(struct launch *l);
int run_chroot(struct launch *l);

/* chroot mode's hardening, in harden.c: the seccomp filter. */
int seccomp_install(void);

#endif
