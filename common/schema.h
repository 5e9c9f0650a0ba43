/*
 * The database contract (contract 2 of ARCHITECTURE.md, documented in
 * sbtrace-db(5)): what identifies an sbtrace database, its version, and
 * the values stored in accesses.mode and accesses.op.  The collector
 * writes them, the bundler and users read them with SQL; the wire
 * format (wire.h) carries the same mode bits.  Plain C, no libc types:
 * the preload library includes it.
 */
#ifndef SB_SCHEMA_H
#define SB_SCHEMA_H

/* PRAGMA application_id: "SBTR", tells our databases from others. */
#define SB_DB_APPLICATION_ID 0x53425452
/* PRAGMA user_version of the schema this tree writes (and the newest it
 * reads); collector/schema.sql is that version. */
#define SB_DB_VERSION 3

/* accesses.mode bits.  SQL text uses them through SB_SQL_INT(), so a
 * query says (mode & SB_M_DIR) and not (mode & 8). */
#define SB_M_READ 0x0001     /* contents read (open for reading, exec, load) */
#define SB_M_WRITE 0x0002    /* contents or the name changed */
#define SB_M_CREATE 0x0004   /* O_CREAT, mkdir, the new name of rename/link */
#define SB_M_DIR 0x0008	     /* a directory was asked for (O_DIRECTORY, opendir) */
#define SB_M_TRUNC 0x0010    /* O_TRUNC */
#define SB_M_APPEND 0x0020   /* O_APPEND */
#define SB_M_NOFOLLOW 0x0040 /* lstat, AT_SYMLINK_NOFOLLOW, O_NOFOLLOW */
#define SB_M_EXECUTE 0x0080  /* access(X_OK) */
#define SB_M_STATIC 0x0100   /* exec of an ELF without PT_INTERP: untraced */
#define SB_M_SETUID 0x0200   /* exec of a set-id or capability binary: untraced */
#define SB_M_SCRIPT 0x0400   /* exec of a #! script */
#define SB_M_SPAWN 0x0800    /* posix_spawn, system, popen: a new process */
#define SB_M_FD 0x1000	     /* path came from an fd (fexecve, fchdir) */
#define SB_M_PROBE 0x2000    /* a PATH candidate tried by execvp-like calls */
#define SB_M_NEWPATH 0x4000  /* the second path of rename/link */
#define SB_M_TMPFILE 0x8000  /* O_TMPFILE: path is the directory */
/* read by the C library (or its loader) for the program, inside a call
 * such as setlocale or getpwnam, or the loader's /etc/ld.so.cache */
#define SB_M_LIBC 0x10000

/* A numeric macro as SQL text: "(mode & " SB_SQL_INT(SB_M_DIR) ")".
 * SQLite reads hexadecimal integer literals. */
#define SB_SQL_INT(m) SB_SQL_INT_(m)
#define SB_SQL_INT_(m) #m

#endif
