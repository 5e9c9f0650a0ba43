/*
 * `sidebundle show` (sidebundle-show(1)): a bundle listed, for people or
 * as JSON.
 */
#ifndef SB_SHOW_H
#define SB_SHOW_H

/* `sidebundle show ...`; argv[0] is the program's name.  The exit
 * status. */
int cmd_show(int argc, char **argv);

#endif
