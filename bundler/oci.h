/*
 * An image reference (sidebundle(1), IMAGES) resolved to what unpacking
 * needs, every document on the way checked: oci:DIR[:TAG] and
 * oci-archive:FILE[:TAG] (the OCI image layout: index.json, perhaps a
 * nested index chosen by platform, the manifest, the config),
 * docker-archive:FILE[:REF] (what `docker save` writes: manifest.json,
 * the config, the layers by their names).
 *
 * Checked here: each blob's SHA-256 and size against its descriptor
 * (a blob read through the layout is never trusted for more than its
 * descriptor says), each document's media type against the
 * descriptor's and the document's own, an index that looks like a
 * manifest or the reverse, duplicate JSON keys, the config's diff_ids
 * against the layers; and, while unpacking, each layer's compression
 * against its media type and its uncompressed digest against its
 * diff_id.  Nothing is read over the network, nothing is run.
 */
#ifndef SB_OCI_H
#define SB_OCI_H

#include <stddef.h>
#include <stdint.h>

#include "imgsrc.h"
#include "layer.h"

/* The largest index, manifest or config read. */
#define OCI_DOC_MAX (4u << 20)

enum oci_transport { OT_OCI, OT_OCI_ARCHIVE, OT_DOCKER_ARCHIVE };

struct oci_layer {
	char *name;	      /* in the source */
	enum layer_comp comp; /* from its media type; LC_ANY: none given */
	char *digest;	      /* expected SHA-256 (hex) of the blob, or NULL */
	uint64_t size;	      /* expected size, or UINT64_MAX */
	char diff_id[65];     /* of the uncompressed tar */
};

struct oci_image {
	enum oci_transport t;
	char *path; /* DIR or FILE */
	char *tag;  /* TAG or REF, or NULL */
	struct imgsrc src;
	/* what the root is made of: the manifest's digest; a docker
	 * archive has no manifest blob, so its config's */
	char digest[72]; /* "sha256:HEX" */
	char *config;	 /* the config document */
	char config_digest[72];
	struct oci_layer *layers;
	size_t nlayers;
};

/* Split REF into its transport, path and tag: 0, or -1 with why. */
int oci_ref_parse(const char *ref, enum oci_transport *t, char **path, char **tag, char *err,
    size_t errlen);

/* Open the image REF names and check its documents: 0, or -1 with why
 * in err. */
int oci_open(struct oci_image *im, const char *ref, char *err, size_t errlen);
void oci_close(struct oci_image *im);

/* Open layer i for unpacking (its blob, bounded by its size). */
int oci_layer_open(struct oci_image *im, size_t i, struct blob *b, char *err, size_t errlen);
/* After unpacking: the blob's digest and size against the descriptor. */
int oci_layer_verify(struct oci_image *im, size_t i, struct blob *b, char *err, size_t errlen);

/* GOARCH for this machine ("amd64", "arm64", ...). */
const char *oci_host_arch(void);

#endif
