/*
 * `sidebundle verify DIR/NAME` (sidebundle(1)): re-hash a bundle against
 * its manifest.
 */
#ifndef SB_VERIFY_H
#define SB_VERIFY_H

/* argv[0] is "verify".  The exit status: 0 as made, 1 not, 2 usage. */
int cmd_verify(int argc, char **argv);

#endif
