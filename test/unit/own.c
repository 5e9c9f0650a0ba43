/*
 * Unit tests of collector/own.c: which accesses are the tracer's own
 * files (the libraries as the dynamic linker uses them, the channel
 * directory and what is in it) and which are the program's.
 */
#include <string.h>

#include "own.h"
#include "wire.h"

#include "check.h"

#define LIB "/opt/sb/lib/sidebundle/libsbtrace.so"
#define AUDIT "/opt/sb/lib/sidebundle/libsbtrace-audit.so"
#define DIR "/tmp/sbtrace.AbC123"

static int
is(const struct own *o, uint16_t op, uint32_t mode, const char *path, int ptraced)
{
	return own_is(o, op, mode, path, strlen(path), ptraced);
}

int
main(void)
{
	struct own o, none;

	CHECK(own_init(&o, LIB, DIR) == 0, "own_init");
	CHECK(strcmp(o.audit, AUDIT) == 0, "audit %s", o.audit);

	/* the libraries as the dynamic linker uses them */
	CHECK(is(&o, SB_OP_LOAD, SB_M_READ, LIB, 0), "load of the library");
	CHECK(is(&o, SB_OP_LOAD, SB_M_READ, AUDIT, 0), "load of the audit module");
	CHECK(is(&o, SB_OP_SEARCH, 0, LIB, 0), "search for the library");
	CHECK(is(&o, SB_OP_OPEN, SB_M_READ, LIB, 1), "ld.so's open under ptrace");
	/* ... and as a program uses them */
	CHECK(!is(&o, SB_OP_OPEN, SB_M_READ, LIB, 0), "a program reading the library");
	CHECK(!is(&o, SB_OP_OPEN, SB_M_WRITE | SB_M_CREATE, LIB, 1), "writing it, even under ptrace");
	CHECK(!is(&o, SB_OP_STAT, 0, LIB, 0), "stat of the library");
	CHECK(!is(&o, SB_OP_LOAD, SB_M_READ, "/opt/sb/lib/sidebundle/libsbtrace.so.1", 0),
	    "a longer name");
	CHECK(!is(&o, SB_OP_LOAD, SB_M_READ, "/opt/sb/lib/sidebundle/libsbtrace.s", 0),
	    "a prefix of the name");
	CHECK(!is(&o, SB_OP_LOAD, SB_M_READ, "/lib/x86_64-linux-gnu/libc.so.6", 0), "libc");

	/* the channel directory, whatever is done with it */
	CHECK(is(&o, SB_OP_STAT, SB_M_NOFOLLOW, DIR, 0), "lstat of the directory");
	CHECK(is(&o, SB_OP_OPENDIR, SB_M_READ | SB_M_DIR, DIR, 0), "listing it");
	CHECK(is(&o, SB_OP_OPEN, SB_M_READ, DIR "/fifo", 0), "the FIFO");
	CHECK(is(&o, SB_OP_UNLINK, SB_M_WRITE, DIR "/alive", 0), "the lock");
	CHECK(!is(&o, SB_OP_STAT, 0, DIR "x", 0), "a sibling with the same prefix");
	CHECK(!is(&o, SB_OP_STAT, 0, "/tmp/sbtrace.AbC12", 0), "a prefix of it");
	CHECK(!is(&o, SB_OP_OPENDIR, SB_M_READ | SB_M_DIR, "/tmp", 0), "its parent");
	own_free(&o);

	/* the ptrace backend: no library, and a library beside nothing */
	CHECK(own_init(&none, NULL, NULL) == 0, "own_init without anything");
	CHECK(!is(&none, SB_OP_LOAD, SB_M_READ, LIB, 0), "no library: nothing is ours");
	CHECK(!is(&none, SB_OP_STAT, 0, "/", 0), "no directory");
	own_free(&none);
	CHECK(own_init(&o, "libsbtrace.so", "") == 0, "a name without a directory");
	CHECK(o.audit == NULL && o.dir == NULL, "no audit module guessed, no directory");
	CHECK(is(&o, SB_OP_LOAD, SB_M_READ, "libsbtrace.so", 0), "the name itself");
	own_free(&o);

	printf("%d checks, %d failed\n", checks, failures);
	return failures != 0;
}
