/*
 * Static dependency analysis: what an ELF file or a script needs in order
 * to run, found without executing it (so it works for another
 * architecture and inside -r ROOT).  The contract between the analysis
 * (elf.c, ldcache.c, search.c, shebang.c, deps.c) and its users
 * (`sidebundle deps`, `sidebundle create`).
 */
#ifndef SB_DEPS_H
#define SB_DEPS_H

#include <stddef.h>

struct deps_opts {
	const char *root;	     /* analyse files under ROOT; NULL or "/" = host */
	const char *ld_library_path; /* build-time LD_LIBRARY_PATH, NULL unless asked */
	const char *path_env;	     /* PATH for `#!/usr/bin/env NAME`; NULL = default */
};

enum dep_kind {
	DEP_ENTRY,	   /* a file given to deps_analyse() */
	DEP_INTERP,	   /* PT_INTERP of an ELF */
	DEP_NEEDED,	   /* DT_NEEDED library */
	DEP_SCRIPT_INTERP, /* interpreter of a #! script (after env lookup) */
};

struct dep {
	char *path; /* absolute path as found by the search (not
			 * symlink-resolved; relative to root), NULL if missing */
	char *name; /* what asked for it: DT_NEEDED string, PT_INTERP or
			 * #! interpreter text; the path itself for entries */
	int parent; /* index in deps.v of the file that needs it, -1 for
			 * entries */
	enum dep_kind kind;
	int missing; /* not found anywhere the loader would look */
	char **args; /* DEP_SCRIPT_INTERP: the #! arguments (NULL-terminated),
			 * else NULL */
};

struct deps {
	struct dep *v;
	size_t n, cap;
};

/*
 * Analyse file and, recursively, everything it needs, appending to d
 * (files already in d are not analysed again; each (parent, name) edge
 * is one dep).  Returns 0, or -1 with a message in err naming the file
 * when file itself cannot be read or is corrupt.  Libraries that cannot
 * be found are deps with missing set, not errors; a corrupt library
 * found during the search is skipped with a warning in the same way the
 * loader would skip it.
 */
int deps_analyse(struct deps *d, const struct deps_opts *o, const char *file, char *err,
    size_t errlen);
void deps_free(struct deps *d);

#endif
