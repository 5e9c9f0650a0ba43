/*
 * `create --from-image REF[::PATH][::trace[=ARGS]]` (sidebundle(1),
 * IMAGES): the image unpacked into the cache (imgcache.h), its config
 * (Entrypoint, Cmd, Env, WorkingDir, User), the entries' programs found
 * as the image would find them, and traces run inside it, unprivileged,
 * under bwrap with the image's root as "/" (check.h's sandbox).
 */
#ifndef SB_IMAGE_H
#define SB_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "check.h"
#include "imgcache.h"
#include "runrec.h"

/* Defaults of --image-max-size and of the number of entries. */
#define IMAGE_MAX_BYTES (16ull << 30)
#define IMAGE_MAX_ENTRIES 2000000ull

struct image {
	char *ref;
	char digest[72]; /* the manifest's (docker-archive: the config's) */
	struct imgcache cache;
	const char *root; /* the unpacked root: cache.root */
	char **entrypoint, **cmd, **env;
	size_t nentrypoint, ncmd, nenv;
	char *workdir;	   /* "/" when the config has none */
	char *user;	   /* as the config says, or NULL */
	unsigned uid, gid; /* User in the image's accounts (root without one) */
	char ids[32];	   /* "UID:GID" */
	char **trace_env;  /* env, with PATH and HOME when it lacks them */
	size_t ntrace_env;
	struct checker k; /* for the traces, once one runs */
	int k_ready;
};

/* One --from-image: REF, PATH (NULL: the image's own program) and what
 * ::trace asks (NULL: no trace; ::trace alone: the default arguments,
 * *trace_default set). */
struct image_spec {
	char *ref, *path, *trace_args;
	int trace_default;
	char **args; /* the default arguments, once image_entry found them */
	size_t nargs;
};

/* Split SPEC: 0, or -1 with why in err. */
int image_spec_parse(const char *spec, struct image_spec *s, char *err, size_t errlen);
void image_spec_free(struct image_spec *s);

/* Open ref, unpack it or find it in the cache, read its config.  0, or
 * -1 with a message printed. */
int image_open(struct image *im, const char *ref, uint64_t max_bytes, int quiet);
void image_free(struct image *im);

/* The entry a spec names: its absolute path in the image (a name
 * without '/' found on the image's PATH, a relative path taken from its
 * WorkingDir, no PATH: Entrypoint's or Cmd's program) and its default
 * arguments (the rest of Entrypoint, then Cmd, when the entry is that
 * program).  0, or -1 with a message printed. */
int image_entry(const struct image *im, const struct image_spec *s, char **path, char ***args,
    size_t *nargs);

/* Run argv inside the image, traced with backend (preload, ptrace,
 * auto) into db, its output copied to our stderr, and keep the run in
 * runs under label.  0 (a command that exits non-zero only warns), or
 * -1 with a message printed. */
int image_trace(struct image *im, const char *backend, const char *db, const char *label,
    char *const argv[], struct runrecs *runs);

#endif
