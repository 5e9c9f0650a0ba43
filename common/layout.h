/*
 * The bundle layout (contract 3 of ARCHITECTURE.md): the names the
 * bundler writes and the launcher and its shim look for, and the
 * environment the launcher reads and sets.  The manifest's own format
 * is common/manifest.h; sidebundle-manifest(5) and
 * sidebundle-launcher(7) document all of it.  Plain C: the static
 * launcher and the shim include it.
 */
#ifndef SB_LAYOUT_H
#define SB_LAYOUT_H

/* DIR/NAME/... */
#define SB_LAYOUT_MANIFEST "manifest.lock"
#define SB_LAYOUT_PAYLOAD "payload"
#define SB_LAYOUT_BIN "bin"
/* the traced runs and their outcome, for `sidebundle check`
 * (sidebundle-check(5)); the bundler's alone */
#define SB_LAYOUT_CHECK "check"
/* why each payload path is there, for `sidebundle show`
 * (sidebundle-manifest(5)); the bundler's alone */
#define SB_LAYOUT_WHY "why"
/* bin/...: the static launcher every entry links to, and host mode's
 * path-mapping shim beside it */
#define SB_LAYOUT_LAUNCHER ".sidebundle-launcher"
#define SB_LAYOUT_SHIM ".sidebundle-shim.so"

/* The installed names of the two, found next to the bundler or in its
 * library directory (make install). */
#define SB_INSTALLED_LAUNCHER "sidebundle-launcher"
#define SB_INSTALLED_SHIM "libsidebundle-shim.so"

/* The first record of manifest.lock and the version this tree writes
 * and reads. */
#define SB_MANIFEST_MAGIC "sidebundle-manifest"
#define SB_MANIFEST_VERSION 1

/* Settings the launcher reads from the caller's environment first, then
 * from the bundle's env records (create --set-env). */
#define SB_ENV_RUN_MODE "SIDEBUNDLE_RUN_MODE" /* host | bwrap | chroot */
#define SB_ENV_BWRAP "SIDEBUNDLE_BWRAP"	      /* bwrap to use */
#define SB_ENV_NET "SIDEBUNDLE_NET"	      /* bwrap: network on */
#define SB_ENV_BIND_HOME "SIDEBUNDLE_BIND_HOME"
#define SB_ENV_BIND_CWD "SIDEBUNDLE_BIND_CWD"
#define SB_ENV_USER "SIDEBUNDLE_USER" /* chroot: UID[:GID] to run as */
/* the switches of the sealed set-ups (common/runopts.h): an environment
 * of the bundle's and a few names only; binds, SRC[:DEST] lists; a
 * directory bound read-write at SB_WORKSPACE_DIR and made current */
#define SB_ENV_CLEAN_ENV "SIDEBUNDLE_CLEAN_ENV"
#define SB_ENV_BIND "SIDEBUNDLE_BIND"
#define SB_ENV_RO_BIND "SIDEBUNDLE_RO_BIND"
#define SB_ENV_WORKSPACE "SIDEBUNDLE_WORKSPACE"
#define SB_WORKSPACE_DIR "/workspace"
/* Every setting starts so; --set-env values so named stay settings and
 * are not put into the program's environment. */
#define SB_ENV_PREFIX "SIDEBUNDLE_"

/*
 * Host mode: "SIDEBUNDLE_PAYLOAD=<payload>:<entry>:<library path>", set
 * by the launcher for the shim: the payload directory, the entry's path
 * in the payload (empty when it holds a ':'), and the --library-path
 * the payload's ld.so is given.
 */
#define SB_ENV_PAYLOAD "SIDEBUNDLE_PAYLOAD"

#endif
