/*
 * Unit tests of common/binfmt.h: the kernel's PT_INTERP rules on ELF
 * images built in memory (both classes, both byte orders, every limit
 * of fs/binfmt_elf.c), and its "#!" split (fs/binfmt_script.c, Linux
 * 5.1 and later) on the lines the old copies disagreed on, checked
 * against the bundler's shebang_parse() too.  The "#!" table was run
 * through execve(2) on Linux 6.18: the same argv where it expects OK,
 * a failed exec where it does not (EMPTY when the kernel would go on
 * to open "" and fail).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "shebang.h"

#include "check.h"

/* --- ELF images ------------------------------------------------------ */

#define PT_NULL_ 0
#define PT_LOAD_ 1
#define PT_PHDR_ 6
#define EM_X86_64_ 62
#define EM_386_ 3
#define EM_PPC_ 20
#define EM_PPC64_ 21
#define EM_AARCH64_ 183

/* Big enough for 2048 32-bit or 1170 64-bit program headers and an
 * interpreter path after them. */
static unsigned char img[80 * 1024];
static size_t img_len;

struct elfimg {
	int cls, msb;
	uint16_t machine;
	unsigned phentsize; /* as written in the header */
	unsigned phnum;
	uint64_t phoff;
};

static void
put(unsigned char *p, uint64_t v, int n, int msb)
{
	for (int i = 0; i < n; i++)
		p[msb ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static unsigned
ph_size(const struct elfimg *e)
{
	return e->cls == SB_ELFCLASS64 ? 56 : 32;
}

static void
grow(size_t end)
{
	if (end > sizeof img)
		end = sizeof img; /* e_phnum beyond what is tested with a file */
	if (end > img_len)
		img_len = end;
}

/* The ELF header of e, program headers all PT_NULL. */
static void
elf_begin(struct elfimg *e, int cls, int msb, uint16_t machine, unsigned phnum)
{
	int is64 = cls == SB_ELFCLASS64;

	memset(img, 0, sizeof img);
	e->cls = cls;
	e->msb = msb;
	e->machine = machine;
	e->phentsize = is64 ? 56 : 32;
	e->phnum = phnum;
	e->phoff = is64 ? 64 : 52;
	memcpy(img, "\177ELF", 4);
	img[4] = (unsigned char)cls;
	img[5] = msb ? SB_ELFDATA2MSB : SB_ELFDATA2LSB;
	img[6] = 1;		  /* EV_CURRENT */
	put(img + 16, 3, 2, msb); /* ET_DYN */
	put(img + 18, machine, 2, msb);
	put(img + 20, 1, 4, msb);
	if (is64) {
		put(img + 32, e->phoff, 8, msb);
		put(img + 52, 64, 2, msb);
		put(img + 54, e->phentsize, 2, msb);
		put(img + 56, phnum, 2, msb);
	} else {
		put(img + 28, e->phoff, 4, msb);
		put(img + 40, 52, 2, msb);
		put(img + 42, e->phentsize, 2, msb);
		put(img + 44, phnum, 2, msb);
	}
	img_len = 0;
	grow((size_t)e->phoff + (size_t)phnum * ph_size(e));
}

/* Rewrite e_phentsize, e_phnum or e_phoff after elf_begin. */
static void
elf_set(const struct elfimg *e, unsigned phentsize, unsigned phnum, uint64_t phoff)
{
	if (e->cls == SB_ELFCLASS64) {
		put(img + 54, phentsize, 2, e->msb);
		put(img + 56, phnum, 2, e->msb);
		put(img + 32, phoff, 8, e->msb);
	} else {
		put(img + 42, phentsize, 2, e->msb);
		put(img + 44, phnum, 2, e->msb);
		put(img + 28, phoff, 4, e->msb);
	}
}

/* Program header i: its type, p_offset and p_filesz. */
static void
elf_ph(const struct elfimg *e, unsigned i, uint32_t type, uint64_t off, uint64_t filesz)
{
	unsigned char *p = img + e->phoff + (size_t)i * ph_size(e);

	put(p, type, 4, e->msb);
	if (e->cls == SB_ELFCLASS64) {
		put(p + 8, off, 8, e->msb);
		put(p + 32, filesz, 8, e->msb);
	} else {
		put(p + 4, off, 4, e->msb);
		put(p + 16, filesz, 4, e->msb);
	}
}

/* n bytes of text at off (the image grows to hold them). */
static void
elf_text(uint64_t off, const void *s, size_t n)
{
	memcpy(img + off, s, n);
	grow((size_t)off + n);
}

/* A PT_INTERP at header i whose text s (with its NUL) sits at off. */
static void
elf_interp(const struct elfimg *e, unsigned i, uint64_t off, const char *s)
{
	elf_ph(e, i, SB_PT_INTERP, off, strlen(s) + 1);
	elf_text(off, s, strlen(s) + 1);
}

/* A pread over buf[0..len); fail_call: the call (1, 2, ...) from which
 * on it fails, 0 never. */
struct mem {
	const unsigned char *buf;
	size_t len;
	int calls, fail_call;
};

static long
mem_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	struct mem *m = ctx;

	m->calls++;
	if (m->fail_call != 0 && m->calls >= m->fail_call)
		return -1;
	if (off >= m->len)
		return 0;
	size_t k = m->len - off < n ? m->len - off : n;
	memcpy(buf, m->buf + off, k);
	return (long)k;
}

static struct mem
mem_of(const void *p, size_t len)
{
	return (struct mem){ .buf = p, .len = len };
}

static long
fd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	return pread(*(int *)ctx, buf, n, (off_t)off);
}

/* Probe img[0..img_len) and, when it has one, read its interpreter into
 * a buffer of size bytes: expect probe_rc, and when that is OK interp
 * (NULL: no PT_INTERP) with interp_rc. */
static void
probe_is(int line, size_t size, int probe_rc, const char *interp, int interp_rc)
{
	struct mem m = mem_of(img, img_len);
	struct sb_elf e;
	char buf[SB_INTERP_MAX + 8];
	int rc = sb_elf_probe(mem_pread, &m, &e);

	checks++;
	if (rc != probe_rc) {
		failures++;
		printf("FAIL line %d: sb_elf_probe = %d, want %d\n", line, rc, probe_rc);
		return;
	}
	if (rc != SB_ELF_OK)
		return;
	if (interp == NULL) {
		CHECK(e.interp_len == 0, "line %d: interp_len %llu, want 0 (static)", line,
		    (unsigned long long)e.interp_len);
		CHECK(sb_elf_interp(mem_pread, &m, &e, buf, sizeof buf) == SB_ELF_BAD,
		    "line %d: sb_elf_interp of a static file", line);
		return;
	}
	memset(buf, 'Z', sizeof buf);
	rc = sb_elf_interp(mem_pread, &m, &e, buf, size);
	CHECK(rc == interp_rc, "line %d: sb_elf_interp = %d, want %d", line, rc, interp_rc);
	if (rc == SB_ELF_OK && interp_rc == SB_ELF_OK) {
		CHECK(strcmp(buf, interp) == 0, "line %d: interp \"%s\", want \"%s\"", line, buf,
		    interp);
		/* the path ends at the first NUL, the text at its last */
		CHECK(e.interp_len >= strlen(interp) + 1, "line %d: interp_len %llu", line,
		    (unsigned long long)e.interp_len);
	}
}
#define PROBE(size, prc, interp, irc) probe_is(__LINE__, size, prc, interp, irc)

/* A dynamic file of class cls and byte order msb: PT_PHDR, PT_INTERP
 * (2nd), two PT_LOAD; every header field read back. */
static void
dynamic(int cls, int msb, uint16_t machine, const char *interp)
{
	struct elfimg e;
	struct sb_elf got;

	elf_begin(&e, cls, msb, machine, 4);
	elf_ph(&e, 0, PT_PHDR_, e.phoff, 4 * ph_size(&e));
	elf_interp(&e, 1, 0x300, interp);
	elf_ph(&e, 2, PT_LOAD_, 0, 0x1000);
	elf_ph(&e, 3, PT_LOAD_, 0x1000, 0x10);
	struct mem m = mem_of(img, img_len);
	int rc = sb_elf_probe(mem_pread, &m, &got);
	CHECK(rc == SB_ELF_OK, "class %d msb %d: rc %d", cls, msb, rc);
	CHECK(got.cls == cls && got.data == (msb ? SB_ELFDATA2MSB : SB_ELFDATA2LSB),
	    "class %d msb %d: read cls %d data %d", cls, msb, got.cls, got.data);
	CHECK(got.type == 3 && got.machine == machine, "class %d msb %d: type %u machine %u", cls,
	    msb, got.type, got.machine);
	CHECK(got.interp_off == 0x300 && got.interp_len == strlen(interp) + 1,
	    "class %d msb %d: interp at %llu, %llu bytes", cls, msb,
	    (unsigned long long)got.interp_off, (unsigned long long)got.interp_len);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, interp, SB_ELF_OK);
}

static void
elf_tests(void)
{
	struct elfimg e;
	char big[SB_INTERP_MAX + 2];

	dynamic(SB_ELFCLASS64, 0, EM_X86_64_, "/lib64/ld-linux-x86-64.so.2");
	dynamic(SB_ELFCLASS64, 1, EM_PPC64_, "/lib64/ld64.so.1");
	dynamic(SB_ELFCLASS32, 0, EM_386_, "/lib/ld-linux.so.2");
	dynamic(SB_ELFCLASS32, 1, EM_PPC_, "/lib/ld.so.1");

	/* static: no PT_INTERP at all, in either class */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 3);
	elf_ph(&e, 0, PT_LOAD_, 0, 0x100);
	elf_ph(&e, 1, PT_LOAD_, 0x100, 0x100);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, NULL, 0);
	elf_begin(&e, SB_ELFCLASS32, 1, EM_PPC_, 1);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, NULL, 0);

	/* two PT_INTERP: the first counts, even when the second is bad */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 5);
	elf_ph(&e, 0, PT_LOAD_, 0, 0x100);
	elf_interp(&e, 1, 0x400, "/first/ld.so");
	elf_interp(&e, 2, 0x500, "/second/ld.so");
	elf_ph(&e, 3, SB_PT_INTERP, 0x600, 1);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/first/ld.so", SB_ELF_OK);
	/* ... and a bad first one is not saved by a good second one */
	elf_ph(&e, 0, SB_PT_INTERP, 0x600, 1);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* PT_INTERP in the second pread chunk (8 headers of 56 bytes, 14
	 * of 32) and as the very last of the most headers allowed */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 12);
	elf_interp(&e, 10, 0x1000, "/lib/late.so");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/late.so", SB_ELF_OK);
	elf_begin(&e, SB_ELFCLASS32, 0, EM_386_, 20);
	elf_interp(&e, 17, 0x1000, "/lib/late32.so");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/late32.so", SB_ELF_OK);
	elf_begin(&e, SB_ELFCLASS64, 1, EM_PPC64_, 65536 / 56);
	elf_interp(&e, 65536 / 56 - 1, img_len, "/lib/last.so");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/last.so", SB_ELF_OK);
	elf_begin(&e, SB_ELFCLASS32, 0, EM_386_, 65536 / 32);
	elf_interp(&e, 65536 / 32 - 1, img_len, "/lib/last32.so");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/last32.so", SB_ELF_OK);

	/* e_phnum: 0, and one more than 65536 / e_phentsize (the file
	 * holds them all: only the count is wrong) */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 0);
	elf_text(0x200, "", 1);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 65536 / 56 + 1);
	elf_interp(&e, 0, img_len, "/lib/ld.so");
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_begin(&e, SB_ELFCLASS32, 0, EM_386_, 65536 / 32 + 1);
	elf_interp(&e, 0, img_len, "/lib/ld.so");
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_begin(&e, SB_ELFCLASS32, 1, EM_PPC_, 0xffff); /* PN_XNUM */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* e_phentsize must be the class's size, whatever the headers hold */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 2);
	elf_interp(&e, 0, 0x200, "/lib/ld.so");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/ld.so", SB_ELF_OK);
	elf_set(&e, 32, 2, e.phoff);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_set(&e, 57, 2, e.phoff);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_set(&e, 0, 2, e.phoff);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_begin(&e, SB_ELFCLASS32, 0, EM_386_, 2);
	elf_interp(&e, 0, 0x200, "/lib/ld.so");
	elf_set(&e, 56, 2, e.phoff);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* program headers past the end of the file */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 3);
	elf_interp(&e, 0, 0x200, "/lib/ld.so");
	elf_set(&e, 56, 3, 0x10000); /* past the end */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_set(&e, 56, 3, UINT64_MAX - 100); /* and no wrap-around */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_set(&e, 56, 3, 64);
	img_len = 64 + 56 + 20; /* cut inside the second header */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	/* a static file whose later headers are missing */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 20);
	img_len = 64 + 12 * 56;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	/* The kernel reads every program header before it looks at any
	 * (load_elf_phdrs: one read of e_phnum * e_phentsize bytes, the
	 * exec fails when it is short), so a PT_INTERP among the first
	 * headers does not make a truncated file acceptable. */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 20);
	elf_interp(&e, 1, 64 + 2 * 56, "/lib/ld.so"); /* inside the 3rd header */
	img_len = 64 + 12 * 56;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* the size of PT_INTERP: 2 to 4096 bytes, NUL included */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 1);
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, 1);
	elf_text(0x100, "\0", 1);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, 0);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_interp(&e, 0, 0x100, "x");
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "x", SB_ELF_OK);
	memset(big, 'a', sizeof big);
	big[0] = '/';
	big[SB_INTERP_MAX - 1] = '\0';
	elf_interp(&e, 0, 0x100, big);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, big, SB_ELF_OK);
	big[SB_INTERP_MAX - 1] = 'a';
	big[SB_INTERP_MAX] = '\0';
	elf_interp(&e, 0, 0x100, big);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, UINT64_MAX);
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* the text: must end in a NUL */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 1);
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, 10);
	elf_text(0x100, "/lib/ld.so\0", 11); /* the NUL is outside p_filesz */
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/ld.so", SB_ELF_BAD);
	/* An embedded NUL: the kernel checks the last byte only and opens
	 * the text up to the first NUL. */
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, 11);
	elf_text(0x100, "/lib\0ld.so\0", 11);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib", SB_ELF_OK);
	elf_ph(&e, 0, SB_PT_INTERP, 0x100, 12);
	elf_text(0x100, "/lib/ld.so\0\0", 12);
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/ld.so", SB_ELF_OK);
	/* text past the end of the file */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 1);
	elf_interp(&e, 0, 0x100, "/lib/ld.so");
	img_len = 0x100 + 5;
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/ld.so", SB_ELF_BAD);
	/* the caller's buffer: exactly the size (NUL included) is enough */
	elf_begin(&e, SB_ELFCLASS32, 1, EM_PPC_, 1);
	elf_interp(&e, 0, 0x80, "/lib/ld.so.1");
	PROBE(13, SB_ELF_OK, "/lib/ld.so.1", SB_ELF_OK);
	PROBE(12, SB_ELF_OK, "/lib/ld.so.1", SB_ELF_BAD);
	PROBE(0, SB_ELF_OK, "/lib/ld.so.1", SB_ELF_BAD);

	/* not ELF, or an ELF header the kernel refuses */
	{
		static const char script[] = "#!/bin/sh\necho hi\n";
		struct mem m = mem_of(script, sizeof script - 1);
		struct sb_elf got;
		CHECK(sb_elf_probe(mem_pread, &m, &got) == SB_ELF_NOT_ELF, "script");
		m = mem_of("", 0);
		CHECK(sb_elf_probe(mem_pread, &m, &got) == SB_ELF_NOT_ELF, "empty file");
		m = mem_of("\177EL", 3);
		CHECK(sb_elf_probe(mem_pread, &m, &got) == SB_ELF_NOT_ELF, "3 bytes");
		m = mem_of("\177ELF\002\001\001", 7);
		CHECK(sb_elf_probe(mem_pread, &m, &got) != SB_ELF_OK, "7 bytes of ELF");
		m = mem_of("\177elf\002\001\001\000\000\000\000\000\000\000\000\000", 16);
		CHECK(sb_elf_probe(mem_pread, &m, &got) == SB_ELF_NOT_ELF, "lower-case magic");
	}
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 1);
	elf_interp(&e, 0, 0x100, "/lib/ld.so");
	img[4] = 0; /* ELFCLASSNONE */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	img[4] = 3;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	img[4] = SB_ELFCLASS64;
	img[5] = 0; /* ELFDATANONE */
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	img[5] = 3;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	img[5] = SB_ELFDATA2LSB;
	PROBE(SB_INTERP_MAX, SB_ELF_OK, "/lib/ld.so", SB_ELF_OK);
	/* a header cut short: 64-bit needs 64 bytes, 32-bit 52 */
	img_len = 63;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	img_len = 16;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);
	elf_begin(&e, SB_ELFCLASS32, 0, EM_386_, 0);
	elf_set(&e, 32, 1, 20); /* its one header overlaps the ELF header */
	img_len = 52;
	PROBE(SB_INTERP_MAX, SB_ELF_OK, NULL, 0);
	img_len = 51;
	PROBE(SB_INTERP_MAX, SB_ELF_BAD, NULL, 0);

	/* the reader fails: on the ELF header, the program headers, the
	 * interpreter's text */
	elf_begin(&e, SB_ELFCLASS64, 0, EM_X86_64_, 2);
	elf_interp(&e, 1, 0x200, "/lib/ld.so");
	for (int call = 1; call <= 3; call++) {
		struct mem m = mem_of(img, img_len);
		struct sb_elf got;
		char buf[64];
		m.fail_call = call;
		int rc = sb_elf_probe(mem_pread, &m, &got);
		if (rc == SB_ELF_OK)
			rc = sb_elf_interp(mem_pread, &m, &got, buf, sizeof buf);
		CHECK(rc == SB_ELF_IO, "reader failing from call %d: rc %d, want SB_ELF_IO", call,
		    rc);
	}

	/* sb_elf_native: this build's class, byte order and machine */
	{
		struct sb_elf n = { 0 }, o;
		int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		CHECK(fd >= 0, "open /proc/self/exe");
		if (fd >= 0) {
			CHECK(sb_elf_probe(fd_pread, &fd, &n) == SB_ELF_OK, "probe ourselves");
			close(fd);
		}
		CHECK(sb_elf_native(&n), "this test binary is native: cls %d data %d machine %u",
		    n.cls, n.data, n.machine);
		CHECK(n.cls == (sizeof(void *) == 8 ? SB_ELFCLASS64 : SB_ELFCLASS32), "our class");
#if defined(__x86_64__)
		CHECK(n.machine == EM_X86_64_, "our machine %u", n.machine);
#elif defined(__aarch64__)
		CHECK(n.machine == EM_AARCH64_, "our machine %u", n.machine);
#endif
		o = n;
		o.machine = n.machine == EM_PPC64_ ? EM_X86_64_ : EM_PPC64_;
		CHECK(!sb_elf_native(&o), "another machine");
		o = n;
		o.cls = n.cls == SB_ELFCLASS64 ? SB_ELFCLASS32 : SB_ELFCLASS64;
		CHECK(!sb_elf_native(&o), "another class");
		o = n;
		o.data = n.data == SB_ELFDATA2LSB ? SB_ELFDATA2MSB : SB_ELFDATA2LSB;
		CHECK(!sb_elf_native(&o), "another byte order");
		o = n;
		o.interp_len = 28; /* static or dynamic: not its business */
		CHECK(sb_elf_native(&o), "dynamic native");
	}

	/* real files: the host's dynamic /bin/true, a static busybox */
	{
		int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
		struct sb_elf got;
		char buf[SB_INTERP_MAX];
		if (fd >= 0) {
			CHECK(sb_elf_probe(fd_pread, &fd, &got) == SB_ELF_OK && got.interp_len > 0,
			    "/bin/true is dynamic");
			CHECK(sb_elf_interp(fd_pread, &fd, &got, buf, sizeof buf) == SB_ELF_OK &&
				buf[0] == '/' && strlen(buf) + 1 == got.interp_len,
			    "/bin/true's interpreter");
			close(fd);
		}
	}
}

/* --- "#!" ------------------------------------------------------------ */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* Print s[0..n) with the bytes that matter visible. */
static void
show(const char *s, size_t n)
{
	for (size_t i = 0; i < n && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x21 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	if (n > 80)
		printf("...(%zu bytes)", n);
}

/* split text[0..len) (copied to a buffer of exactly len bytes, so a read
 * past it is caught under ASan) with sb_shebang_split into a struct that
 * held another line before, and with shebang_parse: both must give rc,
 * interp and arg (NULL: none). */
static void
sh_is(int line, const char *text, size_t len, int rc, const char *interp, const char *arg)
{
	static struct sb_shebang sb; /* reused from case to case */
	struct shebang bsb;
	char *copy = malloc(len > 0 ? len : 1);
	int got, bgot;

	memcpy(copy, text, len);
	got = sb_shebang_split(copy, len, &sb);
	bgot = shebang_parse(copy, len, &bsb);
	free(copy);
	checks++;
	int ok = got == rc;
	if (ok && rc == SB_SHEBANG_OK)
		ok = sb.interp != NULL && strcmp(sb.interp, interp) == 0 &&
		    (arg == NULL ? sb.arg == NULL : sb.arg != NULL && strcmp(sb.arg, arg) == 0);
	if (ok && rc != SB_SHEBANG_OK)
		ok = sb.interp == NULL && sb.arg == NULL;
	if (!ok) {
		failures++;
		printf("FAIL line %d: sb_shebang_split(\"", line);
		show(text, len);
		printf("\") = %d interp \"%s\" arg \"%s\"; want %d \"%s\" \"%s\"\n", got,
		    nz(sb.interp), nz(sb.arg), rc, nz(interp), nz(arg));
	}
	/* the split leaves interp and arg inside its own line buffer */
	if (got == SB_SHEBANG_OK)
		CHECK(sb.interp >= sb.line && sb.interp < sb.line + SB_BINPRM_BUF &&
			(sb.arg == NULL || (sb.arg >= sb.line && sb.arg < sb.line + SB_BINPRM_BUF)),
		    "line %d: pointers outside the line", line);
	/* the bundler's copy agrees, whatever the expected values */
	checks++;
	ok = bgot == got;
	if (ok && got == SB_SHEBANG_OK)
		ok = strcmp(bsb.interp, sb.interp) == 0 &&
		    (sb.arg == NULL ? bsb.arg == NULL
				    : bsb.arg != NULL && strcmp(bsb.arg, sb.arg) == 0);
	if (!ok) {
		failures++;
		printf("FAIL line %d: shebang_parse = %d \"%s\" \"%s\", sb_shebang_split = %d\n",
		    line, bgot, bgot == SHEBANG_OK ? nz(bsb.interp) : "",
		    bgot == SHEBANG_OK ? nz(bsb.arg) : "", got);
	}
	if (bgot == SHEBANG_OK)
		shebang_free(&bsb);
}
#define SH(s, rc, i, a) sh_is(__LINE__, s, sizeof(s) - 1, rc, i, a)

/* "#!" + n bytes of interpreter (a path of 'i's) + tail: rc, and the
 * interpreter with arg when rc is OK */
static void
long_interp(int line, size_t n, const char *tail, int rc, const char *arg)
{
	char buf[600], want[400];

	memcpy(buf, "#!/", 3);
	memset(buf + 3, 'i', n - 1);
	memcpy(buf + 2 + n, tail, strlen(tail));
	want[0] = '/';
	memset(want + 1, 'i', n - 1);
	want[n] = '\0';
	sh_is(line, buf, 2 + n + strlen(tail), rc, want, arg);
}

static void
shebang_tests(void)
{
	char buf[600];

	SH("#!/bin/sh\n", SB_SHEBANG_OK, "/bin/sh", NULL);
	SH("#!/bin/sh", SB_SHEBANG_OK, "/bin/sh", NULL);
	SH("#! /bin/sh -e\n", SB_SHEBANG_OK, "/bin/sh", "-e");
	/* trailing blanks and tabs go, with the newline that ends the line */
	SH("#!/bin/sh -e \t \n", SB_SHEBANG_OK, "/bin/sh", "-e");
	SH("#!/bin/sh \t\n", SB_SHEBANG_OK, "/bin/sh", NULL);
	SH("#!\t /bin/sh\t\t-x\t\n", SB_SHEBANG_OK, "/bin/sh", "-x");
	/* ONE argument, inner blanks kept */
	SH("#!/usr/bin/env python3 -u  -O\n", SB_SHEBANG_OK, "/usr/bin/env", "python3 -u  -O");
	SH("#!/usr/bin/awk -f \t x\ty\n", SB_SHEBANG_OK, "/usr/bin/awk", "-f \t x\ty");
	/* no newline in a short file: the line runs to the zero padding,
	 * so trailing blanks are NOT trimmed (checked: execve passes
	 * "a b \t") */
	SH("#!/bin/sh a b \t", SB_SHEBANG_OK, "/bin/sh", "a b \t");
	SH("#!/bin/sh -x", SB_SHEBANG_OK, "/bin/sh", "-x");
	/* Only blanks after the interpreter and no newline: the argument
	 * starts at the zero padding, and the kernel passes it, empty
	 * (execve of such a file runs "/bin/sh" "" FILE). */
	SH("#!/bin/sh ", SB_SHEBANG_OK, "/bin/sh", "");
	SH("#!/bin/sh\t\t", SB_SHEBANG_OK, "/bin/sh", "");
	/* the line ends at a NUL: the same, and no argument after NUL */
	SH("#!/bin/sh\0-x\n", SB_SHEBANG_OK, "/bin/sh", NULL);
	SH("#!/bin/sh -x\0-y\n", SB_SHEBANG_OK, "/bin/sh", "-x");
	SH("#!/bin/sh \0-x\n", SB_SHEBANG_OK, "/bin/sh", "");
	/* a newline after the NUL does not count */
	SH("#!/bin/sh a \0\n", SB_SHEBANG_OK, "/bin/sh", "a ");
	/* CRLF: '\r' is no blank, it stays (the kernel runs "/bin/sh\r") */
	SH("#!/bin/sh\r\n", SB_SHEBANG_OK, "/bin/sh\r", NULL);
	SH("#!/bin/sh -e\r\n", SB_SHEBANG_OK, "/bin/sh", "-e\r");
	SH("#!/bin/sh \r\n", SB_SHEBANG_OK, "/bin/sh", "\r");
	SH("#!/bin/sh -e \r\n", SB_SHEBANG_OK, "/bin/sh", "-e \r");
	SH("#!relative x\n", SB_SHEBANG_OK, "relative", "x");
	/* no interpreter */
	SH("#!", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#!\n", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#!   \n", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#! \t \t\n/bin/sh\n", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#!   ", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#!\0/bin/sh\n", SB_SHEBANG_EMPTY, NULL, NULL);
	SH("#! \0/bin/sh\n", SB_SHEBANG_EMPTY, NULL, NULL);
	/* not a script */
	SH("", SB_SHEBANG_NONE, NULL, NULL);
	SH("#", SB_SHEBANG_NONE, NULL, NULL);
	SH("!#/bin/sh\n", SB_SHEBANG_NONE, NULL, NULL);
	SH(" #!/bin/sh\n", SB_SHEBANG_NONE, NULL, NULL);
	SH("\357\273\277#!/bin/sh\n", SB_SHEBANG_NONE, NULL, NULL); /* a UTF-8 BOM */
	SH("\177ELF\002\001\001", SB_SHEBANG_NONE, NULL, NULL);

	/* The interpreter must end inside the 256 bytes read: at byte 255
	 * at the latest (a blank or NUL there, or a newline at 255).  n is
	 * the interpreter's length; "#!" takes bytes 0 and 1. */
	long_interp(__LINE__, 252, "\n", SB_SHEBANG_OK, NULL);
	long_interp(__LINE__, 253, "\n", SB_SHEBANG_OK, NULL);	   /* newline at 255 */
	long_interp(__LINE__, 253, "", SB_SHEBANG_OK, NULL);	   /* zero padding at 255 */
	long_interp(__LINE__, 253, " arg", SB_SHEBANG_OK, NULL);   /* blank at 255 */
	long_interp(__LINE__, 252, " arg\n", SB_SHEBANG_OK, NULL); /* 'a' at 255: cut */
	long_interp(__LINE__, 250, " arg\n", SB_SHEBANG_OK, "ar");
	long_interp(__LINE__, 249, " arg\n", SB_SHEBANG_OK, "arg");
	long_interp(__LINE__, 254, "\n", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 254, "", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 254, " arg\n", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 255, "\n", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 255, "", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 256, "\n", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 256, "", SB_SHEBANG_TOOLONG, NULL);
	long_interp(__LINE__, 300, " arg\n", SB_SHEBANG_TOOLONG, NULL);
	/* leading blanks count against the 256 bytes too */
	memset(buf, ' ', 250);
	memcpy(buf, "#!", 2);
	memcpy(buf + 250, "/bin/sh\n", 8);
	sh_is(__LINE__, buf, 258, SB_SHEBANG_TOOLONG, NULL, NULL);
	memcpy(buf + 250, "/bin\n", 5);
	sh_is(__LINE__, buf, 255, SB_SHEBANG_OK, "/bin", NULL);
	/* a long argument is cut where the buffer ends (its last byte is
	 * the terminator): bytes 10..254 */
	memset(buf, 'b', sizeof buf);
	memcpy(buf, "#!/bin/sh ", 10);
	{
		char want[300];
		memset(want, 'b', 245);
		want[245] = '\0';
		sh_is(__LINE__, buf, sizeof buf, SB_SHEBANG_OK, "/bin/sh", want);
		/* blanks just before the cut are trimmed */
		memset(buf + 250, ' ', 5);
		want[240] = '\0';
		sh_is(__LINE__, buf, sizeof buf, SB_SHEBANG_OK, "/bin/sh", want);
	}
	/* a whole buffer of blanks */
	memset(buf, '\t', sizeof buf);
	memcpy(buf, "#!", 2);
	sh_is(__LINE__, buf, sizeof buf, SB_SHEBANG_EMPTY, NULL, NULL);

	/* Only the first len bytes count, whatever follows them in the
	 * caller's buffer, and whatever the struct held before. */
	{
		struct sb_shebang sb;
		static const char longer[] = "#!/usr/bin/python3 -W ignore::DeprecationWarning\n";
		static const char garbage[] = "#!/bin/sh -x -garbage that is not in the file\n";
		CHECK(sb_shebang_split(longer, sizeof longer - 1, &sb) == SB_SHEBANG_OK,
		    "longer line");
		CHECK(sb_shebang_split("#!/bin/sh", 9, &sb) == SB_SHEBANG_OK &&
			strcmp(sb.interp, "/bin/sh") == 0 && sb.arg == NULL,
		    "short line after a longer one: \"%s\" \"%s\"", nz(sb.interp), nz(sb.arg));
		CHECK(sb_shebang_split(longer, sizeof longer - 1, &sb) == SB_SHEBANG_OK, "again");
		CHECK(sb_shebang_split("#!/bin/sh -e", 12, &sb) == SB_SHEBANG_OK &&
			strcmp(sb.interp, "/bin/sh") == 0 && sb.arg != NULL &&
			strcmp(sb.arg, "-e") == 0,
		    "short line with arg after a longer one: \"%s\" \"%s\"", nz(sb.interp),
		    nz(sb.arg));
		CHECK(sb_shebang_split(garbage, 9, &sb) == SB_SHEBANG_OK &&
			strcmp(sb.interp, "/bin/sh") == 0 && sb.arg == NULL,
		    "9 bytes of a longer buffer: \"%s\" \"%s\"", nz(sb.interp), nz(sb.arg));
		CHECK(sb_shebang_split(garbage, 12, &sb) == SB_SHEBANG_OK &&
			strcmp(sb.interp, "/bin/sh") == 0 && sb.arg != NULL &&
			strcmp(sb.arg, "-x") == 0,
		    "12 bytes of a longer buffer: \"%s\" \"%s\"", nz(sb.interp), nz(sb.arg));
		CHECK(sb_shebang_split(garbage, 1, &sb) == SB_SHEBANG_NONE, "1 byte");
		CHECK(sb_shebang_split(garbage, 2, &sb) == SB_SHEBANG_EMPTY, "2 bytes");
		CHECK(sb_shebang_split(garbage, 0, &sb) == SB_SHEBANG_NONE, "0 bytes");
		/* the same through the bundler */
		struct shebang bsb;
		CHECK(shebang_parse(garbage, 11, &bsb) == SHEBANG_OK &&
			strcmp(bsb.interp, "/bin/sh") == 0 && bsb.arg != NULL &&
			strcmp(bsb.arg, "-") == 0,
		    "shebang_parse of 11 bytes");
		shebang_free(&bsb);
	}
}

int
main(void)
{
	elf_tests();
	shebang_tests();
	printf("binfmt: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
