/*
 * What the kernel reads from a file it is asked to execute: an ELF
 * file's PT_INTERP (fs/binfmt_elf.c) and a script's "#!" line
 * (fs/binfmt_script.c), with the kernel's own limits, so that every
 * component that asks "what will this exec run?" gets the kernel's
 * answer.  Header-only, malloc-free and libc-free (the caller passes
 * its own pread), so the preload library's exec path (perhaps a vfork
 * child), the static launcher and host mode's shim all use it.
 */
#ifndef SB_BINFMT_H
#define SB_BINFMT_H

#include <stddef.h>
#include <stdint.h>

/* Read up to n bytes at off into buf: the count read (short at the end
 * of the file), or -1. */
typedef long (*sb_pread_fn)(void *ctx, void *buf, size_t n, uint64_t off);

/* --- ELF ------------------------------------------------------------- */

#define SB_ELFCLASS32 1
#define SB_ELFCLASS64 2
#define SB_ELFDATA2LSB 1
#define SB_ELFDATA2MSB 2
#define SB_PT_INTERP 3
/* The kernel refuses an interpreter path longer than PATH_MAX. */
#define SB_INTERP_MAX 4096

enum sb_elf_rc {
	SB_ELF_OK = 0,
	SB_ELF_NOT_ELF, /* no ELF magic: a script, or nothing we know */
	SB_ELF_BAD,	/* ELF magic but a header the kernel would refuse,
			 * or truncated */
	SB_ELF_IO,	/* the reader failed */
};

struct sb_elf {
	unsigned char cls;   /* SB_ELFCLASS32 or SB_ELFCLASS64 */
	unsigned char data;  /* SB_ELFDATA2LSB or SB_ELFDATA2MSB */
	uint16_t type;	     /* e_type */
	uint16_t machine;    /* e_machine */
	uint64_t interp_off; /* PT_INTERP: where its text is */
	uint64_t interp_len; /* its size, NUL included; 0 when there is
			      * no PT_INTERP (a static or static-pie file) */
};

static inline uint16_t
sb_elf_u16(const unsigned char *p, int msb)
{
	return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
sb_elf_u32(const unsigned char *p, int msb)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[msb ? i : 3 - i] << (8 * (3 - i));
	return v;
}

static inline uint64_t
sb_elf_u64(const unsigned char *p, int msb)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[msb ? i : 7 - i] << (8 * (7 - i));
	return v;
}

/* rd exactly n bytes at off, or an sb_elf_rc. */
static inline int
sb_elf_read_exact(sb_pread_fn rd, void *ctx, void *buf, size_t n, uint64_t off)
{
	long got = rd(ctx, buf, n, off);

	if (got < 0)
		return SB_ELF_IO;
	return (size_t)got == n ? SB_ELF_OK : SB_ELF_BAD;
}

/*
 * Identify the file behind rd and find its PT_INTERP, with the checks
 * load_elf_binary makes before it looks for one: a known class and
 * byte order, e_phentsize the size of a program header of that class,
 * 1 to 65536/e_phentsize program headers, all of them readable; the
 * first PT_INTERP counts, and its size must be 2 to SB_INTERP_MAX.
 * Either class and byte order are read (the caller judges the machine).
 */
static inline int
sb_elf_probe(sb_pread_fn rd, void *ctx, struct sb_elf *e)
{
	unsigned char h[64], ph[8 * 56];
	int rc, msb;

	e->interp_off = e->interp_len = 0;
	long got = rd(ctx, h, sizeof h, 0);
	if (got < 0)
		return SB_ELF_IO;
	if (got < 4 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F')
		return SB_ELF_NOT_ELF;
	if (got < 16)
		return SB_ELF_BAD;
	e->cls = h[4];
	e->data = h[5];
	if ((e->cls != SB_ELFCLASS32 && e->cls != SB_ELFCLASS64) ||
	    (e->data != SB_ELFDATA2LSB && e->data != SB_ELFDATA2MSB))
		return SB_ELF_BAD;
	int is64 = e->cls == SB_ELFCLASS64;
	msb = e->data == SB_ELFDATA2MSB;
	if (got < (is64 ? 64 : 52))
		return SB_ELF_BAD;
	e->type = sb_elf_u16(h + 16, msb);
	e->machine = sb_elf_u16(h + 18, msb);
	uint64_t phoff = is64 ? sb_elf_u64(h + 32, msb) : sb_elf_u32(h + 28, msb);
	unsigned phentsize = sb_elf_u16(h + (is64 ? 54 : 42), msb);
	unsigned phnum = sb_elf_u16(h + (is64 ? 56 : 44), msb);
	if (phentsize != (is64 ? 56u : 32u) || phnum < 1 || phnum > 65536u / phentsize ||
	    phoff > UINT64_MAX - 65536u)
		return SB_ELF_BAD;
	/* program headers a chunk at a time (one pread for most files),
	 * all of them: the kernel refuses a file that lacks some */
	int found = 0;
	for (unsigned i = 0; i < phnum;) {
		unsigned k = phnum - i < sizeof ph / phentsize ? phnum - i
							       : (unsigned)(sizeof ph / phentsize);
		if ((rc = sb_elf_read_exact(rd, ctx, ph, (size_t)k * phentsize,
			 phoff + (uint64_t)i * phentsize)) != SB_ELF_OK)
			return rc;
		for (unsigned j = 0; j < k; j++) {
			const unsigned char *p = ph + (size_t)j * phentsize;
			if (found || sb_elf_u32(p, msb) != SB_PT_INTERP)
				continue;
			found = 1;
			e->interp_off = is64 ? sb_elf_u64(p + 8, msb) : sb_elf_u32(p + 4, msb);
			e->interp_len = is64 ? sb_elf_u64(p + 32, msb) : sb_elf_u32(p + 16, msb);
			if (e->interp_len < 2 || e->interp_len > SB_INTERP_MAX)
				return SB_ELF_BAD;
		}
		i += k;
	}
	return SB_ELF_OK;
}

/* Is e of this build's class, byte order and machine: could the
 * dynamic linker load our own libraries into it? */
static inline int
sb_elf_native(const struct sb_elf *e)
{
#if defined(__x86_64__)
	const unsigned machine = 62; /* EM_X86_64 */
#elif defined(__aarch64__)
	const unsigned machine = 183; /* EM_AARCH64 */
#elif defined(__i386__)
	const unsigned machine = 3; /* EM_386 */
#else
#error "binfmt.h: add this machine's e_machine"
#endif
	return e->cls == (sizeof(void *) == 8 ? SB_ELFCLASS64 : SB_ELFCLASS32) &&
	    e->data == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? SB_ELFDATA2MSB : SB_ELFDATA2LSB) &&
	    e->machine == machine;
}

/* The PT_INTERP text of a probed file into buf.  As the kernel: its
 * last byte must be a NUL, and the path is the text up to the first
 * NUL.  SB_ELF_BAD also when it does not fit in size bytes. */
static inline int
sb_elf_interp(sb_pread_fn rd, void *ctx, const struct sb_elf *e, char *buf, size_t size)
{
	int rc;

	if (e->interp_len == 0 || e->interp_len > size)
		return SB_ELF_BAD;
	if ((rc = sb_elf_read_exact(rd, ctx, buf, (size_t)e->interp_len, e->interp_off)) !=
	    SB_ELF_OK)
		return rc;
	return buf[e->interp_len - 1] == '\0' ? SB_ELF_OK : SB_ELF_BAD;
}

/* --- "#!" ------------------------------------------------------------ */

/* The kernel's BINPRM_BUF_SIZE: it reads no more of a script. */
#define SB_BINPRM_BUF 256

enum sb_shebang_rc {
	SB_SHEBANG_OK = 0,
	SB_SHEBANG_NONE,    /* does not start with "#!" */
	SB_SHEBANG_EMPTY,   /* "#!" with no interpreter on the line */
	SB_SHEBANG_TOOLONG, /* the interpreter does not end within
			     * SB_BINPRM_BUF bytes: the kernel refuses */
};

/* A split "#!" line: interp and arg point into line. */
struct sb_shebang {
	char line[SB_BINPRM_BUF];
	const char *interp; /* as written; may be relative (the kernel
			     * allows it) */
	const char *arg;    /* the one optional argument, or NULL */
};

static inline int
sb_shebang_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Split the first len bytes of a file as binfmt_script (Linux 5.1 and
 * later) does: the buffer is the first SB_BINPRM_BUF bytes, zero-padded
 * when the file is shorter; the line ends at the first '\n' before any
 * NUL; the interpreter runs to the first blank or NUL; the rest of the
 * line, blanks trimmed at both ends, is ONE argument.  A line with no
 * '\n' in the buffer is accepted only when the interpreter name ends
 * inside it.
 */
static inline int
sb_shebang_split(const void *data, size_t len, struct sb_shebang *sb)
{
	char *buf = sb->line, *end = buf + SB_BINPRM_BUF - 1;
	char *i_end = NULL, *i_name, *i_sep, *i_arg = NULL, *p;
	const unsigned char *d = data;
	size_t i;

	sb->interp = sb->arg = NULL;
	for (i = 0; i < SB_BINPRM_BUF; i++)
		buf[i] = i < len ? (char)d[i] : '\0';
	if (buf[0] != '#' || buf[1] != '!')
		return SB_SHEBANG_NONE;
	for (p = buf; p <= end && *p != '\0'; p++)
		if (*p == '\n') {
			i_end = p;
			break;
		}
	if (i_end == NULL) {
		for (p = buf + 2; p <= end && sb_shebang_blank(*p); p++)
			;
		if (p > end)
			return SB_SHEBANG_EMPTY;
		while (p <= end && !sb_shebang_blank(*p) && *p != '\0')
			p++;
		if (p > end)
			return SB_SHEBANG_TOOLONG;
		i_end = end;
	}
	while (i_end > buf + 2 && sb_shebang_blank(i_end[-1]))
		i_end--;
	for (i_name = buf + 2; i_name < i_end && sb_shebang_blank(*i_name); i_name++)
		;
	if (i_name == i_end)
		return SB_SHEBANG_EMPTY;
	for (i_sep = i_name; i_sep < i_end && !sb_shebang_blank(*i_sep) && *i_sep != '\0'; i_sep++)
		;
	/* the argument starts at the first non-blank up to and with
	 * i_end: a NUL of the padding there is an empty argument, which
	 * the kernel passes */
	if (i_sep < i_end && *i_sep != '\0') {
		for (p = i_sep; p <= i_end && sb_shebang_blank(*p); p++)
			;
		if (p <= i_end)
			i_arg = p;
	}
	*i_end = '\0';
	*i_sep = '\0';
	if (i_name[0] == '\0')
		return SB_SHEBANG_EMPTY;
	sb->interp = i_name;
	sb->arg = i_arg;
	return SB_SHEBANG_OK;
}

#endif
