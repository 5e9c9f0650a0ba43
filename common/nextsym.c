/*
 * The next definition of a symbol among the loaded objects, for the
 * preload library on a C library without the dl* functions in libc.so.6
 * (common/nextsym.h).  It reads what ld.so mapped: each object's
 * PT_DYNAMIC, symbol and string tables, hash table and version
 * definitions.
 */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "nextsym.h"

struct want {
	const void *self;
	const char *name;
	const char *ver;
	uint32_t gnu_hash, sysv_hash;
	int past_self;
	void *found;
};

/* The tables of one object. */
struct dyn {
	ElfW(Addr) base;
	const ElfW(Sym) * sym;
	const char *str;
	const uint32_t *gnu_hash, *sysv_hash;
	const ElfW(Half) * versym;
	const ElfW(Verdef) * verdef;
	size_t nverdef;
};

static uint32_t
hash_gnu(const char *s)
{
	uint32_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static uint32_t
hash_sysv(const char *s)
{
	uint32_t h = 0, g;

	for (; *s != '\0'; s++) {
		h = (h << 4) + (unsigned char)*s;
		g = h & 0xf0000000;
		if (g != 0)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static int
holds(const struct dl_phdr_info *info, const void *addr)
{
	uintptr_t a = (uintptr_t)addr;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && a >= start && a - start < ph->p_memsz)
			return 1;
	}
	return 0;
}

/* glibc relocates the addresses in a writable dynamic section in place;
 * the vDSO's (and a read-only one's) are still offsets from the base. */
static const void *
dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
	return (const void *)(p < base ? p + base : p);
}

static int
read_dyn(const struct dl_phdr_info *info, struct dyn *d)
{
	const ElfW(Dyn) *dyn = NULL;

	memset(d, 0, sizeof(*d));
	d->base = info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	if (dyn == NULL)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			d->sym = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			d->str = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			d->gnu_hash = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_HASH:
			d->sysv_hash = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_VERSYM:
			d->versym = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_VERDEF:
			d->verdef = dyn_ptr(d->base, dyn->d_un.d_ptr);
			break;
		case DT_VERDEFNUM:
			d->nverdef = dyn->d_un.d_val;
			break;
		}
	}
	return d->sym != NULL && d->str != NULL && (d->gnu_hash != NULL || d->sysv_hash != NULL)
	    ? 0
	    : -1;
}

/* The name of version index ndx, from the object's definitions. */
static const char *
version_name(const struct dyn *d, ElfW(Half) ndx)
{
	const ElfW(Verdef) *vd = d->verdef;

	for (size_t k = 0; vd != NULL && k < d->nverdef; k++) {
		if (vd->vd_ndx == ndx && vd->vd_cnt > 0)
			return d->str +
			    ((const ElfW(Verdaux) *)((const char *)vd + vd->vd_aux))->vda_name;
		if (vd->vd_next == 0)
			break;
		vd = (const void *)((const char *)vd + vd->vd_next);
	}
	return NULL;
}

/*
 * Symbol i is a definition of w->name at the version asked for: the
 * given one, or else the default (the one not marked hidden), as
 * dlvsym and dlsym choose.
 */
static int
matches(const struct dyn *d, uint32_t i, const struct want *w)
{
	const ElfW(Sym) *s = &d->sym[i];
	int type = ELF64_ST_TYPE(s->st_info), bind = ELF64_ST_BIND(s->st_info);

	if (s->st_shndx == SHN_UNDEF || s->st_value == 0 || type == STT_TLS ||
	    (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) ||
	    strcmp(d->str + s->st_name, w->name) != 0)
		return 0;
	if (d->versym == NULL)
		return w->ver == NULL;
	if (w->ver == NULL)
		return (d->versym[i] & 0x8000) == 0;
	const char *v = version_name(d, d->versym[i] & 0x7fff);
	return v != NULL && strcmp(v, w->ver) == 0;
}

static long
find_gnu(const struct dyn *d, const struct want *w)
{
	const uint32_t *h = d->gnu_hash;
	uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], shift = h[3];
	const ElfW(Addr) *bloom = (const void *)(h + 4);
	const uint32_t *buckets = (const void *)(bloom + bloom_size), *chain = buckets + nbuckets;
	const unsigned bits = sizeof(ElfW(Addr)) * 8;

	if (nbuckets == 0 || bloom_size == 0)
		return -1;
	ElfW(Addr) word = bloom[(w->gnu_hash / bits) % bloom_size];
	ElfW(Addr) mask = ((ElfW(Addr))1 << (w->gnu_hash % bits)) |
	    ((ElfW(Addr))1 << ((w->gnu_hash >> shift) % bits));
	if ((word & mask) != mask)
		return -1;
	uint32_t i = buckets[w->gnu_hash % nbuckets];
	if (i < symoffset)
		return -1;
	for (;; i++) {
		uint32_t h2 = chain[i - symoffset];
		if ((w->gnu_hash | 1) == (h2 | 1) && matches(d, i, w))
			return i;
		if (h2 & 1)
			return -1;
	}
}

static long
find_sysv(const struct dyn *d, const struct want *w)
{
	const uint32_t *h = d->sysv_hash;
	uint32_t nbucket = h[0], nchain = h[1];
	const uint32_t *bucket = h + 2, *chain = bucket + nbucket;

	if (nbucket == 0)
		return -1;
	for (uint32_t i = bucket[w->sysv_hash % nbucket], n = 0;
	     i != STN_UNDEF && i < nchain && n < nchain; i = chain[i], n++)
		if (matches(d, i, w))
			return i;
	return -1;
}

static void *
address_of(const struct dyn *d, uint32_t i)
{
	const ElfW(Sym) *s = &d->sym[i];
	void *p = (void *)(d->base + s->st_value);

	if (ELF64_ST_TYPE(s->st_info) == STT_GNU_IFUNC) {
#if defined(__aarch64__)
		p = ((void *(*)(unsigned long, void *))p)(getauxval(AT_HWCAP), NULL);
#else
		p = ((void *(*)(void))p)();
#endif
	}
	return p;
}

static int
visit(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct want *w = arg;
	struct dyn d;

	if (!w->past_self) {
		w->past_self = holds(info, w->self);
		return 0;
	}
	if (read_dyn(info, &d) == -1)
		return 0;
	long i = d.gnu_hash != NULL ? find_gnu(&d, w) : find_sysv(&d, w);
	if (i < 0)
		return 0;
	w->found = address_of(&d, (uint32_t)i);
	return 1;
}

void *
sb_next_symbol(const void *self, const char *name, const char *ver)
{
	struct want w = { .self = self,
		.name = name,
		.ver = ver,
		.gnu_hash = hash_gnu(name),
		.sysv_hash = hash_sysv(name) };

	dl_iterate_phdr(visit, &w);
	return w.found;
}

struct owner {
	const void *addr;
	const char *name;
};

static int
visit_owner(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct owner *o = arg;

	if (!holds(info, o->addr))
		return 0;
	o->name = info->dlpi_name != NULL ? info->dlpi_name : "";
	return 1;
}

const char *
sb_object_name(const void *addr)
{
	struct owner o = { .addr = addr };

	dl_iterate_phdr(visit_owner, &o);
	return o.name;
}

static int
visit_first(struct dl_phdr_info *info, size_t size, void *arg)
{
	*(int *)arg = info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
	return 1;
}

int
sb_in_base_namespace(void)
{
	int base = 1;

	dl_iterate_phdr(visit_first, &base);
	return base;
}
