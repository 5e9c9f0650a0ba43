/*
 * Unit tests of common/sha256.c and common/pack.c: SHA-256 (both the
 * SHA-NI and the portable rounds) against libmd; the trailer and the
 * record header, each field out of range; archive paths; and archives
 * built here, extracted into a temporary directory from a source that
 * hands out a few bytes at a time: one that must come out exactly
 * (modes, mtimes, a hard link, links), and one hostile or damaged
 * change of it per case, which must fail with its message.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"
#include "sha256.h"

#include "check.h"

/* The portable rounds, built again under other names. */
void c_sha256_init(struct sb_sha256 *c);
void c_sha256_update(struct sb_sha256 *c, const void *data, size_t n);
void c_sha256_final(struct sb_sha256 *c, unsigned char out[SB_SHA256_LEN]);
void c_sha256_hex(const unsigned char md[SB_SHA256_LEN], char out[2 * SB_SHA256_LEN + 1]);
#define SB_SHA256_PORTABLE
#define sb_sha256_init c_sha256_init
#define sb_sha256_update c_sha256_update
#define sb_sha256_final c_sha256_final
#define sb_sha256_hex c_sha256_hex
#include "../../common/sha256.c"
#undef sb_sha256_init
#undef sb_sha256_update
#undef sb_sha256_final
#undef sb_sha256_hex

static void
test_sha256(void)
{
	static unsigned char buf[70000];
	unsigned char a[32], b[32], c[32];
	char hex[65];
	struct sb_sha256 x;
	SHA2_CTX ref;

	sb_sha256_init(&x);
	sb_sha256_update(&x, "abc", 3);
	sb_sha256_final(&x, a);
	sb_sha256_hex(a, hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0,
	    "sha256(abc) = %s", hex);
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 7));
	/* every length around the block and padding boundaries, fed in
	 * uneven pieces */
	size_t lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097, sizeof buf };
	for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
		size_t n = lens[k];
		SHA256Init(&ref);
		SHA256Update(&ref, buf, n);
		SHA256Final(a, &ref);
		sb_sha256_init(&x);
		for (size_t o = 0, step = 1; o < n; o += step, step = step * 3 % 97 + 1)
			sb_sha256_update(&x, buf + o, o + step > n ? n - o : step);
		sb_sha256_final(&x, b);
		c_sha256_init(&x);
		c_sha256_update(&x, buf, n);
		c_sha256_final(&x, c);
		CHECK(memcmp(a, b, 32) == 0, "length %zu: sha256 differs from libmd", n);
		CHECK(memcmp(a, c, 32) == 0, "length %zu: portable sha256 differs from libmd", n);
	}
}

static void
test_trailer(void)
{
	struct sb_pack_trailer t = { .offset = 1000, .length = 500, .size = 4096, .version = 1 }, u;
	unsigned char b[SB_PACK_TRAILER_LEN];
	char err[256];
	uint64_t fsz = 1000 + 500 + SB_PACK_TRAILER_LEN;

	memset(t.key, 0xab, sizeof t.key);
	memset(t.manifest, 0xcd, sizeof t.manifest);
	strcpy(t.entry, "python3");
	sb_pack_trailer_encode(&t, b);
	CHECK(sb_pack_trailer_decode(b, fsz, &u, err, sizeof err) == 1, "round trip: %s", err);
	CHECK(u.offset == 1000 && u.length == 500 && u.size == 4096 && u.version == 1 &&
		memcmp(u.key, t.key, 32) == 0 && memcmp(u.manifest, t.manifest, 32) == 0 &&
		strcmp(u.entry, "python3") == 0,
	    "round trip fields");
	CHECK(sb_pack_trailer_decode(b, fsz + 1, &u, err, sizeof err) == -1 &&
		strstr(err, "truncated") != NULL,
	    "a file one byte longer: %s", err);
	CHECK(sb_pack_trailer_decode(b, fsz - 1, &u, err, sizeof err) == -1, "one byte shorter");

	unsigned char c[SB_PACK_TRAILER_LEN];
	memcpy(c, b, sizeof c);
	c[SB_PACK_TRAILER_LEN - 1] ^= 1;
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == 0, "no magic: not a bundle");
	memcpy(c, b, sizeof c);
	c[88] = 2;
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == -1 &&
		strstr(err, "version 2") != NULL,
	    "version 2: %s", err);
	memcpy(c, b, sizeof c);
	c[96 + 2] = '/';
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == -1, "a '/' in the entry");
	memcpy(c, b, sizeof c);
	c[92] = 0xff;
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == -1, "entry length 255+");
	memcpy(c, b, sizeof c);
	c[360] = 1;
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == -1, "reserved bytes");
	/* offset + length wrapping around */
	t.offset = UINT64_MAX - 10;
	t.length = 20;
	sb_pack_trailer_encode(&t, c);
	CHECK(sb_pack_trailer_decode(c, fsz, &u, err, sizeof err) == -1, "overflow");
}

static void
test_hdr(void)
{
	struct sb_pack_hdr h = { .type = SB_PK_FILE,
		.mode = 0755,
		.sec = -5,
		.nsec = 7,
		.pathlen = 3,
		.size = 1ull << 40 },
			   g;
	unsigned char b[SB_PACK_HDR_LEN], c[SB_PACK_HDR_LEN];
	char err[128];

	memset(h.sha, 0x11, sizeof h.sha);
	sb_pack_hdr_encode(&h, b);
	CHECK(sb_pack_hdr_decode(b, &g, err, sizeof err) == 0, "round trip: %s", err);
	CHECK(g.type == h.type && g.mode == h.mode && g.sec == -5 && g.nsec == 7 &&
		g.pathlen == 3 && g.size == h.size && memcmp(g.sha, h.sha, 32) == 0,
	    "fields");
	struct {
		int off;
		unsigned char val;
		const char *what;
	} bad[] = { { 0, 0, "type 0" }, { 0, 6, "type 6" }, { 1, 1, "reserved byte" },
		{ 5, 0x10, "mode 010000" }, { 19, 0x3c, "nsec >= 1e9" },
		{ 21, 0x10, "path length" }, { 20, 0, "path length 0" } };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memcpy(c, b, sizeof c);
		c[bad[i].off] = bad[i].val;
		if (bad[i].off == 20)
			c[21] = 0;
		CHECK(sb_pack_hdr_decode(c, &g, err, sizeof err) == -1, "%s accepted", bad[i].what);
	}
	memcpy(c, b, sizeof c);
	c[0] = SB_PK_DIR;
	CHECK(sb_pack_hdr_decode(c, &g, err, sizeof err) == -1, "a directory with a size");
	h.type = SB_PK_SYMLINK;
	h.size = 5;
	sb_pack_hdr_encode(&h, c);
	c[40] = 1;
	CHECK(sb_pack_hdr_decode(c, &g, err, sizeof err) == -1, "a digest on a symlink");
}

static void
test_paths(void)
{
	static const char *const good[] = { "a", "payload", "payload/usr/bin/x", "a/.b", "a/..b",
		"check/1/argv" };
	static const char *const bad[] = { "", "/", "/etc", "a/", "a//b", ".", "..", "a/.", "a/..",
		"../a", "a/../b", "./a" };
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECK(sb_pack_path_ok(good[i], strlen(good[i])), "%s refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!sb_pack_path_ok(bad[i], strlen(bad[i])), "\"%s\" accepted", bad[i]);
	CHECK(!sb_pack_path_ok("a\0b", 3), "a NUL accepted");
	char deep[2 * (SB_PACK_DEPTH_MAX + 1)];
	for (int i = 0; i < SB_PACK_DEPTH_MAX + 1; i++) {
		deep[2 * i] = 'd';
		deep[2 * i + 1] = '/';
	}
	CHECK(!sb_pack_path_ok(deep, sizeof deep - 1), "257 components accepted");
	CHECK(sb_pack_path_ok(deep, sizeof deep - 3), "256 components refused");
}

/* --- archives built here */

struct buf {
	unsigned char *p;
	size_t n, cap;
	size_t nrec;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
rec(struct buf *b, enum sb_pack_type type, unsigned mode, const char *path, const char *data,
    size_t len)
{
	struct sb_pack_hdr h = { .type = type,
		.mode = mode,
		.sec = 1000000000 + (int64_t)b->nrec,
		.nsec = 123456789,
		.pathlen = (uint32_t)strlen(path),
		.size = len };
	unsigned char hb[SB_PACK_HDR_LEN];

	if (type == SB_PK_FILE) {
		struct sb_sha256 c;
		sb_sha256_init(&c);
		sb_sha256_update(&c, data, len);
		sb_sha256_final(&c, h.sha);
	}
	if (type == SB_PK_DIR)
		h.size = 0;
	sb_pack_hdr_encode(&h, hb);
	put(b, hb, sizeof hb);
	put(b, path, strlen(path));
	if (type != SB_PK_DIR)
		put(b, data, len);
	b->nrec++;
}

static void
end(struct buf *b)
{
	struct sb_pack_hdr h = { .type = SB_PK_END, .size = b->nrec };
	unsigned char hb[SB_PACK_HDR_LEN];

	sb_pack_hdr_encode(&h, hb);
	put(b, hb, sizeof hb);
}

#define HELLO "hello, world\n"
#define HELLO_SHA "853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020"

static const char manifest_text[] = "sidebundle-manifest\t1\nname\tt\nrun-mode\thost\n"
				    "entry\thello\t/usr/bin/hello\telf-static\t-\n"
				    "dir\t/usr\t0755\telf\n"
				    "dir\t/usr/bin\t0555\telf\n"
				    "file\t/usr/bin/hello\t0755\t13\t" HELLO_SHA "\telf\n"
				    "file\t/usr/bin/hello2\t0755\t13\t" HELLO_SHA "\telf\n"
				    "symlink\t/usr/bin/hi\thello\telf\n";

/* What may be changed in the good archive, for the bad ones. */
enum variant {
	V_GOOD,
	V_TRAVERSE,	   /* payload/../x */
	V_ABSOLUTE,	   /* /tmp/x */
	V_ORDER,	   /* two payload records swapped */
	V_MISSING,	   /* a payload record left out */
	V_EXTRA,	   /* a payload record the manifest lacks */
	V_MODE,		   /* a mode that differs from the manifest */
	V_SHA,		   /* bytes that differ from the header's digest */
	V_LINK_OUT,	   /* a hard link to a path outside the payload */
	V_LINK_LATER,	   /* a hard link to a file not yet extracted */
	V_NO_MANIFEST,	   /* payload/ first */
	V_DUP,		   /* check/ twice */
	V_BIN_LINK,	   /* bin/x -> /etc/passwd */
	V_TRAILING,	   /* bytes after the end record */
	V_COUNT,	   /* the end record's count wrong */
	V_TRUNC,	   /* the stream cut in a file's bytes */
	V_BAD_MANIFEST,	   /* manifest.lock that does not parse */
	V_HOSTILE_SYMLINK, /* payload/zz -> DIR, then payload/zz/evil */
	V_NVARIANTS
};

static void
build(struct buf *b, enum variant v, const char *outside)
{
	const char *man = manifest_text;
	char *m2 = NULL;

	memset(b, 0, sizeof *b);
	if (v == V_BAD_MANIFEST)
		man = "sidebundle-manifest\t1\nname\tt\n";
	if (v == V_HOSTILE_SYMLINK) {
		size_t len = strlen(man) + strlen(outside) + 200;
		m2 = malloc(len);
		snprintf(m2, len,
		    "%ssymlink\t/zz\t%s\tcopy\nfile\t/zz/evil\t0644\t1\t"
		    "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\tcopy\n",
		    man, outside);
		man = m2;
	}
	if (v != V_NO_MANIFEST)
		rec(b, SB_PK_FILE, 0644, "manifest.lock", man, strlen(man));
	rec(b, SB_PK_DIR, 0755, "payload", NULL, 0);
	if (v == V_TRAVERSE)
		rec(b, SB_PK_DIR, 0755, "payload/../x", NULL, 0);
	if (v == V_ABSOLUTE)
		rec(b, SB_PK_DIR, 0755, "/tmp/x", NULL, 0);
	rec(b, SB_PK_DIR, 0755, "payload/usr", NULL, 0);
	if (v == V_EXTRA)
		rec(b, SB_PK_DIR, 0755, "payload/usr/aaa", NULL, 0);
	if (v != V_ORDER)
		rec(b, SB_PK_DIR, v == V_MODE ? 0755 : 0555, "payload/usr/bin", NULL, 0);
	if (v != V_MISSING)
		rec(b, SB_PK_FILE, 0755, "payload/usr/bin/hello", HELLO, strlen(HELLO));
	if (v == V_ORDER)
		rec(b, SB_PK_DIR, 0555, "payload/usr/bin", NULL, 0);
	if (v == V_SHA) {
		size_t at = b->n;
		rec(b, SB_PK_FILE, 0755, "payload/usr/bin/hello2", HELLO, strlen(HELLO));
		b->p[at + SB_PACK_HDR_LEN + strlen("payload/usr/bin/hello2")] ^= 1;
	} else if (v == V_LINK_LATER) {
		rec(b, SB_PK_HARDLINK, 0755, "payload/usr/bin/hello2", "payload/usr/bin/hi", 18);
	} else {
		const char *t = v == V_LINK_OUT ? "check/format" : "payload/usr/bin/hello";
		rec(b, SB_PK_HARDLINK, 0755, "payload/usr/bin/hello2", t, strlen(t));
	}
	rec(b, SB_PK_SYMLINK, 0777, "payload/usr/bin/hi", "hello", 5);
	if (v == V_HOSTILE_SYMLINK) {
		rec(b, SB_PK_SYMLINK, 0777, "payload/zz", outside, strlen(outside));
		rec(b, SB_PK_FILE, 0644, "payload/zz/evil", "x", 1);
	}
	rec(b, SB_PK_DIR, 0755, "bin", NULL, 0);
	rec(b, SB_PK_FILE, 0755, "bin/.sidebundle-launcher", "ELF", 3);
	rec(b, SB_PK_SYMLINK, 0777, "bin/hello",
	    v == V_BIN_LINK ? "/etc/passwd" : ".sidebundle-launcher", v == V_BIN_LINK ? 11 : 20);
	rec(b, SB_PK_DIR, 0755, "check", NULL, 0);
	if (v == V_DUP)
		rec(b, SB_PK_DIR, 0755, "check", NULL, 0);
	rec(b, SB_PK_FILE, 0644, "check/format", "sidebundle-check 1\n", 19);
	if (v == V_TRUNC) {
		b->n -= 5;
	} else {
		if (v == V_COUNT)
			b->nrec++;
		end(b);
		if (v == V_TRAILING)
			put(b, "x", 1);
	}
	free(m2);
}

/* A source that hands out 1 to 13 bytes at a time. */
struct memsrc {
	struct sb_pack_src src;
	const unsigned char *p;
	size_t n, off, step;
};

static long
memnext(struct sb_pack_src *s, const unsigned char **p, size_t max, char *err, size_t errlen)
{
	struct memsrc *m = (struct memsrc *)s;
	size_t k = m->n - m->off;

	m->step = m->step % 13 + 1;
	if (k > m->step)
		k = m->step;
	if (k > max)
		k = max;
	*p = m->p + m->off;
	m->off += k;
	return (long)k;
}

static int
unpack_buf(const struct buf *b, const char *dir, struct sb_pack_result *res, char *err,
    size_t errlen)
{
	struct memsrc m = { .src.next = memnext, .p = b->p, .n = b->n };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = sb_pack_unpack(&m.src, fd, res, err, errlen);

	close(fd);
	return rc;
}

static void
test_unpack(const char *tmp)
{
	static const char *const want[V_NVARIANTS] = {
		[V_TRAVERSE] = "unsafe path \"payload/../x\"",
		[V_ABSOLUTE] = "unsafe path \"/tmp/x\"",
		[V_ORDER] = "manifest.lock has payload/usr/bin there",
		[V_MISSING] = "manifest.lock has payload/usr/bin/hello there",
		[V_EXTRA] = "manifest.lock has payload/usr/bin there",
		[V_MODE] = "differ from manifest.lock",
		[V_SHA] = "do not match the SHA-256 in its header",
		[V_LINK_OUT] = "not an earlier identical file",
		[V_LINK_LATER] = "not an earlier identical file",
		[V_NO_MANIFEST] = "does not start with manifest.lock",
		[V_DUP] = "check: File exists",
		[V_BIN_LINK] = "bin/hello: not what a bundle holds there",
		[V_TRAILING] = "data after the archive's end record",
		[V_COUNT] = "the end record counts",
		[V_TRUNC] = "truncated",
		[V_BAD_MANIFEST] = "manifest.lock: line",
		[V_HOSTILE_SYMLINK] = "payload/zz is not a directory",
	};
	char dir[PATH_MAX], outside[PATH_MAX], err[512];
	struct sb_pack_result res;
	struct buf b;
	struct stat st;

	snprintf(outside, sizeof outside, "%s/outside", tmp);
	CHECK(mkdir(outside, 0700) == 0, "mkdir %s", outside);
	for (int v = 0; v < V_NVARIANTS; v++) {
		snprintf(dir, sizeof dir, "%s/x%d", tmp, v);
		CHECK(mkdir(dir, 0700) == 0, "mkdir %s", dir);
		build(&b, (enum variant)v, outside);
		err[0] = '\0';
		int rc = unpack_buf(&b, dir, &res, err, sizeof err);
		if (v == V_GOOD) {
			CHECK(rc == 0, "the good archive: %s", err);
		} else {
			CHECK(rc == -1 && strstr(err, want[v]) != NULL,
			    "variant %d: rc %d \"%s\", want \"%s\"", v, rc, err, want[v]);
		}
		free(b.p);
	}
	CHECK(rmdir(outside) == 0, "nothing was made outside: %s", strerror(errno));

	/* the good one, exactly */
	snprintf(dir, sizeof dir, "%s/x0/payload/usr/bin/hello", tmp);
	struct stat st2;
	CHECK(lstat(dir, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0755 &&
		st.st_size == 13 && st.st_mtim.tv_sec == 1000000000 + 4 &&
		st.st_mtim.tv_nsec == 123456789,
	    "hello: mode, size, mtime");
	snprintf(dir, sizeof dir, "%s/x0/payload/usr/bin/hello2", tmp);
	CHECK(lstat(dir, &st2) == 0 && st2.st_ino == st.st_ino && st2.st_nlink == 2,
	    "hello2 is a hard link of hello");
	snprintf(dir, sizeof dir, "%s/x0/payload/usr/bin", tmp);
	CHECK(lstat(dir, &st) == 0 && (st.st_mode & 07777) == 0555 &&
		st.st_mtim.tv_sec == 1000000000 + 3,
	    "usr/bin: mode 0555 and its mtime kept after its files were made");
	snprintf(dir, sizeof dir, "%s/x0/payload/usr/bin/hi", tmp);
	char t[16] = "";
	CHECK(readlink(dir, t, sizeof t - 1) == 5 && strcmp(t, "hello") == 0 &&
		lstat(dir, &st) == 0 && st.st_mtim.tv_sec == 1000000000 + 6,
	    "hi -> hello, with its mtime");
	/* the key names the headers: the good archive's, again */
	build(&b, V_GOOD, outside);
	struct sb_sha256 k;
	unsigned char key[32];
	sb_sha256_init(&k);
	for (size_t off = 0; off < b.n;) {
		struct sb_pack_hdr h;
		sb_pack_hdr_decode(b.p + off, &h, err, sizeof err);
		size_t meta = SB_PACK_HDR_LEN + h.pathlen +
		    (h.type == SB_PK_SYMLINK || h.type == SB_PK_HARDLINK ? h.size : 0);
		sb_sha256_update(&k, b.p + off, meta);
		off += SB_PACK_HDR_LEN + h.pathlen + (h.type == SB_PK_DIR ? 0 : h.size);
	}
	sb_sha256_final(&k, key);
	free(b.p);
	snprintf(dir, sizeof dir, "%s/again", tmp);
	mkdir(dir, 0700);
	build(&b, V_GOOD, outside);
	CHECK(unpack_buf(&b, dir, &res, err, sizeof err) == 0 && memcmp(res.key, key, 32) == 0,
	    "the key is the SHA-256 of headers, paths and targets");
	CHECK(res.files == 5 && res.dirs == 5 && res.symlinks == 2 &&
		res.bytes == 13 + 3 + 19 + strlen(manifest_text),
	    "counts: %llu files, %llu dirs, %llu symlinks, %llu bytes",
	    (unsigned long long)res.files, (unsigned long long)res.dirs,
	    (unsigned long long)res.symlinks, (unsigned long long)res.bytes);
	free(b.p);
}

static void
test_rmtree(const char *tmp)
{
	char p[PATH_MAX];
	int fd = open(tmp, O_RDONLY | O_DIRECTORY);

	/* the extractions of test_unpack hold a 0555 directory */
	for (int v = 0; v < V_NVARIANTS; v++) {
		snprintf(p, sizeof p, "x%d", v);
		CHECK(sb_pack_rmtree(fd, p) == 0, "rmtree %s: %s", p, strerror(errno));
	}
	snprintf(p, sizeof p, "%s/locked", tmp);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/locked/in", tmp);
	mkdir(p, 0700);
	chmod(p, 0);
	snprintf(p, sizeof p, "%s/locked", tmp);
	chmod(p, 0500);
	CHECK(sb_pack_rmtree(fd, "locked") == 0 && sb_pack_rmtree(fd, "again") == 0,
	    "rmtree of 0500 and 0000 directories: %s", strerror(errno));
	CHECK(sb_pack_rmtree(fd, "nothing-here") == 0, "rmtree of nothing");
	close(fd);
}

int
main(void)
{
	char tmp[] = "/tmp/sbpack-unit.XXXXXX";

	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_sha256();
	test_trailer();
	test_hdr();
	test_paths();
	test_unpack(tmp);
	test_rmtree(tmp);
	CHECK(rmdir(tmp) == 0, "everything removed: %s", strerror(errno));
	printf("pack: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
