/*
 * Fuzz target: common/binfmt.h, fed the first bytes of a file someone
 * asks to execute.  The ELF half is checked against a plain reading of
 * fs/binfmt_elf.c over the whole buffer, the "#!" half against
 * load_script() of fs/binfmt_script.c (Linux 5.1 and later) as the
 * kernel writes it, and against the bundler's shebang_parse().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "shebang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "binfmt: " __VA_ARGS__);                                           \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

/* --- ELF --------------------------------------------------------------- */

struct mem {
	const uint8_t *buf;
	size_t len;
	int calls, fail_call; /* fail from that call on; 0 never */
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

static uint64_t
rd(const uint8_t *p, int n, int msb)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? n - 1 - i : i] << (8 * i);
	return v;
}

/* load_elf_binary's checks up to PT_INTERP on the whole file d[0..n):
 * an sb_elf_rc, with the first PT_INTERP's offset and size. */
static int
ref_probe(const uint8_t *d, size_t n, uint64_t *ioff, uint64_t *ilen)
{
	*ioff = *ilen = 0;
	if (n < 4 || memcmp(d, "\177ELF", 4) != 0)
		return SB_ELF_NOT_ELF;
	if (n < 16)
		return -1; /* magic and no more: NOT_ELF or BAD will do */
	int is64 = d[4] == SB_ELFCLASS64, msb = d[5] == SB_ELFDATA2MSB;
	if ((d[4] != SB_ELFCLASS32 && !is64) || (d[5] != SB_ELFDATA2LSB && !msb))
		return SB_ELF_BAD;
	if (n < (is64 ? 64u : 52u))
		return SB_ELF_BAD;
	uint64_t phoff = is64 ? rd(d + 32, 8, msb) : rd(d + 28, 4, msb);
	uint64_t phentsize = rd(d + (is64 ? 54 : 42), 2, msb);
	uint64_t phnum = rd(d + (is64 ? 56 : 44), 2, msb);
	if (phentsize != (is64 ? 56u : 32u) || phnum < 1 || phnum * phentsize > 65536)
		return SB_ELF_BAD;
	/* load_elf_phdrs reads them all, or the exec fails */
	if (phoff > n || n - phoff < phnum * phentsize)
		return SB_ELF_BAD;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *p = d + phoff + i * phentsize;
		if (rd(p, 4, msb) != SB_PT_INTERP)
			continue;
		*ioff = is64 ? rd(p + 8, 8, msb) : rd(p + 4, 4, msb);
		*ilen = is64 ? rd(p + 32, 8, msb) : rd(p + 16, 4, msb);
		return *ilen < 2 || *ilen > SB_INTERP_MAX ? SB_ELF_BAD : SB_ELF_OK;
	}
	return SB_ELF_OK;
}

static void
elf(const uint8_t *data, size_t size)
{
	struct mem m = { data, size, 0, 0 };
	struct sb_elf e;
	uint64_t ioff, ilen;
	char buf[SB_INTERP_MAX + 1];
	int rc = sb_elf_probe(mem_pread, &m, &e), want = ref_probe(data, size, &ioff, &ilen);
	int calls = m.calls;

	if (rc < SB_ELF_OK || rc > SB_ELF_IO || rc == SB_ELF_IO)
		FAIL("sb_elf_probe = %d from a reader that never fails", rc);
	if (want < 0 ? rc == SB_ELF_OK : rc != want)
		FAIL("sb_elf_probe = %d, the kernel's rules say %d", rc, want);
	if (rc != SB_ELF_OK)
		goto failing;
	if ((e.cls != SB_ELFCLASS32 && e.cls != SB_ELFCLASS64) ||
	    (e.data != SB_ELFDATA2LSB && e.data != SB_ELFDATA2MSB) || e.cls != data[4] ||
	    e.data != data[5])
		FAIL("class %d data %d", e.cls, e.data);
	if (e.type != rd(data + 16, 2, e.data == SB_ELFDATA2MSB) ||
	    e.machine != rd(data + 18, 2, e.data == SB_ELFDATA2MSB))
		FAIL("type %u machine %u", e.type, e.machine);
	if (e.interp_len != ilen || (ilen != 0 && e.interp_off != ioff))
		FAIL("PT_INTERP at %llu, %llu bytes; want %llu, %llu",
		    (unsigned long long)e.interp_off, (unsigned long long)e.interp_len,
		    (unsigned long long)ioff, (unsigned long long)ilen);
	(void)sb_elf_native(&e);

	memset(buf, 0x55, sizeof buf);
	rc = sb_elf_interp(mem_pread, &m, &e, buf, SB_INTERP_MAX);
	if (e.interp_len == 0) {
		if (rc != SB_ELF_BAD)
			FAIL("sb_elf_interp of a file without PT_INTERP = %d", rc);
		goto failing;
	}
	/* the kernel reads p_filesz bytes at p_offset, wants a NUL at the
	 * end, and opens the text up to the first NUL */
	int in_file = ioff <= size && size - ioff >= ilen;
	int ok = in_file && data[ioff + ilen - 1] == '\0';
	if (rc != (ok ? SB_ELF_OK : SB_ELF_BAD))
		FAIL("sb_elf_interp = %d, want %d", rc, ok ? SB_ELF_OK : SB_ELF_BAD);
	if (rc == SB_ELF_OK) {
		if (strlen(buf) + 1 > e.interp_len || memcmp(buf, data + ioff, (size_t)ilen) != 0)
			FAIL("interpreter text");
		/* one byte too small a buffer is refused, and written within */
		memset(buf, 0x55, sizeof buf);
		if (sb_elf_interp(mem_pread, &m, &e, buf, (size_t)ilen - 1) != SB_ELF_BAD)
			FAIL("sb_elf_interp into %llu bytes", (unsigned long long)ilen - 1);
		for (size_t i = (size_t)ilen - 1; i < sizeof buf; i++)
			if ((unsigned char)buf[i] != 0x55)
				FAIL("sb_elf_interp wrote byte %zu of a %llu-byte buffer", i,
				    (unsigned long long)ilen - 1);
	}

failing:
	/* a reader failing at its k-th call: SB_ELF_IO, unless the probe
	 * was done by then */
	for (int k = 1; k <= calls; k++) {
		struct mem f = { data, size, 0, k };
		if ((rc = sb_elf_probe(mem_pread, &f, &e)) != SB_ELF_IO)
			FAIL("reader failing at call %d of %d: %d", k, calls, rc);
	}
}

/* --- "#!" -------------------------------------------------------------- */

static const char *
ref_non_blank(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!sb_shebang_blank(*first))
			return first;
	return NULL;
}

static const char *
ref_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (sb_shebang_blank(*first) || *first == '\0')
			return first;
	return NULL;
}

/*
 * load_script() of Linux 5.1 and later, kept as the kernel writes it
 * (checked against execve(2) on Linux 6.18): an SB_SHEBANG_* code,
 * with *interp and *arg (NULL: none) pointing into buf, and *nl set
 * when a newline ended the line.
 */
static int
ref_load_script(const void *data, size_t len, char buf[SB_BINPRM_BUF], const char **interp,
    const char **arg, int *nl)
{
	const char *i_name, *i_sep, *i_arg, *i_end, *buf_end, *p;

	*interp = *arg = NULL;
	*nl = 0;
	memset(buf, 0, SB_BINPRM_BUF);
	memcpy(buf, data, len < SB_BINPRM_BUF ? len : SB_BINPRM_BUF);
	if (buf[0] != '#' || buf[1] != '!')
		return SB_SHEBANG_NONE;
	buf_end = buf + SB_BINPRM_BUF - 1;
	i_end = NULL;
	for (p = buf; p <= buf_end && *p != '\0'; p++) /* strnchr */
		if (*p == '\n') {
			i_end = p;
			break;
		}
	*nl = i_end != NULL;
	if (i_end == NULL) {
		i_end = ref_non_blank(buf + 2, buf_end);
		if (i_end == NULL)
			return SB_SHEBANG_EMPTY;
		if (ref_terminator(i_end, buf_end) == NULL)
			return SB_SHEBANG_TOOLONG;
		i_end = buf_end;
	}
	while (sb_shebang_blank(i_end[-1]))
		i_end--;
	i_name = ref_non_blank(buf + 2, i_end);
	if (i_name == NULL || i_name == i_end)
		return SB_SHEBANG_EMPTY;
	i_arg = NULL;
	i_sep = ref_terminator(i_name, i_end);
	if (i_sep != NULL && *i_sep != '\0')
		i_arg = ref_non_blank(i_sep, i_end);
	*(char *)i_end = '\0';
	if (i_arg != NULL) {
		*(char *)i_sep = '\0';
		*arg = i_arg;
	}
	/* the kernel goes on to open "" and fails: no interpreter */
	if (*i_name == '\0')
		return SB_SHEBANG_EMPTY;
	*interp = i_name;
	return SB_SHEBANG_OK;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* s points into line and ends (NUL) inside it */
static void
inside(const struct sb_shebang *sb, const char *s, const char *what)
{
	if (s < sb->line || s >= sb->line + SB_BINPRM_BUF ||
	    memchr(s, '\0', (size_t)(sb->line + SB_BINPRM_BUF - s)) == NULL)
		FAIL("%s not NUL-terminated inside the line", what);
}

static void
script(const uint8_t *data, size_t size)
{
	struct sb_shebang sb, again;
	struct shebang bsb;
	char kbuf[SB_BINPRM_BUF];
	const char *ki, *ka;
	int nl;
	int rc = sb_shebang_split(data, size, &sb);
	int krc = ref_load_script(data, size, kbuf, &ki, &ka, &nl);

	if (rc < SB_SHEBANG_OK || rc > SB_SHEBANG_TOOLONG)
		FAIL("sb_shebang_split = %d", rc);
	if (rc != SB_SHEBANG_OK && (sb.interp != NULL || sb.arg != NULL))
		FAIL("rc %d with an interpreter", rc);
	if (rc == SB_SHEBANG_OK) {
		inside(&sb, sb.interp, "interp");
		if (sb.interp[0] == '\0' || strpbrk(sb.interp, " \t") != NULL)
			FAIL("interp \"%s\"", sb.interp);
		if (sb.arg != NULL) {
			inside(&sb, sb.arg, "arg");
			size_t n = strlen(sb.arg);
			/* "" is an argument the kernel passes too */
			if (n > 0 && sb_shebang_blank(sb.arg[0]))
				FAIL("arg \"%s\"", sb.arg);
			/* trailing blanks go only with the newline that ends
			 * the line: "#!/bin/sh a \t" alone keeps them */
			if (nl && sb_shebang_blank(sb.arg[n - 1]))
				FAIL("arg \"%s\" of a line ended by a newline", sb.arg);
			if (sb.arg < sb.interp + strlen(sb.interp))
				FAIL("arg overlaps interp");
		}
	}
	/* the kernel's own answer */
	if (rc != krc ||
	    (rc == SB_SHEBANG_OK &&
		(strcmp(sb.interp, ki) != 0 || (sb.arg == NULL) != (ka == NULL) ||
		    (ka != NULL && strcmp(sb.arg, ka) != 0))))
		FAIL("sb_shebang_split = %d \"%s\" \"%s\"; load_script = %d \"%s\" \"%s\"", rc,
		    rc == SB_SHEBANG_OK ? sb.interp : "", nz(sb.arg), krc, nz(ki), nz(ka));
	/* only the first SB_BINPRM_BUF bytes count */
	if (size > SB_BINPRM_BUF) {
		int rc2 = sb_shebang_split(data, SB_BINPRM_BUF, &again);
		if (rc2 != rc ||
		    (rc == SB_SHEBANG_OK &&
			(strcmp(again.interp, sb.interp) != 0 ||
			    strcmp(nz(again.arg), nz(sb.arg)) != 0)))
			FAIL("the bytes after %d changed the split", SB_BINPRM_BUF);
	}
	/* the bundler's copy */
	int brc = shebang_parse(data, size, &bsb);
	if (brc != rc ||
	    (rc == SB_SHEBANG_OK &&
		(strcmp(bsb.interp, sb.interp) != 0 || (bsb.arg == NULL) != (sb.arg == NULL) ||
		    (bsb.arg != NULL && strcmp(bsb.arg, sb.arg) != 0))))
		FAIL("shebang_parse = %d, sb_shebang_split = %d", brc, rc);
	if (brc == SHEBANG_OK)
		shebang_free(&bsb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	elf(data, size);
	script(data, size);
	return 0;
}
