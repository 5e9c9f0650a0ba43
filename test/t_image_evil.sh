# create --from-image on hostile images: each pitfall other unpackers
# shipped and fixed, as a layer made by hand.  A refused image is a
# clear error, exit 1, and leaves nothing behind: no file outside the
# cache's own temporary directory (a sentinel directory elsewhere stays
# as it was), no cached root, no temporary directory, and the bundle of
# that name made before is still there.  The pitfalls that are not
# errors (links and whiteouts resolved inside the root, an existing hard
# link never written through) are checked in the root they make.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/image_lib.sh"

need python3 gzip
outside_dir
sentinel=$outside/sentinel
mkdir "$sentinel"
echo keep >"$sentinel/file"
touch -d '2001-01-01 00:00:00' "$sentinel" "$sentinel/file"
chmod 0755 "$sentinel"
before=$(stat -c '%a %Y %h %s' "$sentinel" "$sentinel/file"; ls -A "$sentinel")
images=$XDG_CACHE_HOME/sidebundle/images/sha256

# a good bundle first, which no failed create may take away
mkdir -p good/usr/bin
cp "$PROGS/static_hello" good/usr/bin/hello
tar_dir good good.tar
oci_new ok
oci_image ok v1 '{"Entrypoint":["/usr/bin/hello"]}' good.tar
"$SIDEBUNDLE" create -q --out-dir out --name b --from-image oci:ok >create.err 2>&1 ||
	fail "the good image: $(cat create.err)"
good_manifest=$(cat out/b/manifest.lock)

# evil NAME WHAT ERE [OPTIONS...]: an image of the layer NAME.tar
# (made by the caller) is refused with a message matching ERE, and
# leaves nothing.
evil() {
	local name=$1 what=$2 ere=$3 rc=0
	shift 3
	rm -rf "lay-$name"
	oci_new "lay-$name"
	oci_image "lay-$name" v1 '{"Entrypoint":["/usr/bin/hello"]}' good.tar "$@"
	"$SIDEBUNDLE" create -q --out-dir out --name b --from-image "oci:lay-$name" \
		${EVIL_OPTS:-} >"$name.err" 2>&1 || rc=$?
	expect_eq 1 "$rc" "$what: exit status"
	expect_match "$ere" "$(cat "$name.err")" "$what: the message"
	expect_eq "" "$(ls -A "$images" | grep -v '\.lock$' | grep -v "^${ok_hex}\$")" \
		"$what: no cached root, no temporary directory"
	expect_eq "$before" "$(stat -c '%a %Y %h %s' "$sentinel" "$sentinel/file"; ls -A "$sentinel")" \
		"$what: nothing written outside"
	expect_eq "$good_manifest" "$(cat out/b/manifest.lock)" "$what: the bundle made before is kept"
}
ok_hex=$(ls "$images" | grep -v '\.lock$')

# names: ".." and absolute
pytar dotdot.tar "f ../../../../../../../..$sentinel/pwned x"
evil dotdot '".." in a name' 'climbs out with "\.\."' dotdot.tar
pytar abs.tar "f $sentinel/pwned x"
evil abs 'an absolute name' 'an absolute name' abs.tar
pytar absdir.tar "d /"
evil absdir 'the name "/" alone' 'an absolute name' absdir.tar

# the root as a symbolic link
pytar dotlink.tar "l . $sentinel"
evil dotlink 'a "." entry that is a symlink' 'the root of the image is not a directory' dotlink.tar
pytar dotslash.tar "l ./ $sentinel"
evil dotslash 'a "./" entry that is a symlink' 'the root of the image is not a directory' dotslash.tar

# hard links: out of the root, to a directory, through a link out
pytar hlout.tar "h x ../../../../../../..$sentinel/file"
evil hlout 'a hard link out by ".."' 'outside the image.s root' hlout.tar
pytar hlabs.tar "h x $sentinel/file"
evil hlabs 'a hard link to an absolute path' 'outside the image.s root' hlabs.tar
pytar hldir.tar "d adir" "h x adir"
evil hldir 'a hard link to a directory' 'hard link to adir: a directory' hldir.tar
pytar hlvia1.tar "l esc $sentinel"
pytar hlvia2.tar "h x esc/file"
evil hlvia 'a hard link through a link that leads out' 'hard link to esc/file: No such file' \
	hlvia1.tar hlvia2.tar
expect_eq 1 "$(stat -c %h "$sentinel/file")" "no new link to the sentinel"

# decompression bomb: 64 MiB of zeros in 64 KiB, against a 16 MiB cap
truncate -s 64M zeros
tar -cf - zeros | gzip -1 >bomb.tar.gz
rm zeros
EVIL_OPTS='--image-max-size 16M' evil bomb 'a decompression bomb' \
	'larger than 16777216 bytes unpacked' bomb.tar.gz
rc=0
"$SIDEBUNDLE" create --out-dir out --name b --from-image oci:ok --image-max-size 12X \
	>size.err 2>&1 || rc=$?
expect_eq 2 "$rc" "--image-max-size 12X: a usage error"

# media-type confusion
pytar plain.tar "f usr/share/x x"
cp plain.tar plain.tar.gz # not gzip: the media type says it is
evil mtgz 'a layer said gzip that is not' 'media type says gzip, the blob is uncompressed' \
	plain.tar.gz
gzip -c plain.tar >gz.tar.gz
LAYER_TYPES='application/vnd.oci.image.layer.v1.tar application/vnd.oci.image.layer.v1.tar' \
	evil mttar 'a layer said uncompressed that is gzip' \
	'media type says uncompressed, the blob is gzip' gz.tar.gz
LAYER_TYPES='application/vnd.oci.image.layer.v1.tar application/vnd.oci.image.manifest.v1+json' \
	evil mtlayer 'a layer whose media type is a manifest' 'not a layer' plain.tar
CONFIG_TYPE=application/vnd.oci.image.layer.v1.tar \
	evil mtconfig 'a config whose media type is a layer' 'not an image config' plain.tar
MANIFEST_EXTRA='"manifests":[],' evil mtboth 'a manifest that is an index too' \
	'a manifest with a "manifests" field: it could be read as an index' plain.tar
MANIFEST_EXTRA='"schemaVersion":1,' evil dupkey 'a key twice in a manifest' \
	'key \$\.schemaVersion appears twice' plain.tar
# an index entry that says "index" for a manifest
rm -rf lay-mtindex
oci_new lay-mtindex
oci_image lay-mtindex v1 '{}' plain.tar
sed -i 's/application\/vnd.oci.image.manifest.v1+json/application\/vnd.oci.image.index.v1+json/' \
	lay-mtindex/index.json
rc=0
"$SIDEBUNDLE" create -q --out-dir out --name b --from-image oci:lay-mtindex >mtindex.err 2>&1 ||
	rc=$?
expect_eq 1 "$rc" "an index entry that says index for a manifest: exit status"
expect_match 'the descriptor says application/vnd\.oci\.image\.index\.v1\+json, the document says application/vnd\.oci\.image\.manifest\.v1\+json' \
	"$(cat mtindex.err)" "... the message"

# digests and sizes
rm -rf lay-dg
oci_new lay-dg
oci_image lay-dg v1 '{"Entrypoint":["/usr/bin/hello"]}' good.tar plain.tar
blob=lay-dg/blobs/sha256/$(sha256sum plain.tar | cut -d' ' -f1)
chmod u+w "$blob"
cp "$blob" dg.save
printf 'X' | dd of="$blob" bs=1 seek=600 conv=notrunc 2>/dev/null
rc=0
"$SIDEBUNDLE" create -q --out-dir out --name b --from-image oci:lay-dg >dg.err 2>&1 || rc=$?
expect_eq 1 "$rc" "a layer changed: exit status"
expect_match 'wrong digest|uncompressed content has digest' "$(cat dg.err)" "a layer changed: the message"
cp dg.save "$blob"
printf 'extra' >>"$blob"
rc=0
"$SIDEBUNDLE" create -q --out-dir out --name b --from-image oci:lay-dg >sz.err 2>&1 || rc=$?
expect_eq 1 "$rc" "a layer grown: exit status"
expect_match 'larger than its descriptor says' "$(cat sz.err)" "a layer grown: the message"
# a wrong diff_id: the config says another one
rm -rf lay-diff
oci_new lay-diff
gzip -c plain.tar >p.tar.gz
oci_image lay-diff v1 '{}' p.tar.gz
cfg=lay-diff/blobs/sha256/${config_digest#sha256:}
sed 's/"diff_ids":\["sha256:[0-9a-f]*"/"diff_ids":["sha256:'"$(printf '%064d' 0)"'"/' "$cfg" >cfg.json
rm -rf lay-diff
oci_new lay-diff
read -r cd cs < <(oci_put lay-diff cfg.json)
read -r ld ls < <(oci_put lay-diff p.tar.gz)
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
	"$cd" "$cs" "$ld" "$ls" >m.json
read -r md ms < <(oci_put lay-diff m.json)
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s}]}' \
	"$md" "$ms" >lay-diff/index.json
rc=0
"$SIDEBUNDLE" create -q --out-dir out --name b --from-image oci:lay-diff >diff.err 2>&1 || rc=$?
expect_eq 1 "$rc" "a wrong diff_id: exit status"
expect_match 'its uncompressed content has digest sha256:[0-9a-f]+, the config says sha256:0+' \
	"$(cat diff.err)" "a wrong diff_id: the message"

expect_eq "" "$(ls -A "$images" | grep -v '\.lock$' | grep -v "^${ok_hex}\$")" \
	"after every refusal: no cached root, no temporary directory"

# --- not errors: resolved inside the root -----------------------------

# made NAME LAYER...: an image of good.tar and LAYER... is made into
# bundle NAME; $root is its unpacked root
made() {
	local name=$1 rc=0
	shift
	rm -rf "lay-$name"
	oci_new "lay-$name"
	oci_image "lay-$name" v1 '{"Entrypoint":["/usr/bin/hello"]}' good.tar "$@"
	"$SIDEBUNDLE" create --out-dir out --name "$name" --from-image "oci:lay-$name" \
		>"$name.err" 2>&1 || rc=$?
	expect_eq 0 "$rc" "$name: made ($(cat "$name.err"))"
	root=$images/${manifest_digest#sha256:}/rootfs
}

# a parent that is a link out of the root, in the same layer and in a
# later one: followed inside the root, as if the root were "/"
pytar via1.tar "l esc $sentinel" "l rel ../../../../../../../..$sentinel" "f esc/one 1"
pytar via2.tar "f esc/two 2" "f rel/three 3"
made via via1.tar via2.tar
expect_eq "1 2 3" "$(contents "$root$sentinel/one" "$root$sentinel/two" "$root$sentinel/three")" \
	"files below links that lead out land inside the root"
expect_eq "$sentinel" "$(readlink "$root/esc")" "the link is kept as it was"

# metadata after extraction: a directory's time is set at the end, and a
# link that took its place is not followed; a mode never through a link
pytar meta.tar "d d" "f d/x x" "l d $sentinel" "l e $sentinel" "d e"
made meta meta.tar
expect_eq "$sentinel" "$(readlink "$root/d")" "d is the link the layer ended with"
expect_eq "directory" "$(stat -c %F "$root/e")" "e is the directory the layer ended with"

# a file written where a hard link is: the other name keeps its data
pytar hl1.tar "f a AAA" "h b a" "f c CCC" "h d c" "f d DDD"
pytar hl2.tar "f b BBB"
made hardlinked hl1.tar hl2.tar
expect_eq "AAA BBB CCC DDD" "$(contents "$root/a" "$root/b" "$root/c" "$root/d")" \
	"writing to a hard-linked name replaces it, never the linked file"

# set-ID bits, device nodes, owners: into the side table
pytar perm.tar "m usr/bin/su 4755" "m usr/bin/sg 2711" "c dev/evil" "d dev"
made perm perm.tar
expect_eq "755 711" "$(stat -c %a "$root/usr/bin/su" "$root/usr/bin/sg" | tr '\n' ' ' | sed 's/ $//')" \
	"set-ID bits are dropped (and u+rw given)"
[ -e "$root/dev/evil" ] && _sb_bad "no device node" "absent" "$(ls -l "$root/dev/evil")"
owners=$(cat "$root/../owners")
expect_match '^f 1000 1000 4755 /usr/bin/su$' "$owners" "the side table has su's owner and mode"
expect_match '^f 1000 1000 2711 /usr/bin/sg$' "$owners" "... and sg's"
expect_match '^c 0 0 [0-7]+ /dev/evil$' "$owners" "... and the device left out"
expect_match 'left out 1 device nodes, fifos and sockets' "$(cat perm.err)" "... and said so"

expect_eq "$before" "$(stat -c '%a %Y %h %s' "$sentinel" "$sentinel/file"; ls -A "$sentinel")" \
	"nothing outside the cache was written"
exit 0
