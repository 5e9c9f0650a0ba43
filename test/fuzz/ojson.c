/*
 * Fuzz target: bundler/ojson.c, the JSON of an image's documents read
 * through SQLite, fed any bytes (an image is anyone's).  Held against a
 * second reader (jsonref.h): ojson_check must accept exactly the JSON
 * objects in which SQLite and Go would read the same thing (no key
 * twice, none that Go binds to a field and SQLite's path would miss, no
 * string that SQLite cuts at a NUL),
 * and what the getters return for the fields the image code reads must
 * be what the document says, with the types the getters promise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"
#include "jsonref.h"
#include "ojson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "ojson fuzz: " __VA_ARGS__);                                       \
		fprintf(stderr, "\n");                                                             \
		abort();                                                                           \
	} while (0)

enum get { G_TEXT, G_INT, G_STRS, G_ELEMS, G_OBJECT };

/* The fields the image code reads (oci.c, image.c), by path and by the
 * keys that lead there. */
static const struct field {
	const char *path;
	enum get get;
	const char *keys[3];
} fields[] = {
	{ "$.mediaType", G_TEXT, { "mediaType" } },
	{ "$.digest", G_TEXT, { "digest" } },
	{ "$.size", G_INT, { "size" } },
	{ "$.schemaVersion", G_INT, { "schemaVersion" } },
	{ "$.manifests", G_ELEMS, { "manifests" } },
	{ "$.layers", G_ELEMS, { "layers" } },
	{ "$.config", G_OBJECT, { "config" } },
	{ "$.annotations.\"" JR_REF_NAME "\"", G_TEXT, { "annotations", JR_REF_NAME } },
	{ "$.platform.os", G_TEXT, { "platform", "os" } },
	{ "$.rootfs.diff_ids", G_STRS, { "rootfs", "diff_ids" } },
	{ "$.config.Entrypoint", G_STRS, { "config", "Entrypoint" } },
	{ "$.config.Env", G_STRS, { "config", "Env" } },
	{ "$.config.WorkingDir", G_TEXT, { "config", "WorkingDir" } },
	{ "$.RepoTags", G_STRS, { "RepoTags" } },
	{ "$.Layers", G_STRS, { "Layers" } },
};

static struct ojson J;

static const struct jr *
lookup(const struct jr *v, const char *const *keys)
{
	for (size_t i = 0; i < 3 && keys[i] != NULL && v != NULL; i++)
		v = jr_member(v, keys[i]);
	return v;
}

/* A string the getters can return: no NUL inside. */
static int
plain(const struct jr *s)
{
	return strlen(s->s) == s->len;
}

static void check_doc(const char *doc, size_t size, int depth);

/* What ojson_* returned for f against what the document holds there. */
static void
check_field(const char *doc, const struct field *f, const struct jr *x, int depth)
{
	char *s = NULL, **v = NULL;
	int64_t n = 0;
	size_t k = 0;
	int rc, want;

	/* 0 absent or null, 1 the type, -1 another type */
	want = x == NULL || x->type == JR_NULL ? 0 : -1;
	switch (f->get) {
	case G_TEXT:
		rc = ojson_text(&J, doc, f->path, &s);
		if (want == -1 && x->type == JR_STR)
			want = plain(x) ? 1 : -1;
		if (rc != want || (rc == 1 && strcmp(s, x->s) != 0))
			FAIL("%s: text %d \"%s\", want %d \"%s\"", f->path, rc, s ? s : "", want,
			    want == 1 ? x->s : "");
		free(s);
		break;
	case G_INT:
		rc = ojson_int(&J, doc, f->path, &n);
		if (want == -1 && x->type == JR_NUM && !x->escaped) {
			char *end;
			errno = 0;
			long long w = strtoll(x->s, &end, 10);
			want = errno == 0 && *end == '\0' ? 1 : -1;
			if (rc == 1 && n != w)
				FAIL("%s: %lld, want %s", f->path, (long long)n, x->s);
		}
		if (rc != want)
			FAIL("%s: int %d, want %d", f->path, rc, want);
		break;
	case G_STRS:
	case G_ELEMS:
		rc = f->get == G_STRS ? ojson_strs(&J, doc, f->path, &v, &k)
				      : ojson_elems(&J, doc, f->path, &v, &k);
		if (want == -1 && x->type == JR_ARR) {
			want = 1;
			for (const struct jr *e = x->kid; e != NULL; e = e->next)
				if (f->get == G_STRS && (e->type != JR_STR || !plain(e)))
					want = -1;
		}
		if (rc != want)
			FAIL("%s: array %d, want %d", f->path, rc, want);
		if (rc != 1)
			break;
		const struct jr *e = x->kid;
		for (size_t i = 0; i < k; i++, e = e->next) {
			if (e == NULL)
				FAIL("%s: more elements than the document has", f->path);
			if (f->get == G_STRS && strcmp(v[i], e->s) != 0)
				FAIL("%s[%zu]: \"%s\", want \"%s\"", f->path, i, v[i], e->s);
			/* a descriptor handed on is checked as a document of its own */
			if (f->get == G_ELEMS && e->type == JR_OBJ)
				check_doc(v[i], strlen(v[i]), depth + 1);
		}
		if (e != NULL || v[k] != NULL)
			FAIL("%s: %zu elements, not NULL-terminated or too few", f->path, k);
		words_free(v, k);
		break;
	case G_OBJECT:
		rc = ojson_object(&J, doc, f->path, &s);
		if (want == -1 && x->type == JR_OBJ)
			want = 1;
		if (rc != want)
			FAIL("%s: object %d, want %d", f->path, rc, want);
		if (rc == 1)
			check_doc(s, strlen(s), depth + 1);
		free(s);
		break;
	}
}

/* doc is accepted exactly when it is a JSON object that SQLite and Go
 * read alike; then every field read is what it holds. */
static void
check_doc(const char *doc, size_t size, int depth)
{
	char err[512], type[16];
	struct jr *v;
	int rc = ojson_check(&J, doc, size, err, sizeof err);
	int r = jr_parse(doc, size, &v);

	if (r < 0)
		return; /* too deep for the second reader to judge */
	int good = r == 1 && memchr(doc, '\0', size) == NULL && v->type == JR_OBJ &&
	    !jr_has_nul(v) && !jr_sqlite_dup(v) && !jr_go_conflict(v, 0);
	if (rc == 0 && !good)
		FAIL("accepted, but %s: %.*s",
		    r == 0		    ? "not JSON"
			: v->type != JR_OBJ ? "not an object"
			: jr_has_nul(v)	    ? "a NUL in a string"
			: jr_sqlite_dup(v)  ? "a key twice"
					    : "Go would read it otherwise",
		    (int)(size < 300 ? size : 300), doc);
	if (rc < 0 && good)
		FAIL("refused (%s): %.*s", err, (int)(size < 300 ? size : 300), doc);
	if (rc == 0 && depth < 3) {
		if (ojson_type(&J, doc, "$", type, sizeof type) < 0 || strcmp(type, "object") != 0)
			FAIL("accepted, and its type is \"%s\"", type);
		for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
			check_field(doc, &fields[i], lookup(v, fields[i].keys), depth);
	}
	jr_free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *doc = malloc(size + 1);

	if (doc == NULL)
		abort();
	if (J.db == NULL && ojson_open(&J) < 0)
		abort();
	memcpy(doc, data, size);
	doc[size] = '\0';
	check_doc(doc, size, 0);
	free(doc);
	return 0;
}
