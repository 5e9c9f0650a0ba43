/*
 * What will an exec run?  LD_PRELOAD cannot enter a static binary (no
 * PT_INTERP) or a set-id one (ld.so drops LD_PRELOAD in secure mode), so
 * such execs are flagged: the collector then knows that subtree is not
 * traced.  Reads at most a few KiB through raw syscalls on the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "binfmt.h"
#include "sb.h"

/* The kernel's own limit on nested interpreters (binfmt_script calls
 * back into exec at most this deep). */
#define MAX_DEPTH 4

static long
fd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	return syscall(SYS_pread64, *(const int *)ctx, buf, n, off);
}

/* An ELF file the kernel would run without an interpreter: static or
 * static-pie. */
static int
elf_is_static(int fd)
{
	struct sb_elf e;

	return sb_elf_probe(fd_pread, &fd, &e) == SB_ELF_OK && e.interp_len == 0;
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

SB_HIDDEN unsigned sb_classify_exec(int dirfd, const char *path);

unsigned
sb_classify_exec(int dirfd, const char *path)
{
	char interp[SB_BINPRM_BUF];
	unsigned mode = 0;

	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		unsigned char hdr[SB_BINPRM_BUF];
		struct sb_shebang line;
		struct stat st;
		int fd = (int)syscall(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			return mode;
		ssize_t n = -1;
		if (syscall(SYS_fstat, fd, &st) == 0 && S_ISREG(st.st_mode)) {
			mode |= secure_bits(fd, &st);
			n = fd_pread(&fd, hdr, sizeof(hdr), 0);
		}
		/* a relative interpreter is the kernel's to find: not
		 * followed here */
		int script = n >= 2 && sb_shebang_split(hdr, (size_t)n, &line) == SB_SHEBANG_OK &&
		    line.interp[0] == '/';
		if (!script && n > 0 && elf_is_static(fd))
			mode |= SB_M_STATIC;
		sb_sys_close(fd);
		if (!script)
			return mode;
		mode |= SB_M_SCRIPT;
		memcpy(interp, line.interp, sb_strlen(line.interp) + 1);
		path = interp;
		dirfd = AT_FDCWD;
	}
	return mode;
}
