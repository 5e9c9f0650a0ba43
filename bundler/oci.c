/*
 * Image references and their documents: see oci.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "words.h"
#include "fdio.h"
#include "oci.h"
#include "ojson.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define REF_NAME "$.annotations.\"org.opencontainers.image.ref.name\""
/* An index may name an index: this deep at most. */
#define INDEX_DEPTH 4

static const struct {
	const char *type;
	enum layer_comp comp;
} layer_types[] = {
	{ "application/vnd.oci.image.layer.v1.tar", LC_NONE },
	{ "application/vnd.oci.image.layer.v1.tar+gzip", LC_GZIP },
	{ "application/vnd.oci.image.layer.v1.tar+zstd", LC_ZSTD },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar", LC_NONE },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", LC_GZIP },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", LC_ZSTD },
	{ "application/vnd.docker.image.rootfs.diff.tar", LC_NONE },
	{ "application/vnd.docker.image.rootfs.diff.tar.gzip", LC_GZIP },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", LC_GZIP },
};

struct desc {
	char *mt;
	char hex[65];
	uint64_t size;
};

const char *
oci_host_arch(void)
{
	static const char *const map[][2] = { { "x86_64", "amd64" }, { "aarch64", "arm64" },
		{ "i686", "386" }, { "i386", "386" }, { "armv7l", "arm" }, { "ppc64le", "ppc64le" },
		{ "s390x", "s390x" }, { "riscv64", "riscv64" } };
	static struct utsname u;

	if (u.machine[0] == '\0' && uname(&u) < 0)
		return "unknown";
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcmp(u.machine, map[i][0]) == 0)
			return map[i][1];
	return u.machine;
}

int
oci_ref_parse(const char *ref, enum oci_transport *t, char **path, char **tag, char *err,
    size_t errlen)
{
	static const struct {
		const char *prefix;
		enum oci_transport t;
	} tr[] = { { "oci:", OT_OCI }, { "oci-archive:", OT_OCI_ARCHIVE },
		{ "docker-archive:", OT_DOCKER_ARCHIVE } };
	size_t i;

	*path = *tag = NULL;
	for (i = 0; i < sizeof tr / sizeof *tr; i++)
		if (strncmp(ref, tr[i].prefix, strlen(tr[i].prefix)) == 0)
			break;
	if (i == sizeof tr / sizeof *tr)
		return sb_say(err, errlen,
		    "%s: want oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:REF] "
		    "(no registry is ever contacted)",
		    ref);
	*t = tr[i].t;
	/* DIR or FILE ends at the first ':', as skopeo reads it */
	const char *p = ref + strlen(tr[i].prefix), *colon = strchr(p, ':');
	size_t pl = colon ? (size_t)(colon - p) : strlen(p);
	if (pl == 0)
		return sb_say(err, errlen, "%s: no %s", ref, *t == OT_OCI ? "directory" : "file");
	if ((*path = strndup(p, pl)) == NULL || (colon && (*tag = strdup(colon + 1)) == NULL)) {
		free(*path);
		*path = NULL;
		return sb_say(err, errlen, "%s", strerror(errno));
	}
	if (*tag && **tag == '\0') {
		free(*tag);
		*tag = NULL;
	}
	return 0;
}

static int
is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* "sha256:HEX" into hex; -1 for anything else. */
static int
digest_hex(const char *d, char hex[65])
{
	if (strncmp(d, "sha256:", 7) != 0 || !is_hex64(d + 7))
		return -1;
	memcpy(hex, d + 7, 65);
	return 0;
}

static void
desc_free(struct desc *d)
{
	free(d->mt);
	d->mt = NULL;
}

/* A descriptor object: mediaType, digest, size, all required. */
static int
desc_parse(struct ojson *j, const char *doc, const char *what, struct desc *d, char *err,
    size_t errlen)
{
	char *dg = NULL;
	int64_t size = -1;

	memset(d, 0, sizeof *d);
	if (ojson_text(j, doc, "$.mediaType", &d->mt) != 1)
		return sb_say(err, errlen, "%s: no mediaType", what);
	int rc = ojson_text(j, doc, "$.digest", &dg);
	if (rc != 1 || digest_hex(dg, d->hex) < 0) {
		sb_say(err, errlen, "%s: digest %s: want sha256:<64 hex digits>", what,
		    dg ? dg : "missing");
		free(dg);
		desc_free(d);
		return -1;
	}
	free(dg);
	if (ojson_int(j, doc, "$.size", &size) != 1 || size < 0) {
		desc_free(d);
		return sb_say(err, errlen, "%s: no size", what);
	}
	d->size = (uint64_t)size;
	return 0;
}

static int
is_index_type(const char *mt)
{
	return strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0;
}

static int
is_manifest_type(const char *mt)
{
	return strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0;
}

static int
is_config_type(const char *mt)
{
	return strcmp(mt, MT_OCI_CONFIG) == 0 || strcmp(mt, MT_DOCKER_CONFIG) == 0;
}

/*
 * Read the blob d names, check its size and digest, and that it is a
 * JSON document of the kind its descriptor says (CVE-2021-41190: a
 * document that could be read as an index and as a manifest is
 * refused).
 */
static int
load_doc(struct oci_image *im, struct ojson *j, const struct desc *d, char **doc, char *err,
    size_t errlen)
{
	char name[80], hex[65], why[256], *mt = NULL, type[16];
	size_t len;
	int64_t schema = 0;

	*doc = NULL;
	if (d->size > OCI_DOC_MAX)
		return sb_say(err, errlen, "sha256:%s: a %s of %llu bytes: larger than %u", d->hex,
		    d->mt, (unsigned long long)d->size, OCI_DOC_MAX);
	snprintf(name, sizeof name, "blobs/sha256/%s", d->hex);
	if (imgsrc_slurp(&im->src, name, d->size, doc, &len, hex, err, errlen) < 0)
		return -1;
	if (len != d->size || strcmp(hex, d->hex) != 0) {
		sb_say(err, errlen,
		    "%s: %s (its descriptor says %llu bytes, sha256:%s; it has %zu bytes, sha256:%s)",
		    name, len != d->size ? "wrong size" : "wrong digest",
		    (unsigned long long)d->size, d->hex, len, hex);
		goto fail;
	}
	if (ojson_check(j, *doc, len, why, sizeof why) < 0) {
		sb_say(err, errlen, "%s (%s): %s", name, d->mt, why);
		goto fail;
	}
	if (is_config_type(d->mt))
		return 0;
	if (ojson_int(j, *doc, "$.schemaVersion", &schema) != 1 || schema != 2) {
		sb_say(err, errlen, "%s: schemaVersion is not 2", name);
		goto fail;
	}
	/* the document's own media type, when it gives one, must agree */
	int rc = ojson_text(j, *doc, "$.mediaType", &mt);
	if (rc < 0 || (rc == 1 && strcmp(mt, d->mt) != 0)) {
		sb_say(err, errlen, "%s: the descriptor says %s, the document says %s", name, d->mt,
		    rc == 1 ? mt : "a mediaType that is not a string");
		goto fail;
	}
	static const char *const index_only[] = { "$.manifests" };
	static const char *const manifest_only[] = { "$.config", "$.layers" };
	const char *const *bad = is_index_type(d->mt) ? manifest_only : index_only;
	size_t nbad = is_index_type(d->mt) ? 2 : 1;
	for (size_t i = 0; i < nbad; i++) {
		if (ojson_type(j, *doc, bad[i], type, sizeof type) < 0 || type[0] != '\0') {
			sb_say(err, errlen, "%s: %s with a \"%s\" field: it could be read as %s",
			    name, is_index_type(d->mt) ? "an index" : "a manifest", bad[i] + 2,
			    is_index_type(d->mt) ? "a manifest" : "an index");
			goto fail;
		}
	}
	free(mt);
	return 0;
fail:
	free(mt);
	free(*doc);
	*doc = NULL;
	return -1;
}

/* The tags of an index's manifests, for a message. */
static void
list_tags(struct ojson *j, char **m, size_t n, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *tag = NULL;
		if (ojson_text(j, m[i], REF_NAME, &tag) == 1)
			/* past the end: counted, not written, and no pointer
			 * made beyond the buffer */
			o += (size_t)snprintf(o < len ? out + o : NULL, o < len ? len - o : 0,
			    "%s%s", o ? ", " : "", tag);
		free(tag);
	}
	if (o == 0)
		snprintf(out, len, "none");
}

/* Does descriptor m's platform, when it has one, run here? */
static int
platform_ok(struct ojson *j, const char *m)
{
	char *os = NULL, *arch = NULL;
	int ok = 1;

	if (ojson_text(j, m, "$.platform.os", &os) == 1 && strcmp(os, "linux") != 0)
		ok = 0;
	if (ojson_text(j, m, "$.platform.architecture", &arch) == 1 &&
	    strcmp(arch, oci_host_arch()) != 0)
		ok = 0;
	free(os);
	free(arch);
	return ok;
}

/*
 * Choose the manifest of an index: the one tagged tag (top level only),
 * else the only one, and among several the one for this platform; an
 * index found there is chosen from again.  d gets the manifest's
 * descriptor, *manifest the document.
 */
static int
choose(struct oci_image *im, struct ojson *j, const char *index, const char *tag, int depth,
    struct desc *d, char **manifest, char *err, size_t errlen)
{
	char **m = NULL, tags[512];
	size_t n = 0, pick = 0, found = 0;
	int rc = -1;

	if (ojson_elems(j, index, "$.manifests", &m, &n) != 1)
		return sb_say(err, errlen, "its index has no manifests array");
	for (size_t i = 0; i < n; i++) {
		char *t = NULL;
		int has = ojson_text(j, m[i], REF_NAME, &t) == 1;
		int match = tag ? has && strcmp(t, tag) == 0 : (n == 1 || platform_ok(j, m[i]));
		free(t);
		if (match) {
			if (found++ == 0)
				pick = i;
		}
	}
	if (found != 1) {
		list_tags(j, m, n, tags, sizeof tags);
		if (found == 0 && tag)
			sb_say(err, errlen, "no manifest tagged %s (tags: %s)", tag, tags);
		else if (found == 0)
			sb_say(err, errlen, "no manifest for linux/%s", oci_host_arch());
		else
			sb_say(err, errlen, "%zu manifests%s: name one by its tag (tags: %s)",
			    found, tag ? " with that tag" : "", tags);
		goto out;
	}
	char what[64];
	snprintf(what, sizeof what, "manifests[%zu]", pick);
	if (desc_parse(j, m[pick], what, d, err, errlen) < 0)
		goto out;
	if (!is_index_type(d->mt) && !is_manifest_type(d->mt)) {
		sb_say(err, errlen, "%s: media type %s: not a manifest or an index", what, d->mt);
		goto fail;
	}
	char *doc = NULL;
	if (load_doc(im, j, d, &doc, err, errlen) < 0)
		goto fail;
	if (is_manifest_type(d->mt)) {
		*manifest = doc;
		rc = 0;
		goto out;
	}
	if (depth >= INDEX_DEPTH) {
		free(doc);
		sb_say(err, errlen, "indexes nested more than %d deep", INDEX_DEPTH);
		goto fail;
	}
	desc_free(d);
	rc = choose(im, j, doc, NULL, depth + 1, d, manifest, err, errlen);
	free(doc);
	goto out;
fail:
	desc_free(d);
out:
	words_free(m, n);
	return rc;
}

static int
load_config_layers(struct oci_image *im, struct ojson *j, char *err, size_t errlen)
{
	char **ids = NULL, *type = NULL;
	size_t nids = 0;
	int rc = -1;

	/* im->config has passed ojson_check: load_doc's, or open_docker's */
	if (ojson_text(j, im->config, "$.rootfs.type", &type) != 1 || strcmp(type, "layers") != 0 ||
	    ojson_strs(j, im->config, "$.rootfs.diff_ids", &ids, &nids) != 1) {
		sb_say(err, errlen, "its config has no rootfs of type layers with diff_ids");
		goto out;
	}
	if (nids != im->nlayers) {
		sb_say(err, errlen, "its config lists %zu diff_ids for %zu layers", nids,
		    im->nlayers);
		goto out;
	}
	for (size_t i = 0; i < nids; i++) {
		if (digest_hex(ids[i], im->layers[i].diff_id) < 0) {
			sb_say(err, errlen, "its config: diff_id %s: want sha256:<64 hex digits>",
			    ids[i]);
			goto out;
		}
	}
	char *os = NULL;
	if (ojson_text(j, im->config, "$.os", &os) == 1 && strcmp(os, "linux") != 0) {
		sb_say(err, errlen, "an image for %s, not linux", os);
		free(os);
		goto out;
	}
	free(os);
	rc = 0;
out:
	free(type);
	words_free(ids, nids);
	return rc;
}

static int
set_layers(struct oci_image *im, size_t n)
{
	im->layers = calloc(n ? n : 1, sizeof *im->layers);
	if (im->layers == NULL)
		return -1;
	im->nlayers = n;
	return 0;
}

static int
open_layout(struct oci_image *im, struct ojson *j, char *err, size_t errlen)
{
	char *layout = NULL, *index = NULL, *version = NULL, *manifest = NULL, *cfg = NULL;
	char hex[65], why[256], type[16], **layers = NULL, *mt = NULL;
	size_t len, nlayers = 0;
	struct desc md = { 0 }, cd = { 0 };
	int rc = -1;

	if (imgsrc_slurp(&im->src, "oci-layout", 4096, &layout, &len, hex, err, errlen) < 0)
		goto out;
	if (ojson_check(j, layout, len, why, sizeof why) < 0 ||
	    ojson_text(j, layout, "$.imageLayoutVersion", &version) != 1 ||
	    strcmp(version, "1.0.0") != 0) {
		sb_say(err, errlen, "oci-layout: not an OCI image layout of version 1.0.0");
		goto out;
	}
	if (imgsrc_slurp(&im->src, "index.json", OCI_DOC_MAX, &index, &len, hex, err, errlen) < 0)
		goto out;
	if (ojson_check(j, index, len, why, sizeof why) < 0) {
		sb_say(err, errlen, "index.json: %s", why);
		goto out;
	}
	int r = ojson_text(j, index, "$.mediaType", &mt);
	if (r < 0 || (r == 1 && !is_index_type(mt)) ||
	    ojson_type(j, index, "$.layers", type, sizeof type) < 0 || type[0] != '\0' ||
	    ojson_type(j, index, "$.config", type, sizeof type) < 0 || type[0] != '\0') {
		sb_say(err, errlen, "index.json: not an image index");
		goto out;
	}
	if (choose(im, j, index, im->tag, 0, &md, &manifest, err, errlen) < 0)
		goto out;
	snprintf(im->digest, sizeof im->digest, "sha256:%s", md.hex);
	if (ojson_object(j, manifest, "$.config", &cfg) != 1) {
		sb_say(err, errlen, "its manifest has no config");
		goto out;
	}
	if (desc_parse(j, cfg, "its manifest's config", &cd, err, errlen) < 0)
		goto out;
	if (!is_config_type(cd.mt)) {
		sb_say(err, errlen, "its manifest's config: media type %s: not an image config",
		    cd.mt);
		goto out;
	}
	if (load_doc(im, j, &cd, &im->config, err, errlen) < 0)
		goto out;
	snprintf(im->config_digest, sizeof im->config_digest, "sha256:%s", cd.hex);
	if (ojson_elems(j, manifest, "$.layers", &layers, &nlayers) != 1) {
		sb_say(err, errlen, "its manifest has no layers array");
		goto out;
	}
	if (set_layers(im, nlayers) < 0) {
		sb_say(err, errlen, "%s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nlayers; i++) {
		struct oci_layer *l = &im->layers[i];
		struct desc ld;
		char what[64];
		size_t k;
		snprintf(what, sizeof what, "its manifest's layers[%zu]", i);
		if (desc_parse(j, layers[i], what, &ld, err, errlen) < 0)
			goto out;
		for (k = 0; k < sizeof layer_types / sizeof *layer_types; k++)
			if (strcmp(ld.mt, layer_types[k].type) == 0)
				break;
		if (k == sizeof layer_types / sizeof *layer_types) {
			sb_say(err, errlen, "%s: media type %s: not a layer", what, ld.mt);
			desc_free(&ld);
			goto out;
		}
		desc_free(&ld);
		l->comp = layer_types[k].comp;
		l->size = ld.size;
		if (asprintf(&l->name, "blobs/sha256/%s", ld.hex) < 0 ||
		    (l->digest = strdup(ld.hex)) == NULL) {
			l->name = NULL;
			sb_say(err, errlen, "%s", strerror(ENOMEM));
			goto out;
		}
	}
	rc = load_config_layers(im, j, err, errlen);
out:
	desc_free(&md);
	desc_free(&cd);
	free(layout);
	free(version);
	free(index);
	free(manifest);
	free(cfg);
	free(mt);
	words_free(layers, nlayers);
	return rc;
}

/* A docker reference as `docker save` writes RepoTags: no default
 * registry or library prefix, and a tag. */
static char *
docker_norm(const char *ref)
{
	static const char *const prefixes[] = { "docker.io/library/", "docker.io/" };
	char *out;

	for (size_t i = 0; i < 2; i++)
		if (strncmp(ref, prefixes[i], strlen(prefixes[i])) == 0) {
			ref += strlen(prefixes[i]);
			break;
		}
	const char *slash = strrchr(ref, '/');
	int tagged = strchr(slash ? slash : ref, ':') != NULL || strchr(ref, '@') != NULL;
	return asprintf(&out, "%s%s", ref, tagged ? "" : ":latest") < 0 ? NULL : out;
}

/* Which item of manifest.json: the one whose RepoTags hold ref, the
 * one at "@N", else the only one. */
static int
docker_pick(struct ojson *j, char **items, size_t n, const char *ref, size_t *pick, char *err,
    size_t errlen)
{
	char tags[512];
	size_t o = 0, found = 0;

	tags[0] = '\0';
	if (ref != NULL && ref[0] == '@') {
		char *end;
		errno = 0;
		unsigned long k = strtoul(ref + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == ref + 1 || k >= n)
			return sb_say(err, errlen, "%s: the archive has %zu images, @0 to @%zu",
			    ref, n, n ? n - 1 : 0);
		*pick = k;
		return 0;
	}
	char *want = ref ? docker_norm(ref) : NULL;
	if (ref && want == NULL)
		return sb_say(err, errlen, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < n; i++) {
		char **rt = NULL;
		size_t nrt = 0;
		int hit = ref == NULL;
		if (ojson_strs(j, items[i], "$.RepoTags", &rt, &nrt) < 0) {
			free(want);
			return sb_say(err, errlen,
			    "manifest.json: RepoTags is not an array of strings");
		}
		for (size_t k = 0; k < nrt; k++) {
			char *norm = docker_norm(rt[k]);
			hit |= want && norm && strcmp(norm, want) == 0;
			o += (size_t)snprintf(o < sizeof tags ? tags + o : NULL,
			    o < sizeof tags ? sizeof tags - o : 0, "%s%s", o ? ", " : "", rt[k]);
			free(norm);
		}
		words_free(rt, nrt);
		if (hit && found++ == 0)
			*pick = i;
	}
	free(want);
	if (found == 1)
		return 0;
	if (found == 0)
		return sb_say(err, errlen, "no image named %s in the archive (names: %s)", ref,
		    tags[0] ? tags : "none");
	return sb_say(err, errlen, "%zu images in the archive: name one (names: %s; or @0 to @%zu)",
	    found, tags[0] ? tags : "none", n - 1);
}

/* The digest a docker archive's member name claims: "HEX.json",
 * "blobs/sha256/HEX", else none. */
static const char *
name_digest(const char *name, char hex[65])
{
	const char *b = strrchr(name, '/');
	b = b ? b + 1 : name;
	size_t n = strlen(b);
	if ((n == 69 && strcmp(b + 64, ".json") == 0) || (n == 64 && strstr(name, "sha256/"))) {
		memcpy(hex, b, 64);
		hex[64] = '\0';
		if (is_hex64(hex))
			return hex;
	}
	return NULL;
}

static int
open_docker(struct oci_image *im, struct ojson *j, char *err, size_t errlen)
{
	char *text = NULL, **items = NULL, *cname = NULL, **layers = NULL;
	char hex[65], claim[65], why[256];
	size_t len, n = 0, nlayers = 0, pick = 0;
	int rc = -1;

	if (imgsrc_slurp(&im->src, "manifest.json", OCI_DOC_MAX, &text, &len, hex, err, errlen) < 0)
		goto out;
	/* an array at the top, checked as it is: made an object's member,
	 * "[...],\"x\":1" would pass for JSON */
	if (ojson_check_array(j, text, len, why, sizeof why) < 0) {
		sb_say(err, errlen, "manifest.json: %s", why);
		goto out;
	}
	if (ojson_elems(j, text, "$", &items, &n) != 1 || n == 0) {
		sb_say(err, errlen, "manifest.json: not a list of images");
		goto out;
	}
	if (docker_pick(j, items, n, im->tag, &pick, err, errlen) < 0)
		goto out;
	if (ojson_text(j, items[pick], "$.Config", &cname) != 1 ||
	    ojson_strs(j, items[pick], "$.Layers", &layers, &nlayers) != 1) {
		sb_say(err, errlen, "manifest.json: an image without Config or Layers");
		goto out;
	}
	size_t clen;
	if (imgsrc_slurp(&im->src, cname, OCI_DOC_MAX, &im->config, &clen, hex, err, errlen) < 0)
		goto out;
	if (name_digest(cname, claim) && strcmp(claim, hex) != 0) {
		sb_say(err, errlen, "%s: wrong digest (sha256:%s)", cname, hex);
		goto out;
	}
	/* the config is checked as a C string from here on: with a NUL
	 * in it, what follows would be digested but never read */
	if (strlen(im->config) != clen) {
		sb_say(err, errlen, "%s: not JSON text (a NUL byte)", cname);
		goto out;
	}
	if (ojson_check(j, im->config, clen, why, sizeof why) < 0) {
		sb_say(err, errlen, "its config: %s", why);
		goto out;
	}
	snprintf(im->digest, sizeof im->digest, "sha256:%s", hex);
	snprintf(im->config_digest, sizeof im->config_digest, "sha256:%s", hex);
	if (set_layers(im, nlayers) < 0) {
		sb_say(err, errlen, "%s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nlayers; i++) {
		struct oci_layer *l = &im->layers[i];
		l->comp = LC_ANY;
		l->size = UINT64_MAX;
		if ((l->name = strdup(layers[i])) == NULL ||
		    (name_digest(layers[i], claim) && (l->digest = strdup(claim)) == NULL)) {
			sb_say(err, errlen, "%s", strerror(ENOMEM));
			goto out;
		}
	}
	rc = load_config_layers(im, j, err, errlen);
out:
	free(text);
	free(cname);
	words_free(items, n);
	words_free(layers, nlayers);
	return rc;
}

int
oci_open(struct oci_image *im, const char *ref, char *err, size_t errlen)
{
	struct ojson j;
	char why[768];
	int rc;

	memset(im, 0, sizeof *im);
	im->src.dirfd = -1;
	if (oci_ref_parse(ref, &im->t, &im->path, &im->tag, err, errlen) < 0)
		return -1;
	if (im->t == OT_OCI)
		rc = imgsrc_open_dir(&im->src, im->path, err, errlen);
	else
		rc = imgsrc_open_archive(&im->src, im->path, err, errlen);
	if (rc < 0)
		goto fail;
	if (ojson_open(&j) < 0) {
		sb_say(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	rc = im->t == OT_DOCKER_ARCHIVE ? open_docker(im, &j, why, sizeof why)
					: open_layout(im, &j, why, sizeof why);
	ojson_close(&j);
	if (rc < 0) {
		sb_say(err, errlen, "%s: %s", ref, why);
		goto fail;
	}
	return 0;
fail:
	oci_close(im);
	return -1;
}

void
oci_close(struct oci_image *im)
{
	imgsrc_close(&im->src);
	free(im->path);
	free(im->tag);
	free(im->config);
	for (size_t i = 0; i < im->nlayers; i++) {
		free(im->layers[i].name);
		free(im->layers[i].digest);
	}
	free(im->layers);
	memset(im, 0, sizeof *im);
	im->src.dirfd = -1;
}

int
oci_layer_open(struct oci_image *im, size_t i, struct blob *b, char *err, size_t errlen)
{
	return blob_open(&im->src, im->layers[i].name, im->layers[i].size, b, err, errlen);
}

int
oci_layer_verify(struct oci_image *im, size_t i, struct blob *b, char *err, size_t errlen)
{
	const struct oci_layer *l = &im->layers[i];
	char hex[65];
	uint64_t size;

	if (blob_finish(b, hex, &size) < 0)
		return sb_say(err, errlen, "%s: %s", l->name,
		    errno == EFBIG ? "larger than its descriptor says" : strerror(errno));
	if (l->size != UINT64_MAX && size != l->size)
		return sb_say(err, errlen,
		    "%s: wrong size (its descriptor says %llu bytes, it has %llu)", l->name,
		    (unsigned long long)l->size, (unsigned long long)size);
	if (l->digest != NULL && strcmp(hex, l->digest) != 0)
		return sb_say(err, errlen, "%s: wrong digest (sha256:%s)", l->name, hex);
	return 0;
}
