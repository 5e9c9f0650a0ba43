/*
 * Fuzz target: bundler/elf.c on arbitrary bytes, the ELF reader every
 * file of a bundle (and every library found by the search) goes through.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info ei;
	char err[512];
	/* A private copy: libelf gets a buffer exactly size bytes long, so
	 * ASan sees any read past the end. */
	uint8_t *buf = malloc(size > 0 ? size : 1);

	if (buf == NULL)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);
	if (elf_info_mem(buf, size, "fuzz", &ei, err, sizeof(err)) == 0) {
		/* Touch every string so ASan checks them. */
		size_t n = 0;
		for (size_t i = 0; i < ei.nneeded; i++)
			n += strlen(ei.needed[i]);
		n += ei.interp ? strlen(ei.interp) : 0;
		n += ei.rpath ? strlen(ei.rpath) : 0;
		n += ei.runpath ? strlen(ei.runpath) : 0;
		n += ei.soname ? strlen(ei.soname) : 0;
		(void)n;
		(void)elf_info_compatible(&ei, &ei);
		elf_info_free(&ei);
	} else if (strncmp(err, "fuzz: ", 6) != 0) {
		abort(); /* every error names the file */
	}
	free(buf);
	return 0;
}
