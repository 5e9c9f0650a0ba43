#ifndef SB_DEPS_CMD_H
#define SB_DEPS_CMD_H

/*
 * `sidebundle deps [-r ROOT] FILE...`: print the dependency tree of each
 * FILE (man/sidebundle-deps.1).  argv[0] is "deps".  Returns the exit
 * status: 0, 1 (an entry could not be analysed or misses a direct
 * need), 2 (usage).
 */
int cmd_deps(int argc, char **argv);

#endif
