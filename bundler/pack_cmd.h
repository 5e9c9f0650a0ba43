/*
 * `sidebundle pack`: a bundle directory as one executable file, the
 * launcher with a zstd archive of the bundle and a trailer after it
 * (common/pack.h, sidebundle-pack(5)).
 */
#ifndef SB_PACK_CMD_H
#define SB_PACK_CMD_H

/* `sidebundle pack [-q] [-e ENTRY] [-l LEVEL] -o FILE DIR/NAME`; argv[0]
 * is "pack".  Exit status 0, 1 (failed), 2 (usage). */
int cmd_pack(int argc, char **argv);

#endif
