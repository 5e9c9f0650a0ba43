# Helpers for the image tests (t_image*.sh): OCI image layouts made
# offline with tar, sha256sum and a few JSON files; sourced after
# test/lib.sh and test/bundle_lib.sh.
#
# Layers are files: NAME.tar, NAME.tar.gz or NAME.tar.zst, the media
# type following the suffix (oci_image's LAYER_TYPES overrides it).

# Where --from-image unpacks: private to the test.
export XDG_CACHE_HOME=$PWD/cache

# The GOARCH of this machine, as an image's config names it.
oci_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}

# oci_new DIR: an empty OCI image layout.
oci_new() {
	mkdir -p "$1/blobs/sha256"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$1/oci-layout"
	printf '{"schemaVersion":2,"manifests":[]}' >"$1/index.json"
}

# oci_put DIR FILE: store FILE as a blob of DIR; prints "sha256:HEX SIZE".
oci_put() {
	local h
	h=$(sha256sum "$2" | cut -d' ' -f1)
	cp "$2" "$1/blobs/sha256/$h"
	echo "sha256:$h $(stat -c %s "$2")"
}

# uncompressed FILE: a layer's tar stream on stdout.
uncompressed() {
	case $1 in
	*.gz) gzip -dc "$1" 2>/dev/null ;;
	*.zst) zstd -qdc "$1" 2>/dev/null ;;
	*) cat "$1" ;;
	esac
}

# contents FILE...: the files' contents, one word each, on one line.
contents() {
	local f out=()
	for f; do
		out+=("$(cat "$f" 2>&1)")
	done
	echo "${out[*]}"
}

# layer_type FILE: the OCI media type for a layer file.
layer_type() {
	case $1 in
	*.gz) echo application/vnd.oci.image.layer.v1.tar+gzip ;;
	*.zst) echo application/vnd.oci.image.layer.v1.tar+zstd ;;
	*) echo application/vnd.oci.image.layer.v1.tar ;;
	esac
}

# oci_image DIR TAG CONFIG LAYER...: add an image tagged TAG to the
# layout DIR.  CONFIG is the JSON of the config's "config" object
# ('{"Entrypoint":["/bin/x"]}').  Sets $manifest_digest, $config_digest.
# LAYER_TYPES (space-separated, one per layer) overrides the media types;
# CONFIG_TYPE and MANIFEST_EXTRA ('"x":1,') tamper with the rest.
oci_image() {
	local dir=$1 tag=$2 cfg=$3
	shift 3
	local layers='' diffs='' l d s mt i=0 types=(${LAYER_TYPES:-})
	for l in "$@"; do
		read -r d s < <(oci_put "$dir" "$l")
		mt=${types[$i]:-$(layer_type "$l")}
		i=$((i + 1))
		layers+="${layers:+,}{\"mediaType\":\"$mt\",\"digest\":\"$d\",\"size\":$s}"
		diffs+="${diffs:+,}\"sha256:$(uncompressed "$l" | sha256sum | cut -d' ' -f1)\""
	done
	printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$(oci_arch)" "$cfg" "$diffs" >"$dir/.config"
	read -r d s < <(oci_put "$dir" "$dir/.config")
	config_digest=$d
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",%s"config":{"mediaType":"%s","digest":"%s","size":%s},"layers":[%s]}' \
		"${MANIFEST_EXTRA:-}" "${CONFIG_TYPE:-application/vnd.oci.image.config.v1+json}" \
		"$d" "$s" "$layers" >"$dir/.manifest"
	read -r d s < <(oci_put "$dir" "$dir/.manifest")
	manifest_digest=$d
	rm -f "$dir/.config" "$dir/.manifest"
	local entry="{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$d\",\"size\":$s,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$tag\"}}"
	local old
	old=$(sed 's/.*"manifests":\[\(.*\)\]}$/\1/' "$dir/index.json")
	printf '{"schemaVersion":2,"manifests":[%s%s]}' "${old:+$old,}" "$entry" >"$dir/index.json"
}

# tar_dir DIR OUT: DIR's contents as a layer, owned by root, sorted.
tar_dir() {
	tar --sort=name --numeric-owner --owner=0 --group=0 -C "$1" -cf "$2" .
}

# pytar OUT 'ENTRY'...: a layer of hand-made entries (python3 tarfile):
# "f NAME DATA", "d NAME", "l NAME TARGET" (symlink), "h NAME TARGET"
# (hard link), "c NAME" (character device), "m NAME MODE" (a file with
# that octal mode, owned by 1000:1000).
pytar() {
	python3 - "$@" <<'EOF'
import io, sys, tarfile
out = sys.argv[1]
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    for spec in sys.argv[2:]:
        kind, name, *rest = spec.split(" ", 2)
        i = tarfile.TarInfo(name)
        i.mtime = 1700000000
        data = b""
        if kind == "f":
            data = (rest[0] if rest else "").encode()
            i.size = len(data)
            i.mode = 0o644
        elif kind == "m":
            data = b"x"
            i.size = 1
            i.mode = int(rest[0], 8)
            i.uid = i.gid = 1000
        elif kind == "d":
            i.type = tarfile.DIRTYPE
            i.mode = 0o755
        elif kind == "l":
            i.type = tarfile.SYMTYPE
            i.linkname = rest[0]
        elif kind == "h":
            i.type = tarfile.LNKTYPE
            i.linkname = rest[0]
        elif kind == "c":
            i.type = tarfile.CHRTYPE
            i.devmajor, i.devminor = 1, 3
        t.addfile(i, io.BytesIO(data) if data else None)
EOF
}
