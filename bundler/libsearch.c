/*
 * Library and program search inside a root.  See search.h for the order;
 * the references are glibc 2.36 elf/dl-load.c (_dl_map_object,
 * open_path, _dl_dst_substitute) and elf/dl-cache.c.
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

#include <elf.h>

#include "libsearch.h"
#include "path.h"

/* Root-relative path a/b, normalised; NULL on ENOMEM. */
static char *
join(const char *dir, const char *name)
{
	size_t n;

	return path_normalize(dir, strlen(dir), name, strlen(name), &n);
}

static void
detect_hwcaps(struct search *s)
{
	s->nhwcaps = 0;
#if defined(__x86_64__) && !defined(__clang__)
	/* ld.so's x86-64 levels; the same ISA levels GCC names (clang 14
	 * knows no level names: a clang build, the fuzzers, assumes the
	 * baseline). */
	__builtin_cpu_init();
	if (__builtin_cpu_supports("x86-64-v4"))
		s->hwcaps[s->nhwcaps++] = "x86-64-v4";
	if (__builtin_cpu_supports("x86-64-v3"))
		s->hwcaps[s->nhwcaps++] = "x86-64-v3";
	if (__builtin_cpu_supports("x86-64-v2"))
		s->hwcaps[s->nhwcaps++] = "x86-64-v2";
#endif
}

int
search_init(struct search *s, const char *root, const char *ld_library_path)
{
	memset(s, 0, sizeof(*s));
	if (root_init(&s->root, root) == -1)
		return -1;
	s->ld_library_path = ld_library_path;
	if (root_is_host(&s->root))
		detect_hwcaps(s);
	return 0;
}

void
search_free(struct search *s)
{
	root_free(&s->root);
	ldcache_free(&s->cache);
	memset(s, 0, sizeof(*s));
}

/* Debian-style multiarch triplet for a class/machine, or NULL. */
static const char *
triplet(const struct elf_info *ei)
{
	switch (ei->machine) {
	case EM_X86_64:
		return ei->class == ELFCLASS64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_ARM:
		return "arm-linux-gnueabihf";
	case EM_PPC64:
		return ei->data == ELFDATA2LSB ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
	case EM_S390:
		return "s390x-linux-gnu";
	case EM_RISCV:
		return "riscv64-linux-gnu";
	default:
		return NULL;
	}
}

static const char *
platform(const struct elf_info *ei)
{
	switch (ei->machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i686";
	case EM_AARCH64:
		return "aarch64";
	case EM_PPC64:
		return ei->data == ELFDATA2LSB ? "powerpc64le" : "powerpc64";
	case EM_S390:
		return "s390x";
	case EM_RISCV:
		return "riscv64";
	default:
		return "";
	}
}

/* glibc-hwcaps subdirectories that exist for a machine (any CPU). */
static const char *const *
known_hwcaps(const struct elf_info *ei)
{
	static const char *const x86[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", NULL };
	static const char *const ppc[] = { "power10", "power9", NULL };
	static const char *const s390[] = { "z16", "z15", "z14", "z13", NULL };
	static const char *const none[] = { NULL };

	if (ei->machine == EM_X86_64 && ei->class == ELFCLASS64)
		return x86;
	if (ei->machine == EM_PPC64 && ei->data == ELFDATA2LSB)
		return ppc;
	if (ei->machine == EM_S390)
		return s390;
	return none;
}

/* Whether the root uses multiarch directories for this machine. */
static int
is_multiarch(const struct search *s, const struct elf_info *ei)
{
	const char *t = triplet(ei);
	char dir[PATH_MAX];
	struct stat st;

	if (t == NULL)
		return 0;
	snprintf(dir, sizeof(dir), "/usr/lib/%s", t);
	if (root_stat(&s->root, dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 1;
	snprintf(dir, sizeof(dir), "/lib/%s", t);
	return root_stat(&s->root, dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* $LIB as this root's ld.so would expand it. */
static void
dst_lib(const struct search *s, const struct elf_info *ei, char *out, size_t outlen)
{
	if (is_multiarch(s, ei))
		snprintf(out, outlen, "lib/%s", triplet(ei));
	else
		snprintf(out, outlen, "%s", ei->class == ELFCLASS64 ? "lib64" : "lib");
}

/*
 * Expand $ORIGIN, $LIB, $PLATFORM (also in ${} form) in one search-path
 * element.  Unknown DSTs are copied verbatim, as glibc does.  Returns a
 * malloc'd string or NULL (ENOMEM, ENAMETOOLONG).
 */
static char *
expand_dst(const struct search *s, const char *in, size_t inlen, const char *origin,
    const struct elf_info *ei)
{
	char out[PATH_MAX], lib[64];
	size_t o = 0;

	for (size_t i = 0; i < inlen;) {
		const char *val = NULL;
		size_t skip = 0;

		if (in[i] == '$') {
			static const char *const names[] = { "ORIGIN", "LIB", "PLATFORM" };
			for (size_t k = 0; k < 3 && val == NULL; k++) {
				size_t nl = strlen(names[k]);
				const char *p = in + i + 1;
				size_t left = inlen - i - 1;

				if (left >= nl + 2 && p[0] == '{' &&
				    memcmp(p + 1, names[k], nl) == 0 && p[nl + 1] == '}')
					skip = nl + 3;
				else if (left >= nl && memcmp(p, names[k], nl) == 0 &&
				    (left == nl ||
					!(p[nl] == '_' || (p[nl] >= 'A' && p[nl] <= 'Z') ||
					    (p[nl] >= 'a' && p[nl] <= 'z') ||
					    (p[nl] >= '0' && p[nl] <= '9'))))
					skip = nl + 1;
				if (skip == 0)
					continue;
				if (k == 0) {
					val = origin;
				} else if (k == 1) {
					dst_lib(s, ei, lib, sizeof(lib));
					val = lib;
				} else {
					val = platform(ei);
				}
			}
		}
		if (val != NULL) {
			size_t vl = strlen(val);
			if (o + vl >= sizeof(out))
				goto toolong;
			memcpy(out + o, val, vl);
			o += vl;
			i += skip;
		} else {
			if (o + 1 >= sizeof(out))
				goto toolong;
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	return strdup(out);
toolong:
	errno = ENAMETOOLONG;
	return NULL;
}

/*
 * Try dir/name (and its glibc-hwcaps variants).  Returns 1 when r got a
 * primary hit, 0 when nothing usable is there, -1 on ENOMEM.
 */
static int
try_file(struct search *s, const char *path, const struct elf_info *want, struct search_hit *hit)
{
	char err[PATH_MAX + 256];
	int fd = root_open(&s->root, path);

	if (fd == -1)
		return 0;
	if (elf_info_fd(fd, path, &hit->ei, err, sizeof(err)) == -1) {
		close(fd);
		/* ld.so stops at a corrupt file it opens; we go on, so
		 * one bad file does not hide the rest of the tree. */
		warnx("%s (skipped)", err);
		return 0;
	}
	close(fd);
	if (!elf_info_compatible(want, &hit->ei)) {
		elf_info_free(&hit->ei);
		return 0;
	}
	if ((hit->path = strdup(path)) == NULL) {
		elf_info_free(&hit->ei);
		return -1;
	}
	return 1;
}

static int
have_path(const struct search_result *r, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, path) == 0)
			return 1;
	return 0;
}

/* Add path to r if it is a usable library not already there. */
static int
add_candidate(struct search *s, const char *path, const struct elf_info *want,
    struct search_result *r)
{
	if (r->n >= SEARCH_MAX_HITS || have_path(r, path))
		return 0;
	int rc = try_file(s, path, want, &r->v[r->n]);
	if (rc == 1)
		r->n++;
	return rc;
}

static int
try_dir(struct search *s, const char *dir, const char *name, const struct elf_info *want,
    struct search_result *r)
{
	char p[PATH_MAX];
	const char *const *known = known_hwcaps(want);
	int rc;

	if (dir[0] != '/')
		return 0; /* relative to a cwd we cannot know */
	if (root_is_host(&s->root)) {
		for (size_t i = 0; i < s->nhwcaps && r->n == 0; i++) {
			snprintf(p, sizeof(p), "%s/glibc-hwcaps/%s/%s", dir, s->hwcaps[i], name);
			if ((rc = add_candidate(s, p, want, r)) != 0)
				if (rc == -1)
					return -1;
		}
		snprintf(p, sizeof(p), "%s/%s", dir, name);
		if (add_candidate(s, p, want, r) == -1)
			return -1;
		return r->n > 0;
	}
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (add_candidate(s, p, want, r) == -1)
		return -1;
	for (size_t i = 0; known[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/glibc-hwcaps/%s/%s", dir, known[i], name);
		if (add_candidate(s, p, want, r) == -1)
			return -1;
	}
	return r->n > 0;
}

/* Search a ':'-separated list (LD_LIBRARY_PATH also allows ';'). */
static int
try_list(struct search *s, const char *list, const char *seps, const char *name, const char *origin,
    const struct elf_info *want, struct search_result *r)
{
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, seps);

		if (len > 0) {
			char *dir = expand_dst(s, p, len, origin, want);
			if (dir == NULL)
				return errno == ENOMEM ? -1 : 0;
			char *norm = join("/", dir);
			int rc =
			    dir[0] == '/' && norm != NULL ? try_dir(s, norm, name, want, r) : 0;
			if (norm == NULL && dir[0] == '/')
				rc = -1;
			free(dir);
			free(norm);
			if (rc != 0)
				return rc;
		}
		p += len;
		if (*p != '\0')
			p++;
	}
	return 0;
}

static int
try_cache(struct search *s, const char *name, const struct elf_info *want, struct search_result *r)
{
	char err[PATH_MAX + 256], path[PATH_MAX * 2];

	if (s->cache_state == 0) {
		if (root_host_path(&s->root, "/etc/ld.so.cache", path, sizeof(path)) == 0 &&
		    ldcache_load(path, &s->cache, err, sizeof(err)) == 0) {
			s->cache_state = 1;
		} else {
			/* No cache is normal in a small root; only a
			 * broken one deserves a word. */
			if (errno != ENOENT && access(path, F_OK) == 0)
				warnx("%s (cache ignored)", err);
			s->cache_state = -1;
		}
	}
	if (s->cache_state != 1)
		return 0;

	uint32_t arch = ldcache_arch_flags(want->class, want->machine, 0);
	const struct ldcache_entry *best = NULL;
	size_t best_rank = SIZE_MAX;
	const struct ldcache_entry *alts[SEARCH_MAX_HITS];
	size_t nalts = 0;

	for (size_t i = 0; i < s->cache.n; i++) {
		const struct ldcache_entry *e = &s->cache.v[i];
		uint32_t type = e->flags & LDCACHE_FLAG_TYPE_MASK;

		if (strcmp(e->name, name) != 0 || e->legacy_hwcap)
			continue;
		if (type != LDCACHE_FLAG_ELF && type != LDCACHE_FLAG_ELF_LIBC6)
			continue;
		if (arch != 0 && e->flags != LDCACHE_FLAG_ELF && e->flags != arch)
			continue;
		/* rank: position among active hwcaps, baseline after. */
		size_t rank = s->nhwcaps;
		if (e->hwcaps != NULL) {
			rank = SIZE_MAX - 1;
			if (root_is_host(&s->root))
				for (size_t k = 0; k < s->nhwcaps; k++)
					if (strcmp(e->hwcaps, s->hwcaps[k]) == 0)
						rank = k;
			/* -r ROOT: baseline first, variants kept. */
			if (!root_is_host(&s->root))
				rank = SIZE_MAX - 1;
		}
		if (nalts < SEARCH_MAX_HITS)
			alts[nalts++] = e;
		if (rank < best_rank || best == NULL) {
			best = e;
			best_rank = rank;
		}
	}
	if (best == NULL)
		return 0;
	int rc = add_candidate(s, best->path, want, r);
	if (rc != 1)
		return rc;
	for (size_t i = 0; i < nalts; i++) {
		/* Keep the baseline next to a CPU-specific choice; under
		 * -r ROOT keep every variant next to the baseline. */
		if (alts[i] == best)
			continue;
		if (root_is_host(&s->root) && alts[i]->hwcaps != NULL)
			continue;
		if (add_candidate(s, alts[i]->path, want, r) == -1)
			return -1;
	}
	return 1;
}

static int
try_defaults(struct search *s, const char *name, const struct elf_info *want,
    struct search_result *r)
{
	char dirs[6][PATH_MAX];
	size_t n = 0;
	const char *t = triplet(want);

	if (is_multiarch(s, want)) {
		/* Debian's ld.so: the multiarch dirs, then /lib /usr/lib. */
		snprintf(dirs[n++], PATH_MAX, "/lib/%s", t);
		snprintf(dirs[n++], PATH_MAX, "/usr/lib/%s", t);
	} else if (want->class == ELFCLASS64) {
		snprintf(dirs[n++], PATH_MAX, "/lib64");
		snprintf(dirs[n++], PATH_MAX, "/usr/lib64");
	}
	snprintf(dirs[n++], PATH_MAX, "/lib");
	snprintf(dirs[n++], PATH_MAX, "/usr/lib");
	for (size_t i = 0; i < n; i++) {
		int rc = try_dir(s, dirs[i], name, want, r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
search_lib(struct search *s, const char *name, const struct search_obj *chain, size_t nchain,
    struct search_result *r)
{
	const struct elf_info *req = chain[0].ei;
	int rc;

	memset(r, 0, sizeof(*r));
	if (strchr(name, '/') != NULL) {
		/* A path: taken as is, after DST expansion. */
		char *p = expand_dst(s, name, strlen(name), chain[0].origin, req);
		if (p == NULL)
			return errno == ENOMEM ? -1 : 0;
		char *norm = p[0] == '/' ? join("/", p) : NULL;
		rc = norm != NULL ? add_candidate(s, norm, req, r) : 0;
		free(p);
		free(norm);
		return rc == -1 ? -1 : 0;
	}
	if (req->runpath == NULL) {
		for (size_t i = 0; i < nchain; i++) {
			if (chain[i].ei->rpath == NULL)
				continue;
			rc = try_list(s, chain[i].ei->rpath, ":", name, chain[i].origin, req, r);
			if (rc != 0)
				return rc == -1 ? -1 : 0;
		}
	}
	if (s->ld_library_path != NULL) {
		rc = try_list(s, s->ld_library_path, ":;", name, chain[nchain - 1].origin, req, r);
		if (rc != 0)
			return rc == -1 ? -1 : 0;
	}
	if (req->runpath != NULL) {
		rc = try_list(s, req->runpath, ":", name, chain[0].origin, req, r);
		if (rc != 0)
			return rc == -1 ? -1 : 0;
	}
	if (req->flags_1 & DF_1_NODEFLIB)
		return 0;
	if ((rc = try_cache(s, name, req, r)) != 0)
		return rc == -1 ? -1 : 0;
	rc = try_defaults(s, name, req, r);
	return rc == -1 ? -1 : 0;
}

void
search_result_free(struct search_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		elf_info_free(&r->v[i].ei);
	}
	memset(r, 0, sizeof(*r));
}

char *
search_path(const struct search *s, const char *name, const char *path_env)
{
	const char *p;

	if (name[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(name, '/') != NULL) {
		if (name[0] != '/') {
			errno = ENOENT;
			return NULL;
		}
		return join("/", name);
	}
	p = path_env != NULL ? path_env : SEARCH_DEFAULT_PATH;
	while (*p != '\0') {
		size_t len = strcspn(p, ":");
		char dir[PATH_MAX], file[PATH_MAX];
		struct stat st;

		if (len > 0 && len < sizeof(dir) && p[0] == '/') {
			memcpy(dir, p, len);
			dir[len] = '\0';
			int n = snprintf(file, sizeof(file), "%s/%s", dir, name);
			if (n > 0 && (size_t)n < sizeof(file) &&
			    root_stat(&s->root, file, &st) == 0 && S_ISREG(st.st_mode) &&
			    (st.st_mode & 0111) != 0)
				return join("/", file);
		}
		p += len;
		if (*p != '\0')
			p++;
	}
	errno = ENOENT;
	return NULL;
}
