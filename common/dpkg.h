/*
 * dpkg's database, read directly: which Debian package owns a path, the
 * way `dpkg -S` answers it but with one load and a hash lookup per path
 * instead of a process per path (as ReproZip first did).  Read from a
 * root directory, the host's "/" or an image's tree:
 *
 *   ROOT/var/lib/dpkg/status       the packages: name, version,
 *                                  architecture, Multi-Arch, state
 *   ROOT/var/lib/dpkg/info/ID.list the paths each package installed
 *   ROOT/var/lib/dpkg/diversions   paths moved aside (dpkg-divert(1))
 *
 * Merged /usr: dpkg lists /bin/bash and /lib/x86_64-linux-gnu/libc.so.6
 * where the file may be reached as /usr/bin/bash (and the other way
 * round).  Every listed path and every path asked about is taken with
 * its directory resolved inside the root (symbolic links followed, an
 * absolute one from the root, never out of it: common/rootwalk.h), its
 * last component as it is, so both spellings meet; a link as the last
 * component is attributed itself, not its target.
 *
 * Library code: libc only, no message printed, errors returned with
 * errno and a message in the caller's buffer.  Not thread-safe: a
 * lookup fills a cache of resolved directories.
 */
#ifndef SB_DPKG_H
#define SB_DPKG_H

#include <stddef.h>
#include <stdint.h>

struct dpkg_pkg {
	const char *name;      /* "libc6" */
	const char *arch;      /* "amd64", "all"; "" when the stanza has none */
	const char *version;   /* "2.36-9+deb12u4"; "" when none */
	const char *multiarch; /* "same", "foreign", "allowed"; "no" when none */
	const char *state;     /* the last word of Status: "installed", ... */
	/* as dpkg-query prints it: "libc6:amd64" for a Multi-Arch: same
	 * package or one of a foreign architecture, else "coreutils"; also
	 * the name of its list file, info/ID.list, but for a foreign one
	 * that is not Multi-Arch: same, whose list is info/NAME.list */
	const char *id;
	uint64_t installed_kib; /* Installed-Size, KiB; 0 when none */
	size_t npaths;		/* paths its list names (directories too) */
};

struct dpkg;

/*
 * Load the database of root (NULL or "/" for the host).  NULL on
 * failure, with errno and a message in err naming the file: ENOENT when
 * root has no dpkg status file (not a Debian system), EINVAL when a
 * file is malformed, or what open or read said.  A package whose list
 * file is missing owns nothing (dpkg says the same); any other list
 * that cannot be read fails the load.  Callers that can do without
 * attribution take the NULL as "no package known".
 */
struct dpkg *dpkg_open(const char *root, char *err, size_t errlen);

/*
 * The packages that own path (absolute; relative ones own nothing):
 * their number, of which the first max are stored in out sorted by id.
 * 0 when no package lists it.  A path several packages list (a
 * directory, or the shared files of one Multi-Arch: same package in two
 * architectures) has several.
 */
size_t dpkg_owners(struct dpkg *db, const char *path, const struct dpkg_pkg **out, size_t max);

/* The packages, in the order of the status file. */
size_t dpkg_count(const struct dpkg *db);
const struct dpkg_pkg *dpkg_package(const struct dpkg *db, size_t i);
/* The package called name: an id ("libc6:amd64") or a bare name, which
 * must then be unambiguous.  NULL if none. */
const struct dpkg_pkg *dpkg_find(const struct dpkg *db, const char *name);

void dpkg_close(struct dpkg *db);

/*
 * Building a database from bytes, for the unit tests and the fuzz
 * target (dpkg_open is these on the files): an empty database whose
 * paths are taken lexically (no root to resolve them in), then the
 * status file, the diversions, and each package's list, in that order
 * (a list added before the diversions is not diverted).  The buffers
 * are copied.  0, or -1 with errno (EINVAL: malformed, ENOMEM) and a
 * message in err.  dpkg_add_list's id is the package's id or list name;
 * an unknown one is EINVAL.
 */
struct dpkg *dpkg_new(void);
int dpkg_add_status(struct dpkg *db, const char *buf, size_t len, char *err, size_t errlen);
int dpkg_add_diversions(struct dpkg *db, const char *buf, size_t len, char *err, size_t errlen);
int dpkg_add_list(struct dpkg *db, const char *id, const char *buf, size_t len, char *err,
    size_t errlen);

#endif
