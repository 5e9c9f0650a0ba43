/*
 * Unit tests of bundler/elf.c on real files (the host's python3 and
 * libc), and on a real file cut at every length and with bytes poked
 * into its headers: an error naming the file, never a crash.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>

#include "elfinfo.h"

#include "check.h"

static unsigned char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;

	if (fd == -1 || fstat(fd, &st) == -1)
		goto out;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	if (fd != -1)
		close(fd);
	return buf;
}

/* Parse buf[0..len) from a malloc'd copy of exactly len bytes. */
static int
parse_copy(const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	unsigned char *c = malloc(len > 0 ? len : 1);
	struct elf_info ei;
	int rc;

	memcpy(c, buf, len);
	rc = elf_info_mem(c, len, "cut", &ei, err, errlen);
	if (rc == 0)
		elf_info_free(&ei);
	free(c);
	return rc;
}

int
main(void)
{
	struct elf_info ei;
	char err[512];
	size_t len = 0;
	unsigned char *buf;
	int fd;

	fd = open("/usr/bin/python3", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		int rc = elf_info_fd(fd, "/usr/bin/python3", &ei, err,
		    sizeof(err));
		CHECK(rc == 0, "python3: %s", err);
		if (rc == 0) {
			CHECK(ei.interp != NULL &&
				strncmp(ei.interp, "/lib", 4) == 0,
			    "PT_INTERP");
			int libc = 0;
			for (size_t i = 0; i < ei.nneeded; i++)
				libc |= strcmp(ei.needed[i], "libc.so.6") == 0;
			CHECK(libc, "python3 needs libc.so.6");
			CHECK(ei.dynamic, "PT_DYNAMIC");
			CHECK(ei.type == ET_EXEC || ei.type == ET_DYN, "type");
			elf_info_free(&ei);
		}
		close(fd);
	}
	fd = open("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		struct elf_info exe = {.class = ELFCLASS64, .data = ELFDATA2LSB,
		    .machine = EM_X86_64};
		int rc = elf_info_fd(fd, "libc", &ei, err, sizeof(err));
		CHECK(rc == 0, "libc: %s", err);
		if (rc == 0) {
			CHECK(ei.soname != NULL &&
				strcmp(ei.soname, "libc.so.6") == 0,
			    "DT_SONAME");
			CHECK(elf_info_compatible(&exe, &ei), "compatible");
			exe.machine = EM_AARCH64;
			CHECK(!elf_info_compatible(&exe, &ei), "other machine");
			exe.machine = EM_X86_64;
			exe.class = ELFCLASS32;
			CHECK(!elf_info_compatible(&exe, &ei), "other class");
			elf_info_free(&ei);
		}
		close(fd);
	}
	fd = open("/", O_RDONLY | O_CLOEXEC);
	CHECK(elf_info_fd(fd, "/", &ei, err, sizeof(err)) == -1 &&
		strcmp(err, "/: not a regular file") == 0,
	    "directory: %s", err);
	close(fd);
	CHECK(elf_info_mem("#!/bin/sh\n", 10, "s", &ei, err, sizeof(err)) ==
		    -1 &&
		strcmp(err, "s: not an ELF file") == 0,
	    "script: %s", err);

	/* Every truncation of a real executable's first 64 KiB. */
	buf = slurp("/usr/bin/python3", &len);
	if (buf != NULL) {
		size_t max = len < 65536 ? len : 65536;
		for (size_t n = 0; n < max; n += n < 1024 ? 1 : 97) {
			int rc = parse_copy(buf, n, err, sizeof(err));
			if (rc == -1)
				CHECK(strncmp(err, "cut: ", 5) == 0,
				    "message names the file: %s", err);
		}
		/* Poke every byte of the ELF and program headers. */
		unsigned char *c = malloc(len);
		for (size_t off = 0; off < 64 + 56 * 13 && off < len; off++) {
			static const unsigned char vals[] = {0x00, 0x7f, 0x80,
			    0xff};
			for (size_t v = 0; v < sizeof(vals); v++) {
				memcpy(c, buf, len);
				c[off] = vals[v];
				struct elf_info e2;
				if (elf_info_mem(c, len, "poke", &e2, err,
					sizeof(err)) == 0)
					elf_info_free(&e2);
			}
		}
		free(c);
		free(buf);
	}
	CHECK(strcmp(elf_info_machine_name(EM_X86_64), "x86-64") == 0,
	    "machine name");

	printf("elf: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
