/*
 * What will an exec run?  LD_PRELOAD cannot enter a static binary (no
 * PT_INTERP) or a set-id one (ld.so drops LD_PRELOAD in secure mode), so
 * such execs are flagged: the collector then knows that subtree is not
 * traced.  Reads at most a few KiB through raw syscalls on the stack.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sb.h"

#define MAX_PHNUM 128

static ssize_t
pread_all(int fd, void *buf, size_t n, off_t off)
{
	return syscall(SYS_pread64, fd, buf, n, off);
}

/* Does the ELF image in fd (header in hdr) have a PT_INTERP? -1: not ELF
 * or unreadable. */
static int
elf_has_interp(int fd, const unsigned char *hdr, size_t n)
{
	if (n < EI_NIDENT || memcmp(hdr, ELFMAG, SELFMAG) != 0)
		return -1;
	int is64 = hdr[EI_CLASS] == ELFCLASS64;
	uint64_t phoff;
	unsigned phnum, phentsize;

	if (is64 && n >= sizeof(Elf64_Ehdr)) {
		const Elf64_Ehdr *e = (const void *)hdr;
		phoff = e->e_phoff, phnum = e->e_phnum, phentsize = e->e_phentsize;
	} else if (!is64 && n >= sizeof(Elf32_Ehdr)) {
		const Elf32_Ehdr *e = (const void *)hdr;
		phoff = e->e_phoff, phnum = e->e_phnum, phentsize = e->e_phentsize;
	} else {
		return -1;
	}
	if (phnum == 0 || phnum > MAX_PHNUM ||
	    phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	    phentsize > 128)
		return -1;
	for (unsigned i = 0; i < phnum; i++) {
		unsigned char ph[128];
		if (pread_all(fd, ph, phentsize, (off_t)(phoff + (uint64_t)i * phentsize)) != (ssize_t)phentsize)
			return -1;
		uint32_t type;
		memcpy(&type, ph, sizeof(type)); /* p_type is first in both */
		if (type == PT_INTERP)
			return 1;
	}
	return 0;
}

static unsigned
secure_bits(int fd, const struct stat *st)
{
	char cap[64];

	if ((st->st_mode & S_ISUID) && st->st_uid != geteuid())
		return SB_M_SETUID;
	if ((st->st_mode & S_ISGID) && st->st_gid != getegid())
		return SB_M_SETUID;
	if (syscall(SYS_fgetxattr, fd, "security.capability", cap, sizeof(cap)) > 0)
		return SB_M_SETUID;
	return 0;
}

/* The interpreter named on a "#!" line, copied NUL-terminated into out. */
static int
shebang_interp(const unsigned char *hdr, size_t n, char *out, size_t size)
{
	size_t i = 2, k = 0;

	while (i < n && (hdr[i] == ' ' || hdr[i] == '\t'))
		i++;
	while (i < n && hdr[i] != ' ' && hdr[i] != '\t' && hdr[i] != '\n' &&
	    hdr[i] != '\0' && k + 1 < size)
		out[k++] = (char)hdr[i++];
	out[k] = '\0';
	return k > 0 && out[0] == '/';
}

SB_HIDDEN unsigned sb_classify_exec(int dirfd, const char *path);

unsigned
sb_classify_exec(int dirfd, const char *path)
{
	char interp[PATH_MAX];
	unsigned mode = 0;

	for (int depth = 0; depth < 4; depth++) {
		unsigned char hdr[256];
		struct stat st;
		int fd = (int)syscall(SYS_openat, dirfd, path,
		    O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			return mode;
		ssize_t n = -1;
		if (syscall(SYS_fstat, fd, &st) == 0 && S_ISREG(st.st_mode)) {
			mode |= secure_bits(fd, &st);
			n = pread_all(fd, hdr, sizeof(hdr), 0);
		}
		int interp_ok = n >= 2 && hdr[0] == '#' && hdr[1] == '!' &&
		    shebang_interp(hdr, (size_t)n, interp, sizeof(interp));
		int elf = n > 0 && !interp_ok ? elf_has_interp(fd, hdr, (size_t)n) : -1;
		sb_sys_close(fd);
		if (elf == 0)
			mode |= SB_M_STATIC;
		if (!interp_ok)
			return mode;
		mode |= SB_M_SCRIPT;
		path = interp;
		dirfd = AT_FDCWD;
	}
	return mode;
}
