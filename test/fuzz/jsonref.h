/*
 * A second JSON reader, for the oracles of the fuzz targets of the image
 * documents (ojson.c, oci.c): RFC 8259 read strictly, written apart from
 * SQLite's so the two can be held against each other.  Strings are kept
 * two ways: as SQLite decodes them (\u escapes to UTF-8, a lone
 * surrogate in its 3-byte form, other bytes as they are) and whether
 * their text held an escape at all.
 *
 * What Go's encoding/json, which wrote and reads most images, makes of
 * an object's keys is modelled in jr_go_conflict(): a key binds to a
 * struct field when the two are equal ignoring ASCII case (U+017F and
 * U+212A fold to 's' and 'k' too), a map's keys are taken exactly.
 */
#ifndef SB_FUZZ_JSONREF_H
#define SB_FUZZ_JSONREF_H

#include <stdlib.h>
#include <string.h>

enum jr_type { JR_NULL, JR_FALSE, JR_TRUE, JR_NUM, JR_STR, JR_ARR, JR_OBJ };

/* Deeper than this is not judged (SQLite's own limit is 2000). */
#define JR_DEPTH 500

struct jr {
	enum jr_type type;
	char *s;	/* JR_STR: decoded; JR_NUM: its text */
	size_t len;	/* of s */
	int escaped;	/* JR_STR: its text held a backslash */
	struct jr *kid; /* JR_ARR, JR_OBJ: the first element */
	struct jr *next;
	struct jr *key; /* in a JR_OBJ: this member's key (a JR_STR) */
};

struct jr_in {
	const char *p, *end;
	int deep; /* JR_DEPTH passed */
};

static inline void
jr_free(struct jr *v)
{
	while (v != NULL) {
		struct jr *n = v->next;
		jr_free(v->kid);
		jr_free(v->key);
		free(v->s);
		free(v);
		v = n;
	}
}

static inline void
jr_ws(struct jr_in *in)
{
	while (in->p < in->end &&
	    (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' || *in->p == '\r'))
		in->p++;
}

static inline int
jr_hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static inline size_t
jr_utf8(unsigned c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static inline struct jr *
jr_new(enum jr_type t)
{
	struct jr *v = calloc(1, sizeof *v);

	if (v == NULL)
		abort();
	v->type = t;
	return v;
}

/* A string; in->p at its opening quote. */
static inline struct jr *
jr_string(struct jr_in *in)
{
	const char *p = in->p + 1;
	/* decoded it is never longer than its text */
	char *o = malloc((size_t)(in->end - p) + 1);
	size_t n = 0;
	int esc = 0;

	if (o == NULL)
		abort();
	for (;;) {
		if (p == in->end || (unsigned char)*p < 0x20) {
			free(o);
			return NULL;
		}
		if (*p == '"')
			break;
		if (*p != '\\') {
			o[n++] = *p++;
			continue;
		}
		esc = 1;
		if (++p == in->end) {
			free(o);
			return NULL;
		}
		const char *simple = strchr("\"\\/bfnrt", *p);
		if (*p != '\0' && simple != NULL) {
			o[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			p++;
			continue;
		}
		unsigned c, c2;
		if (*p != 'u' || jr_hex4(p + 1, in->end, &c) < 0) {
			free(o);
			return NULL;
		}
		p += 5;
		/* a pair combined, a lone surrogate encoded as it is */
		if (c >= 0xd800 && c <= 0xdbff && in->end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
		    jr_hex4(p + 2, in->end, &c2) == 0 && c2 >= 0xdc00 && c2 <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
			p += 6;
		}
		n += jr_utf8(c, o + n);
	}
	struct jr *v = jr_new(JR_STR);
	o[n] = '\0';
	v->s = o;
	v->len = n;
	v->escaped = esc;
	in->p = p + 1;
	return v;
}

static inline int
jr_digits(struct jr_in *in)
{
	const char *s = in->p;

	while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
		in->p++;
	return in->p > s ? 0 : -1;
}

static inline struct jr *
jr_number(struct jr_in *in)
{
	const char *s = in->p;
	int integer = 1;

	if (in->p < in->end && *in->p == '-')
		in->p++;
	if (in->p < in->end && *in->p == '0')
		in->p++;
	else if (jr_digits(in) < 0)
		return NULL;
	if (in->p < in->end && *in->p == '.') {
		in->p++;
		integer = 0;
		if (jr_digits(in) < 0)
			return NULL;
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		in->p++;
		integer = 0;
		if (in->p < in->end && (*in->p == '+' || *in->p == '-'))
			in->p++;
		if (jr_digits(in) < 0)
			return NULL;
	}
	struct jr *v = jr_new(JR_NUM);
	v->len = (size_t)(in->p - s);
	if ((v->s = strndup(s, v->len)) == NULL)
		abort();
	v->escaped = !integer; /* for a number: "not an integer" */
	return v;
}

static inline struct jr *jr_value(struct jr_in *in, int depth);

static inline int
jr_word(struct jr_in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n) != 0)
		return -1;
	in->p += n;
	return 0;
}

/* An array or an object; in->p at its bracket. */
static inline struct jr *
jr_container(struct jr_in *in, int depth)
{
	int obj = *in->p == '{';
	struct jr *v = jr_new(obj ? JR_OBJ : JR_ARR), **tail = &v->kid;

	in->p++;
	jr_ws(in);
	if (in->p < in->end && *in->p == (obj ? '}' : ']')) {
		in->p++;
		return v;
	}
	for (;;) {
		struct jr *key = NULL, *e;
		jr_ws(in);
		if (obj) {
			if (in->p == in->end || *in->p != '"' || (key = jr_string(in)) == NULL)
				goto bad;
			jr_ws(in);
			if (in->p == in->end || *in->p != ':') {
				jr_free(key);
				goto bad;
			}
			in->p++;
		}
		if ((e = jr_value(in, depth + 1)) == NULL) {
			jr_free(key);
			goto bad;
		}
		e->key = key;
		*tail = e;
		tail = &e->next;
		jr_ws(in);
		if (in->p < in->end && *in->p == ',') {
			in->p++;
			continue;
		}
		if (in->p < in->end && *in->p == (obj ? '}' : ']')) {
			in->p++;
			return v;
		}
		goto bad;
	}
bad:
	jr_free(v);
	return NULL;
}

static inline struct jr *
jr_value(struct jr_in *in, int depth)
{
	if (depth > JR_DEPTH) {
		in->deep = 1;
		return NULL;
	}
	jr_ws(in);
	if (in->p == in->end)
		return NULL;
	switch (*in->p) {
	case '{':
	case '[':
		return jr_container(in, depth);
	case '"':
		return jr_string(in);
	case 't':
		return jr_word(in, "true") == 0 ? jr_new(JR_TRUE) : NULL;
	case 'f':
		return jr_word(in, "false") == 0 ? jr_new(JR_FALSE) : NULL;
	case 'n':
		return jr_word(in, "null") == 0 ? jr_new(JR_NULL) : NULL;
	default:
		return jr_number(in);
	}
}

/* doc[0..n) as one JSON value: 1 with *out, 0 not JSON, -1 too deep to
 * judge. */
static inline int
jr_parse(const char *doc, size_t n, struct jr **out)
{
	struct jr_in in = { doc, doc + n, 0 };
	struct jr *v = jr_value(&in, 0);

	*out = NULL;
	if (v != NULL) {
		jr_ws(&in);
		if (in.p == in.end) {
			*out = v;
			return 1;
		}
		jr_free(v);
	}
	return in.deep ? -1 : 0;
}

/* Member key of object o, compared as SQLite's path lookup does (its
 * text, escapes and all: a key written with an escape is found by no
 * plain path), or NULL. */
static inline const struct jr *
jr_member(const struct jr *o, const char *key)
{
	if (o == NULL || o->type != JR_OBJ)
		return NULL;
	for (const struct jr *e = o->kid; e != NULL; e = e->next)
		if (!e->key->escaped && strcmp(e->key->s, key) == 0 &&
		    strlen(e->key->s) == e->key->len)
			return e;
	return NULL;
}

/* Go's fold of a byte string into buf (at most len bytes): ASCII
 * letters to lower case, U+017F to 's' and U+212A to 'k', the only
 * non-ASCII runes Go's case folding maps onto ASCII. */
static inline size_t
jr_fold(const char *s, size_t n, char *buf)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z') {
			buf[o++] = (char)(c - 'A' + 'a');
		} else if (c == 0xc5 && i + 1 < n && (unsigned char)s[i + 1] == 0xbf) {
			buf[o++] = 's';
			i++;
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x84 &&
		    (unsigned char)s[i + 2] == 0xaa) {
			buf[o++] = 'k';
			i += 2;
		} else {
			buf[o++] = (char)c;
		}
	}
	return o;
}

/* The members of an object that is the value of one of these keys are
 * a Go map's: taken exactly. */
static inline int
jr_is_map_key(const struct jr *key)
{
	static const char *const maps[] = { "annotations", "Labels", "ExposedPorts", "Volumes",
		"LayerSources" };

	if (key == NULL || key->escaped)
		return 0;
	for (size_t i = 0; i < sizeof maps / sizeof *maps; i++)
		if (strcmp(key->s, maps[i]) == 0)
			return 1;
	return 0;
}

/* The field names the image code reads, and the one map key. */
static const char *const jr_fields[] = { "schemaVersion", "mediaType", "manifests", "config",
	"layers", "digest", "size", "annotations", "platform", "os", "architecture", "rootfs",
	"type", "diff_ids", "Entrypoint", "Cmd", "Env", "WorkingDir", "User", "Config", "Layers",
	"RepoTags", "imageLayoutVersion" };
#define JR_REF_NAME "org.opencontainers.image.ref.name"

/* The key as SQLite's json_tree gives it: cut at a NUL from "\u0000". */
static inline size_t
jr_keylen(const struct jr *k)
{
	return strlen(k->s);
}

/* Key k of an object, folded as Go matches struct fields (map: kept as
 * it is) into a new buffer of *len bytes. */
static inline char *
jr_keyform(const struct jr *k, int map, size_t *len)
{
	char *b = malloc(k->len + 1);

	if (b == NULL)
		abort();
	if (map) {
		*len = jr_keylen(k);
		memcpy(b, k->s, *len);
	} else {
		*len = jr_fold(k->s, jr_keylen(k), b);
	}
	return b;
}

/* Does Go bind key k, of an object that is no map, to a name the image
 * code reads, when a plain path for that name does not find it? */
static inline int
jr_field_hidden(const struct jr *k, const char *fk, size_t fl)
{
	int fold = 0, exact = 0;

	for (size_t i = 0; i < sizeof jr_fields / sizeof *jr_fields; i++) {
		const char *n = jr_fields[i];
		char fn[32];
		size_t nl = jr_fold(n, strlen(n), fn);
		if (nl == fl && memcmp(fn, fk, fl) == 0) {
			fold = 1;
			exact |= jr_keylen(k) == strlen(n) && memcmp(k->s, n, nl) == 0;
		}
	}
	return fold && (k->escaped || !exact);
}

/*
 * Would Go read object v (a map when map is set) otherwise than SQLite
 * does, for what the image code reads?  Two keys that are one to Go
 * (taken as SQLite's json_tree gives them, so a key cut at a NUL counts
 * too: stricter, never looser), or a key that Go binds to a name read
 * and a plain path does not find.  1 when some object in v does.
 */
static inline int
jr_go_conflict(const struct jr *v, int map)
{
	if (v == NULL || (v->type != JR_OBJ && v->type != JR_ARR))
		return 0;
	for (const struct jr *e = v->kid; e != NULL; e = e->next) {
		if (jr_go_conflict(e, v->type == JR_OBJ && jr_is_map_key(e->key)))
			return 1;
		if (v->type != JR_OBJ)
			continue;
		size_t fl, gl;
		char *fa = jr_keyform(e->key, map, &fl);
		int bad = 0;
		for (const struct jr *f = v->kid; f != e && !bad; f = f->next) {
			char *fb = jr_keyform(f->key, map, &gl);
			bad = gl == fl && memcmp(fa, fb, fl) == 0;
			free(fb);
		}
		if (map)
			bad |= e->key->escaped && strcmp(e->key->s, JR_REF_NAME) == 0;
		else
			bad |= jr_field_hidden(e->key, fa, fl);
		free(fa);
		if (bad)
			return 1;
	}
	return 0;
}

/* A string or key of v holds a NUL (from "\u0000"). */
static inline int
jr_has_nul(const struct jr *v)
{
	for (; v != NULL; v = v->next)
		if ((v->type == JR_STR && strlen(v->s) != v->len) ||
		    (v->key != NULL && strlen(v->key->s) != v->key->len) || jr_has_nul(v->kid))
			return 1;
	return 0;
}

/* Two keys of one object that SQLite's json_tree gives alike. */
static inline int
jr_sqlite_dup(const struct jr *v)
{
	if (v == NULL || (v->type != JR_OBJ && v->type != JR_ARR))
		return 0;
	for (const struct jr *e = v->kid; e != NULL; e = e->next) {
		if (jr_sqlite_dup(e))
			return 1;
		if (v->type != JR_OBJ)
			continue;
		for (const struct jr *f = v->kid; f != e; f = f->next)
			if (strcmp(f->key->s, e->key->s) == 0)
				return 1;
	}
	return 0;
}

#endif
