/*
 * Reading what the dynamic loader reads from an ELF file: identity
 * (class, byte order, machine, OS ABI, type), PT_INTERP and the dynamic
 * section's DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME and DT_FLAGS_1.
 * Built on libelf; every offset and size taken from the file is checked
 * against the file before use, so a hostile file gives an error, never
 * a crash.
 */
#ifndef SB_ELFINFO_H
#define SB_ELFINFO_H

#include <elf.h>
#include <stddef.h>

struct elf_info {
	unsigned char class;  /* ELFCLASS32 / ELFCLASS64 */
	unsigned char data;   /* ELFDATA2LSB / ELFDATA2MSB */
	unsigned char osabi;  /* e_ident[EI_OSABI] */
	unsigned int machine; /* e_machine */
	unsigned int type;    /* e_type: ET_EXEC, ET_DYN, ... */
	int dynamic;	      /* has PT_DYNAMIC */
	char *interp;	      /* PT_INTERP text, or NULL */
	char **needed;	      /* DT_NEEDED strings, in file order */
	size_t nneeded;
	char *rpath;	       /* DT_RPATH (NULL when DT_RUNPATH exists, as
				* the loader ignores it then) */
	char *runpath;	       /* DT_RUNPATH, or NULL */
	char *soname;	       /* DT_SONAME, or NULL */
	unsigned long flags_1; /* DT_FLAGS_1 (DF_1_NODEFLIB ...), or 0 */
};

/* First bytes of an ELF file: 1 if buf (len bytes) starts with ELFMAG. */
int elf_info_is_elf(const void *buf, size_t len);

/*
 * Parse the ELF open on fd (read with pread, never mapped, so a file
 * truncated under us gives an error, not SIGBUS).  name is used in
 * messages only.  Returns 0, or -1 with "NAME: why" in err.
 */
int elf_info_fd(int fd, const char *name, struct elf_info *ei, char *err, size_t errlen);

/* The same on an in-memory image (fuzzing, tests). */
int elf_info_mem(const void *buf, size_t len, const char *name, struct elf_info *ei, char *err,
    size_t errlen);

void elf_info_free(struct elf_info *ei);

/*
 * Whether lib can satisfy a DT_NEEDED of obj as the loader judges it:
 * same class, byte order and machine, an OS ABI the loader accepts
 * (SYSV or GNU), and a shared object (ET_DYN).
 */
int elf_info_compatible(const struct elf_info *obj, const struct elf_info *lib);

/* "x86-64", "AArch64" ...: a short name of e_machine for messages. */
const char *elf_info_machine_name(unsigned int machine);

#endif
