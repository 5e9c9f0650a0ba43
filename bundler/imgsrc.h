/*
 * Where an image's files are: an OCI layout directory (oci:DIR), or a
 * tar archive (oci-archive:FILE, docker-archive:FILE) whose members are
 * indexed once and then read one at a time, the archive read again from
 * its start for each (a plain tar is skipped through with lseek).
 *
 * Every file is read through a struct blob, which hashes (SHA-256) and
 * counts what it returns and refuses to return more than a limit: a
 * blob's digest and size are checked on exactly the bytes that were
 * used.  Names are relative ("index.json", "blobs/sha256/HEX",
 * "abc/layer.tar"); in an archive a member that is a symbolic or hard
 * link to another member is followed (inside the archive, a few hops),
 * and a name that two members have is refused.  A layout directory is
 * read without following any symbolic link.
 */
#ifndef SB_IMGSRC_H
#define SB_IMGSRC_H

#include <sha2.h>
#include <stddef.h>
#include <stdint.h>

struct archive;

struct src_member {
	char *name; /* cleaned: no "./", no leading or doubled '/' */
	char *link; /* a link's target, cleaned (a hard link's relative to the
		     * archive); else NULL */
	int regular;
	int count; /* members with this name */
};

struct imgsrc {
	int dirfd;  /* a layout directory, or -1 */
	char *file; /* an archive, or NULL */
	struct src_member *m;
	size_t nm;
};

struct blob {
	int fd;		   /* a file of a directory, or -1 */
	struct archive *a; /* an archive at the member's data, or NULL */
	SHA2_CTX sha;
	uint64_t n;	/* bytes returned so far */
	uint64_t limit; /* return no more than this: EFBIG */
	int eof;	/* the end was returned: nothing is read after it */
};

/* Open a layout directory or index an archive; -1 with why in err. */
int imgsrc_open_dir(struct imgsrc *s, const char *dir, char *err, size_t errlen);
int imgsrc_open_archive(struct imgsrc *s, const char *file, char *err, size_t errlen);
void imgsrc_close(struct imgsrc *s);

/* Is there a file called name? */
int imgsrc_has(struct imgsrc *s, const char *name);

/* Open name for reading at most limit bytes: 0, or -1 with why in err
 * (errno ENOENT when there is no such file). */
int blob_open(struct imgsrc *s, const char *name, uint64_t limit, struct blob *b, char *err,
    size_t errlen);
/* Up to len bytes (len > 0), 0 at the end and ever after, -1 with
 * errno (EFBIG past the limit). */
long blob_read(struct blob *b, void *buf, size_t len);
/* Read to the end; the SHA-256 of everything as lower-case hex, and the
 * size.  -1 with errno. */
int blob_finish(struct blob *b, char hex[65], uint64_t *size);
void blob_close(struct blob *b);

/* Read all of name (at most limit bytes) into a NUL-terminated buffer;
 * its digest as hex.  -1 with why in err. */
int imgsrc_slurp(struct imgsrc *s, const char *name, uint64_t limit, char **buf, size_t *len,
    char hex[65], char *err, size_t errlen);

#endif
