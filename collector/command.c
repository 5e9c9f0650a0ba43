#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "binfmt.h"
#include "execpath.h"
#include "command.h"
#include "path.h"
#include "util.h"

/* glibc's _PATH_BSHELL: what execvp runs a script without "#!" with. */
#define COMMAND_SH "/bin/sh"

static int
exec_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static char *
absolute(const char *cwd, const char *p)
{
	size_t n;

	return path_normalize(cwd, strlen(cwd), p, strlen(p), &n);
}

char *
command_find(const char *cmd, const char *cwd)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	if (cmd[0] == '\0')
		return NULL;
	if (strchr(cmd, '/') != NULL)
		return absolute(cwd, cmd);
	if (path == NULL)
		path = SB_EXEC_DEFAULT_PATH;
	/* an empty element is the working directory: absolute() makes the
	 * bare name cwd's */
	while (sb_exec_path_next(&path, cmd, strlen(cmd), cand, sizeof(cand)))
		if (exec_file(cand))
			return absolute(cwd, cand);
	return NULL;
}

/* What of the SB_M_* bits this one file gives an exec, and its "#!"
 * line (script set) or whether it is a static ELF. */
static uint32_t
file_bits(const char *path, struct sb_shebang *line, int *script)
{
	unsigned char hdr[SB_BINPRM_BUF];
	uint32_t mode = 0;
	struct stat st;
	char cap[64];
	ssize_t n;
	int fd;

	*script = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	    ((st.st_mode & S_ISGID) && st.st_gid != getegid()) ||
	    fgetxattr(fd, "security.capability", cap, sizeof(cap)) > 0)
		mode |= SB_M_SETUID;
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n >= 2 && sb_shebang_split(hdr, (size_t)n, line) == SB_SHEBANG_OK) {
		*script = 1;
		mode |= SB_M_SCRIPT;
	} else {
		struct sb_elf e;

		if (n > 0 && sb_elf_probe(fd_pread, &fd, &e) == SB_ELF_OK && e.interp_len == 0)
			mode |= SB_M_STATIC;
	}
	close(fd);
	return mode;
}

int
command_needs_sh(const char *path)
{
	unsigned char hdr[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return 0;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	return n >= 0 && !(n >= 2 && hdr[0] == '#' && hdr[1] == '!') &&
	    !(n == 4 && memcmp(hdr, "\177ELF", 4) == 0);
}

static int
add(struct command_chain *ch, const char *path, const char *raw)
{
	struct model_exec *x = &ch->e[ch->n];

	if ((x->path = strdup(path)) == NULL || (x->raw = strdup(raw)) == NULL) {
		free((char *)x->path);
		return -1;
	}
	x->mode = SB_M_READ;
	ch->n++;
	return 0;
}

int
command_chain(const char *path, const char *raw, const char *cwd, int sh, struct command_chain *ch)
{
	uint32_t bits[COMMAND_CHAIN_MAX];
	struct sb_shebang line;
	int script;
	size_t i;

	memset(ch, 0, sizeof(*ch));
	if (add(ch, path, raw) == -1)
		return -1;
	bits[0] = file_bits(path, &line, &script);
	if (sh) {
		/* not a script to the kernel: execvp's retry runs it */
		bits[0] &= ~(uint32_t)SB_M_SCRIPT;
		if (add(ch, COMMAND_SH, COMMAND_SH) == -1)
			goto nomem;
		bits[1] = file_bits(COMMAND_SH, &line, &script);
		script = 0;
	}
	/* binfmt_script: at most 4 interpreters deep (BINPRM_MAX_RECURSION) */
	while (script && ch->n < COMMAND_CHAIN_MAX - 1) {
		char *interp = absolute(cwd, line.interp);

		if (interp == NULL || add(ch, interp, line.interp) == -1) {
			free(interp);
			goto nomem;
		}
		free(interp);
		bits[ch->n - 1] = file_bits(ch->e[ch->n - 1].path, &line, &script);
	}
	/* an exec's bits are those of the files it goes through */
	for (i = ch->n; i-- > 0;)
		ch->e[i].mode = SB_M_READ | bits[i] |
		    (i + 1 < ch->n ? ch->e[i + 1].mode & (SB_M_STATIC | SB_M_SETUID) : 0);
	return 0;
nomem:
	command_chain_free(ch);
	errno = ENOMEM;
	return -1;
}

void
command_chain_free(struct command_chain *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		free((char *)ch->e[i].path);
		free((char *)ch->e[i].raw);
	}
	ch->n = 0;
}
