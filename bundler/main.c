/* sidebundle: one program, one subcommand per job. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "create.h"
#include "deps_cmd.h"
#include "pack_cmd.h"
#include "show.h"
#include "verify.h"

/* Identical to the SYNOPSIS of sidebundle(1). */
static const char usage_text[] =
    "usage: sidebundle deps [-l] [-r ROOT] FILE...\n"
    "       sidebundle create --out-dir DIR --name NAME --from-host PATH[::trace=ARGS]...\n"
    "           [--trace 'SHELL COMMAND']... [--db TRACE.db]...\n"
    "           [--trace-backend off|preload|ptrace|auto] [--run-mode host|bwrap|chroot]\n"
    "           [--copy-dir SRC[:DEST]]... [--include GLOB]... [--exclude GLOB]...\n"
    "           [--set-env K=V]... [--check | --no-check] [-r ROOT] [-q] [-v]\n"
    "           [--run-no-net] [--run-clean-env] [--run-bind SRC[:DEST]]...\n"
    "           [--run-ro-bind SRC[:DEST]]... [--run-workspace DIR]\n"
    "       sidebundle create --out-dir DIR --name NAME\n"
    "           --from-image REF[::PATH][::trace[=ARGS]]... [--image-max-size BYTES]\n"
    "           [--trace 'SHELL COMMAND']... [--db TRACE.db]... [option]...\n"
    "       sidebundle verify DIR/NAME\n"
    "       sidebundle check [-v] DIR/NAME\n"
    "       sidebundle show [--json] [-n N] DIR/NAME\n"
    "       sidebundle pack [-q] [-e ENTRY] [-l LEVEL] -o FILE DIR/NAME\n"
    "       sidebundle --help | --version\n";

static const struct command {
	const char *name;
	int (*run)(int, char **);
	const char *what;
} commands[] = {
	{ "deps", cmd_deps, "the libraries and interpreters files need, as lddtree shows them" },
	{ "create", cmd_create, "make a bundle of programs and what they need" },
	{ "verify", cmd_verify, "check a bundle's files against its manifest" },
	{ "check", cmd_check, "run a bundle's traced commands again in an empty root" },
	{ "show", cmd_show, "list a bundle: its files, why each is there, their packages" },
	{ "pack", cmd_pack, "write a bundle as one executable file" },
};

static void
help(void)
{
	fputs(usage_text, stdout);
	fputs("\nCommands (sidebundle COMMAND --help tells its options):\n", stdout);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		printf("  %-7s %s\n", commands[i].name, commands[i].what);
	fputs("  --help     this help\n  --version  the version\n", stdout);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		help();
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("sidebundle %s\n", SB_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(cmd, commands[i].name) != 0)
			continue;
		/* the subcommand parses argv + 1, whose argv[0] getopt puts
		 * in its messages: the program's name, as err(3) says it */
		argv[1] = program_invocation_short_name;
		return commands[i].run(argc - 1, argv + 1);
	}
	warnx("unknown command %s", cmd);
	fputs(usage_text, stderr);
	return 2;
}
