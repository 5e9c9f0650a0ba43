/*
 * manifest.lock: the bundle's table of contents (contract 3, described in
 * sidebundle-manifest(5)).  Written by `create`, read back by `verify` and
 * by the launcher, all through this one reader.  One record per line,
 * fields separated by one TAB, each field escaped so that it holds no
 * TAB, newline or non-ASCII byte.  libc only: the static (musl) launcher
 * links it.
 */
#ifndef SB_MANIFEST_H
#define SB_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define MANIFEST_VERSION SB_MANIFEST_VERSION
#define MANIFEST_FILE SB_LAYOUT_MANIFEST

/* Where a path came from, in order of precedence: when several apply the
 * lowest value is kept. */
enum origin { OR_ELF, OR_SCRIPT, OR_TRACE, OR_COPY, OR_INCLUDE, OR_RULE, OR_COUNT };

enum mf_type { MF_FILE, MF_DIR, MF_SYMLINK };

struct mf_entry {
	char *name;
	char *path;
	char *kind;   /* elf-dynamic | elf-static | script */
	char *interp; /* "-" when there is none */
	char **args;  /* #! arguments */
	size_t nargs;
	/* from an image's config (entry-args, entry-cwd, entry-user), or
	 * NULL: its default arguments (Entrypoint and Cmd), WorkingDir, User */
	char **defargs;
	size_t ndefargs;
	char *cwd, *user;
};

/* A regular file of the bundle's bin/ (the launcher, the shim): what
 * runs, so verify checks it as it checks the payload. */
struct mf_bin {
	char *name; /* one component, under bin/ */
	unsigned mode;
	uint64_t size;
	char sha[65];
};

struct mf_rec {
	enum mf_type type;
	char *path;
	char *target;  /* MF_SYMLINK */
	unsigned mode; /* permission bits, MF_FILE and MF_DIR */
	uint64_t size; /* MF_FILE */
	char sha[65];  /* MF_FILE: lower-case hex */
	enum origin origin;
	/* MF_FILE, MF_SYMLINK: the ids of the Debian packages that own the
	 * path, comma-separated ("libc6:amd64"), or NULL when none is known
	 * (a bundle made before packages were recorded has none) */
	char *package;
};

/* A package some record names, and its version ("-" when unknown). */
struct mf_pkg {
	char *id;
	char *version;
};

struct manifest {
	char *name;
	char *run_mode;
	char **env;
	size_t nenv;
	struct mf_entry *entries;
	size_t nentries;
	char *image, *image_digest; /* the image the entries come from, or NULL */
	char **libdirs;
	size_t nlibdirs;
	struct mf_bin *bins;
	size_t nbins;
	struct mf_rec *recs;
	size_t nrecs;
	struct mf_pkg *pkgs;
	size_t npkgs;
};

const char *origin_name(enum origin o);
/* -1 when s names no origin. */
int origin_parse(const char *s);

/* Escape s for a manifest field into a malloc'd string; NULL on ENOMEM. */
char *mf_escape(const char *s);

/* Split one line of manifest text, line[0..n) without its newline, into
 * its tag and fields, unescaped (malloc'd, *nf of them): the format the
 * bundle's other files share.  -1 with "line N: why" in err. */
int mf_split(const char *line, size_t n, size_t lineno, char ***fields, size_t *nf, char *err,
    size_t errlen);
void mf_fields_free(char **fields, size_t nf);

/* Is s a list of package ids as a record's PACKAGE field holds them
 * ("libc6:amd64,libc6:i386")? */
int mf_package_ok(const char *s);

/* Sort entries and bin files by name, records bytewise by path and
 * packages by id, as the format asks. */
void manifest_sort(struct manifest *m);

/* Write m (sorted first by the caller) to fd.  -1 with errno on failure. */
int manifest_write(const struct manifest *m, int fd);

/*
 * How much to read.  MF_ALL: every record, and any record this version
 * does not know is an error (verify).  MF_HEADER: the header records
 * only, up to the first file, dir or symlink record, skipping header
 * records it does not know, so that one added there later in version 1
 * does not stop an older launcher; a start then reads a few hundred
 * bytes however large the payload.
 */
enum mf_read { MF_ALL, MF_HEADER };

/* Parse a manifest held in buf[0..len).  On failure returns -1 with
 * "line N: why" in err and m left empty. */
int manifest_parse(struct manifest *m, const char *buf, size_t len, enum mf_read how, char *err,
    size_t errlen);

/* Read and parse DIRFD/MANIFEST_FILE (never through a symlink); -1 with
 * "manifest.lock: why" in err. */
int manifest_read(struct manifest *m, int dirfd, enum mf_read how, char *err, size_t errlen);
/* The same from fd, read from its current offset. */
int manifest_read_fd(struct manifest *m, int fd, enum mf_read how, char *err, size_t errlen);

/* The entry called name, or NULL. */
const struct mf_entry *manifest_entry(const struct manifest *m, const char *name);

void manifest_free(struct manifest *m);

#endif
