/*
 * ELF reading with libelf.  The loader's view is the one that matters,
 * so the dynamic section is found through PT_DYNAMIC and its strings
 * through DT_STRTAB mapped by the PT_LOAD segments; section headers (which
 * the loader never reads and sstrip removes) are only a fallback for the
 * string table.  libelf checks that a raw chunk lies inside the file; we
 * check everything else: counts, string offsets, NUL termination.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"
#include "errbuf.h"

/* A strtab larger than this is not something a loader would accept. */
#define ELF_MAX_STRTAB (64UL << 20)

struct strtab {
	Elf *e;
	const char *p; /* DT_STRTAB bytes, or NULL: use sections */
	size_t len;
	size_t shndx; /* section index of the fallback string table */
};

static const char *
elferr(void)
{
	const char *m = elf_errmsg(-1);

	return m != NULL ? m : "unknown libelf error";
}

int
elf_info_is_elf(const void *buf, size_t len)
{
	return len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

/* String at offset off of the dynamic string table, or NULL. */
static const char *
strtab_get(const struct strtab *st, uint64_t off)
{
	if (st->p != NULL) {
		if (off >= st->len)
			return NULL;
		if (memchr(st->p + off, '\0', st->len - off) == NULL)
			return NULL;
		return st->p + off;
	}
	if (st->shndx == 0 || off > SIZE_MAX)
		return NULL;
	/* elf_strptr checks the offset and the NUL against the section. */
	return elf_strptr(st->e, st->shndx, (size_t)off);
}

/*
 * Find the file bytes of the dynamic string table at virtual address
 * vaddr (size strsz, 0 if DT_STRSZ was absent) through the PT_LOAD
 * segments.  Returns 0 and fills st, or -1 if no segment holds it.
 */
static int
strtab_from_segments(Elf *e, size_t phnum, uint64_t vaddr, uint64_t strsz, struct strtab *st)
{
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_LOAD)
			continue;
		if (vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz)
			continue;
		uint64_t delta = vaddr - ph.p_vaddr;
		uint64_t avail = ph.p_filesz - delta;
		if (ph.p_offset > UINT64_MAX - delta)
			return -1;
		if (strsz == 0 || strsz > avail)
			strsz = avail;
		if (strsz > ELF_MAX_STRTAB)
			strsz = ELF_MAX_STRTAB;
		Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)(ph.p_offset + delta), (size_t)strsz,
		    ELF_T_BYTE);
		if (d == NULL || d->d_buf == NULL)
			return -1;
		st->p = d->d_buf;
		st->len = d->d_size;
		return 0;
	}
	return -1;
}

/* Fallback: the string table linked from the SHT_DYNAMIC section. */
static int
strtab_from_sections(Elf *e, struct strtab *st)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) == NULL)
			return -1;
		if (sh.sh_type == SHT_DYNAMIC) {
			if (sh.sh_link == 0)
				return -1;
			st->shndx = sh.sh_link;
			return 0;
		}
	}
	return -1;
}

static int
add_needed(struct elf_info *ei, const char *s)
{
	char **v, *c;

	if ((c = strdup(s)) == NULL)
		return -1;
	v = reallocarray(ei->needed, ei->nneeded + 1, sizeof(*v));
	if (v == NULL) {
		free(c);
		return -1;
	}
	ei->needed = v;
	ei->needed[ei->nneeded++] = c;
	return 0;
}

static int
dup_str(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
	return *dst == NULL ? -1 : 0;
}

/* The dynamic section at PT_DYNAMIC ph. */
static int
read_dynamic(Elf *e, size_t phnum, const GElf_Phdr *dynph, const char *name, struct elf_info *ei,
    char *err, size_t errlen)
{
	struct strtab st = { .e = e };
	uint64_t strtab = 0, strsz = 0;
	int have_strtab = 0;
	size_t dynsz = gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT);

	if (dynph->p_filesz == 0)
		return 0;
	if (dynsz == 0 || dynph->p_offset > INT64_MAX) {
		errbuf_set(err, errlen, name, "corrupt PT_DYNAMIC");
		return -1;
	}
	Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)dynph->p_offset,
	    (size_t)(dynph->p_filesz - dynph->p_filesz % dynsz), ELF_T_DYN);
	if (d == NULL) {
		errbuf_set(err, errlen, name, "PT_DYNAMIC lies outside the file (truncated?): %s",
		    elferr());
		return -1;
	}
	size_t n = d->d_size / dynsz;

	/* Pass 1: where the strings are. */
	for (size_t i = 0; i < n && i <= INT32_MAX; i++) {
		GElf_Dyn dyn;

		if (gelf_getdyn(d, (int)i, &dyn) == NULL)
			break;
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_STRTAB) {
			strtab = dyn.d_un.d_ptr;
			have_strtab = 1;
		} else if (dyn.d_tag == DT_STRSZ) {
			strsz = dyn.d_un.d_val;
		} else if (dyn.d_tag == DT_FLAGS_1) {
			ei->flags_1 = (unsigned long)dyn.d_un.d_val;
		}
	}
	if (!have_strtab || strtab_from_segments(e, phnum, strtab, strsz, &st) == -1) {
		if (strtab_from_sections(e, &st) == -1) {
			/* Without strings there are no names to report; a
			 * dynamic section with no string use is fine. */
			st.p = NULL;
			st.shndx = 0;
		}
	}

	/* Pass 2: the strings. */
	for (size_t i = 0; i < n && i <= INT32_MAX; i++) {
		GElf_Dyn dyn;
		const char *s, *what;
		char **dst = NULL;

		if (gelf_getdyn(d, (int)i, &dyn) == NULL)
			break;
		if (dyn.d_tag == DT_NULL)
			break;
		switch (dyn.d_tag) {
		case DT_NEEDED:
			what = "DT_NEEDED";
			break;
		case DT_RPATH:
			what = "DT_RPATH";
			dst = &ei->rpath;
			break;
		case DT_RUNPATH:
			what = "DT_RUNPATH";
			dst = &ei->runpath;
			break;
		case DT_SONAME:
			what = "DT_SONAME";
			dst = &ei->soname;
			break;
		default:
			continue;
		}
		if ((s = strtab_get(&st, dyn.d_un.d_val)) == NULL) {
			errbuf_set(err, errlen, name,
			    "%s string offset %#llx outside the string table", what,
			    (unsigned long long)dyn.d_un.d_val);
			return -1;
		}
		if ((dst == NULL ? add_needed(ei, s) : dup_str(dst, s)) == -1) {
			errbuf_set(err, errlen, name, "%s", strerror(errno));
			return -1;
		}
	}
	if (ei->runpath != NULL) {
		/* "If both RUNPATH and RPATH are given, the latter is
		 * ignored" (glibc get-dynamic-info.h). */
		free(ei->rpath);
		ei->rpath = NULL;
	}
	return 0;
}

static int
read_elf(Elf *e, const char *name, struct elf_info *ei, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	size_t phnum;
	GElf_Phdr dynph = { 0 };
	int have_dyn = 0;

	if (elf_kind(e) != ELF_K_ELF) {
		errbuf_set(err, errlen, name, "not an ELF file");
		return -1;
	}
	if (gelf_getehdr(e, &eh) == NULL) {
		errbuf_set(err, errlen, name, "corrupt or truncated ELF header: %s", elferr());
		return -1;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 && eh.e_ident[EI_CLASS] != ELFCLASS64) {
		errbuf_set(err, errlen, name, "bad ELF class %u", eh.e_ident[EI_CLASS]);
		return -1;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB) {
		errbuf_set(err, errlen, name, "bad ELF byte order %u", eh.e_ident[EI_DATA]);
		return -1;
	}
	ei->class = eh.e_ident[EI_CLASS];
	ei->data = eh.e_ident[EI_DATA];
	ei->osabi = eh.e_ident[EI_OSABI];
	ei->machine = eh.e_machine;
	ei->type = eh.e_type;

	if (elf_getphdrnum(e, &phnum) != 0) {
		errbuf_set(err, errlen, name, "corrupt program headers: %s", elferr());
		return -1;
	}
	/* elfutils silently clamps the count to what fits in the file. */
	if (eh.e_phnum != PN_XNUM && phnum != eh.e_phnum) {
		errbuf_set(err, errlen, name,
		    "%u program headers at offset %#llx run past the end of "
		    "the file (truncated?)",
		    eh.e_phnum, (unsigned long long)eh.e_phoff);
		return -1;
	}
	if (phnum > INT32_MAX) {
		errbuf_set(err, errlen, name, "absurd program header count");
		return -1;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) == NULL) {
			errbuf_set(err, errlen, name,
			    "program header %zu unreadable (truncated?): %s", i, elferr());
			return -1;
		}
		if (ph.p_type == PT_INTERP && ei->interp == NULL) {
			Elf_Data *d = NULL;

			if (ph.p_offset <= INT64_MAX && ph.p_filesz > 0 && ph.p_filesz <= 65536)
				d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset,
				    (size_t)ph.p_filesz, ELF_T_BYTE);
			if (d == NULL || d->d_buf == NULL ||
			    memchr(d->d_buf, '\0', d->d_size) == NULL ||
			    ((const char *)d->d_buf)[0] == '\0') {
				errbuf_set(err, errlen, name,
				    "corrupt PT_INTERP (offset %#llx, size "
				    "%#llx)",
				    (unsigned long long)ph.p_offset,
				    (unsigned long long)ph.p_filesz);
				return -1;
			}
			if ((ei->interp = strdup(d->d_buf)) == NULL) {
				errbuf_set(err, errlen, name, "%s", strerror(errno));
				return -1;
			}
		} else if (ph.p_type == PT_DYNAMIC && !have_dyn) {
			dynph = ph;
			have_dyn = 1;
		}
	}
	if (have_dyn) {
		ei->dynamic = 1;
		if (read_dynamic(e, phnum, &dynph, name, ei, err, errlen) == -1)
			return -1;
	}
	return 0;
}

static int
parse(Elf *e, const char *name, struct elf_info *ei, char *err, size_t errlen)
{
	int rc;

	memset(ei, 0, sizeof(*ei));
	if (e == NULL) {
		errbuf_set(err, errlen, name, "cannot read as ELF: %s", elferr());
		return -1;
	}
	rc = read_elf(e, name, ei, err, errlen);
	elf_end(e);
	if (rc == -1)
		elf_info_free(ei);
	return rc;
}

/* Bytes an ELF header needs, from the identity seen so far. */
static size_t
ehdr_size(const void *id, size_t len)
{
	if (len < EI_NIDENT)
		return EI_NIDENT;
	return ((const unsigned char *)id)[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr)
								   : sizeof(Elf64_Ehdr);
}

static int
lib_init(const char *name, char *err, size_t errlen)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errbuf_set(err, errlen, name, "libelf too old: %s", elferr());
		return -1;
	}
	return 0;
}

int
elf_info_fd(int fd, const char *name, struct elf_info *ei, char *err, size_t errlen)
{
	struct stat st;
	unsigned char id[EI_NIDENT];
	ssize_t r;

	memset(ei, 0, sizeof(*ei));
	if (lib_init(name, err, errlen) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		errbuf_set(err, errlen, name, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, name, "not a regular file");
		return -1;
	}
	/* libelf would call an archive or garbage "not an ELF file" too,
	 * but a truncated identity deserves its own message. */
	r = pread(fd, id, sizeof(id), 0);
	if (r == -1) {
		errbuf_set(err, errlen, name, "%s", strerror(errno));
		return -1;
	}
	if (!elf_info_is_elf(id, (size_t)r)) {
		errbuf_set(err, errlen, name, "not an ELF file");
		return -1;
	}
	if ((uint64_t)st.st_size < ehdr_size(id, (size_t)r)) {
		errbuf_set(err, errlen, name, "truncated ELF header (%lld bytes)",
		    (long long)st.st_size);
		return -1;
	}
	return parse(elf_begin(fd, ELF_C_READ, NULL), name, ei, err, errlen);
}

int
elf_info_mem(const void *buf, size_t len, const char *name, struct elf_info *ei, char *err,
    size_t errlen)
{
	memset(ei, 0, sizeof(*ei));
	if (lib_init(name, err, errlen) == -1)
		return -1;
	if (!elf_info_is_elf(buf, len)) {
		errbuf_set(err, errlen, name, "not an ELF file");
		return -1;
	}
	if (len < ehdr_size(buf, len)) {
		errbuf_set(err, errlen, name, "truncated ELF header (%zu bytes)", len);
		return -1;
	}
	/* ELF_C_READ never writes to the image; the cast is libelf's API. */
	return parse(elf_memory((char *)(uintptr_t)buf, len), name, ei, err, errlen);
}

void
elf_info_free(struct elf_info *ei)
{
	for (size_t i = 0; i < ei->nneeded; i++)
		free(ei->needed[i]);
	free(ei->needed);
	free(ei->interp);
	free(ei->rpath);
	free(ei->runpath);
	free(ei->soname);
	memset(ei, 0, sizeof(*ei));
}

int
elf_info_compatible(const struct elf_info *obj, const struct elf_info *lib)
{
	if (lib->class != obj->class || lib->data != obj->data || lib->machine != obj->machine)
		return 0;
	if (lib->osabi != ELFOSABI_SYSV && lib->osabi != ELFOSABI_GNU)
		return 0;
	return lib->type == ET_DYN;
}

const char *
elf_info_machine_name(unsigned int machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "AArch64";
	case EM_ARM:
		return "ARM";
	case EM_PPC64:
		return "PowerPC64";
	case EM_PPC:
		return "PowerPC";
	case EM_S390:
		return "S/390";
	case EM_RISCV:
		return "RISC-V";
	case EM_MIPS:
		return "MIPS";
	default:
		return "unknown machine";
	}
}
