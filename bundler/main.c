/* sidebundle: one program, one subcommand per job. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "create.h"
#include "deps_cmd.h"
#include "pack_cmd.h"
#include "verify.h"

/* Identical to the SYNOPSIS of sidebundle(1). */
static const char usage_text[] =
    "usage: sidebundle deps [-r ROOT] FILE...\n"
    "       sidebundle create --out-dir DIR --name NAME --from-host PATH[::trace=ARGS]...\n"
    "           [--trace 'SHELL COMMAND']... [--db TRACE.db]...\n"
    "           [--trace-backend off|preload|ptrace|auto] [--run-mode host|bwrap|chroot]\n"
    "           [--copy-dir SRC[:DEST]]... [--include GLOB]... [--exclude GLOB]...\n"
    "           [--set-env K=V]... [-r ROOT] [-q] [-v]\n"
    "           [--run-no-net] [--run-clean-env] [--run-bind SRC[:DEST]]...\n"
    "           [--run-ro-bind SRC[:DEST]]... [--run-workspace DIR]\n"
    "       sidebundle create --out-dir DIR --name NAME\n"
    "           --from-image REF[::PATH][::trace[=ARGS]]... [--image-max-size BYTES]\n"
    "           [--trace 'SHELL COMMAND']... [--db TRACE.db]... [option]...\n"
    "       sidebundle verify DIR/NAME\n"
    "       sidebundle check [-v] DIR/NAME\n"
    "       sidebundle pack [-q] [-e ENTRY] [-l LEVEL] -o FILE DIR/NAME\n"
    "       sidebundle --help | --version\n";

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("sidebundle %s\n", SB_VERSION);
		return 0;
	}
	/* the subcommand sees itself as argv[0], as getopt expects */
	if (strcmp(cmd, "deps") == 0)
		return cmd_deps(argc - 1, argv + 1);
	if (strcmp(cmd, "create") == 0)
		return cmd_create(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "pack") == 0)
		return cmd_pack(argc - 1, argv + 1);
	warnx("unknown command %s", cmd);
	fputs(usage_text, stderr);
	return 2;
}
