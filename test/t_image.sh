# create --from-image: an image made offline (OCI layout by hand, then
# oci-archive and docker-archive by skopeo and by tar) is unpacked into
# the cache once, its config honoured (Entrypoint and Cmd as the
# default arguments, Env, WorkingDir, User) and recorded in the
# manifest, its program traced inside it under bwrap, bundled and run;
# layers over a usrmerge root, with whiteouts.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/image_lib.sh"

need_bwrap
need python3 gzip zstd
[ -x /bin/busybox ] || skip "busybox-static is not installed"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
images=$XDG_CACHE_HOME/sidebundle/images/sha256

# layer 1: a usrmerge root with busybox as /bin/sh, a static program,
# accounts, and things later layers remove
mkdir -p l1/usr/bin l1/usr/lib/x86_64-linux-gnu l1/usr/lib64 l1/etc l1/opt/old
ln -s usr/bin l1/bin
ln -s usr/lib l1/lib
ln -s usr/lib64 l1/lib64
cp /bin/busybox l1/usr/bin/busybox
ln -s busybox l1/usr/bin/sh
cp "$PROGS/static_hello" l1/usr/bin/hello
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' >l1/etc/passwd
printf 'root:x:0:\napp:x:1000:\n' >l1/etc/group
echo gone >l1/etc/junk
echo old >l1/opt/old/f
tar_dir l1 l1.tar
# layer 2: a dynamic program of this host and its libraries, the
# libraries written through the /lib and /lib64 links (zstd)
mkdir -p l2/usr/bin l2/lib/x86_64-linux-gnu l2/lib64
cp /usr/bin/id l2/usr/bin/id
for so in $(ldd /usr/bin/id | grep -o '/[^ ]*'); do
	case $so in
	*/ld-linux*) cp "$so" l2/lib64/ ;;
	*) cp "$so" l2/lib/x86_64-linux-gnu/ ;;
	esac
done
(cd l2 && tar --numeric-owner --owner=0 --group=0 -cf ../l2.tar usr/bin/id lib/x86_64-linux-gnu/* lib64/*)
zstd -q l2.tar
# layer 3: whiteouts (gzip)
pytar l3.tar "f etc/.wh.junk" "d opt" "f opt/.wh..wh..opq" "f opt/new new"
gzip l3.tar
config='{"Entrypoint":["id"],"Cmd":["-un"],"Env":["PATH=/usr/bin:/bin","FOO=bar"],"WorkingDir":"/app","User":"app"}'
oci_new lay
oci_image lay v1 "$config" l1.tar l2.tar.zst l3.tar.gz
hex=${manifest_digest#sha256:}

# the image's own program with its default arguments, traced inside
"$SIDEBUNDLE" create --out-dir out --name id --from-image oci:lay:v1::trace >create.out \
	2>create.err || fail "create: $(cat create.err)"
expect_match "^sidebundle: $manifest_digest: unpacking 3 layers\$" "$(cat create.err)" "unpacked once"
expect_match '^app$' "$(cat create.err)" "the trace ran as the image's User (its output on stderr)"
expect_match '^sidebundle: check: 1 run the same in an empty root$' "$(cat create.err)" \
	"the empty-root check passes as that user"
m=$(cat out/id/manifest.lock)
expect_match '^entry	id	/usr/bin/id	elf-dynamic	/lib64/ld-linux-x86-64\.so\.2$' "$m" \
	"the Entrypoint's program, found on the image's PATH"
expect_match "^image	oci:lay:v1	$manifest_digest\$" "$m" "the image and its digest"
expect_match '^entry-args	id	-un$' "$m" "Cmd: the default arguments"
expect_match '^entry-cwd	id	/app$' "$m" "WorkingDir"
expect_match '^entry-user	id	1000:1000$' "$m" "User, as the image's accounts say"
expect_match '^env	FOO=bar$' "$m" "Env"
expect_match '^dir	/app	0755	rule$' "$m" "the working directory is in the payload"
expect_match '^file	/usr/lib/x86_64-linux-gnu/libc\.so\.6	' "$m" "libraries written through /lib"
expect_eq "/usr/bin/id|-un|" "$(tr '\0' '|' <out/id/check/1/argv)" "the run kept"
expect_eq "/app|" "$(tr '\0' '|' <out/id/check/1/cwd)" "... in the working directory"
expect_match '^FOO=bar$' "$(tr '\0' '\n' <out/id/check/1/env)" "... with the image's Env"
"$SIDEBUNDLE" verify out/id >verify.out || _sb_bad "verify" ok "$(cat verify.out)"
rc=0
"$SIDEBUNDLE" check out/id >check.out 2>&1 || rc=$?
expect_eq 0 "$rc" "check of the image's bundle ($(cat check.out))"
expect_eq "$(id -u)" "$(out/id/bin/id -u)" "the bundle runs"
expect_eq "$(id -un)" "$(out/id/bin/id)" "given no arguments, the image's Cmd (-un), as the caller in host mode"
# in the sandbox modes the program starts as the image starts it: as its
# User, in its WorkingDir
if command -v bwrap >/dev/null && bwrap --ro-bind / / --proc /proc --dev /dev true 2>/dev/null; then
	expect_eq "app" "$(SIDEBUNDLE_RUN_MODE=bwrap out/id/bin/id)" "bwrap mode: the image's User"
	expect_eq "1000:1000" "$(SIDEBUNDLE_RUN_MODE=bwrap out/id/bin/id -u):$(SIDEBUNDLE_RUN_MODE=bwrap \
		out/id/bin/id -g)" "bwrap mode: its uid and gid, given arguments"
fi

# the cache: one root, its side table, config and format; no temporary
expect_eq "$hex" "$(ls "$images" | grep -v '\.lock$')" "one cached root, named by the manifest's digest"
expect_eq "config.json format owners rootfs" "$(ls "$images/$hex" | tr '\n' ' ' | sed 's/ $//')" \
	"its files"
expect_eq "sidebundle-image 1" "$(cat "$images/$hex/format")" "its format"
r=$images/$hex/rootfs
expect_eq "usr/bin" "$(readlink "$r/bin")" "links kept"
[ -e "$r/etc/junk" ] && _sb_bad "a whiteout removes" "no /etc/junk" "there"
expect_eq "new" "$(ls "$r/opt")" "an opaque whiteout hides the lower directory"
expect_eq "directory" "$(stat -c %F "$r/app")" "WorkingDir is made, as an engine makes it"

# a second create takes the root from the cache
"$SIDEBUNDLE" create --out-dir out --name hello --from-image oci:lay:v1::hello >c2.out 2>c2.err ||
	fail "create hello: $(cat c2.err)"
expect_nomatch unpacking "$(cat c2.err)" "the cached root is used"
expect_match '^entry	hello	/usr/bin/hello	elf-static	-$' "$(cat out/hello/manifest.lock)" \
	"a name found on the image's PATH"
expect_nomatch '^entry-args' "$(cat out/hello/manifest.lock)" "Cmd belongs to the image's own program"
expect_eq "hello from a static binary" "$(out/hello/bin/hello)" "the static entry runs"

# the environment and a shell command, inside the image
"$SIDEBUNDLE" create --out-dir out --name sh --from-image oci:lay:v1::/bin/sh \
	--trace 'echo "$FOO in $PWD as $(id -un)"' >sh.out 2>sh.err || fail "create sh: $(cat sh.err)"
expect_match '^bar in /app as app$' "$(cat sh.err)" "--trace runs in the image, its Env, WorkingDir, User"
if command -v bwrap >/dev/null && bwrap --ro-bind / / --proc /proc --dev /dev true 2>/dev/null; then
	expect_eq "/app" "$(SIDEBUNDLE_RUN_MODE=bwrap out/sh/bin/sh -c pwd)" "bwrap mode: in WorkingDir"
	expect_eq "$PWD" "$(SIDEBUNDLE_RUN_MODE=bwrap SIDEBUNDLE_BIND_CWD=1 out/sh/bin/sh -c pwd)" \
		"bwrap mode: SIDEBUNDLE_BIND_CWD=1, the current directory"
fi
if [ "$(id -u)" = 0 ] && SIDEBUNDLE_RUN_MODE=chroot out/sh/bin/sh -c true 2>/dev/null; then
	expect_eq "/app 1000" "$(SIDEBUNDLE_RUN_MODE=chroot out/sh/bin/sh -c 'echo $PWD $(id -u)')" \
		"chroot mode: in WorkingDir, as the image's User"
fi

# where ptrace is refused, the library traces inside the image (its
# glibc is this host's); asked for ptrace, it is an error
if "$PROGS/noptrace" /bin/true; then
	"$PROGS/noptrace" "$SIDEBUNDLE" create --out-dir out --name lib \
		--from-image oci:lay:v1::trace >lib.out 2>lib.err ||
		_sb_bad "create under the library" ok "$(cat lib.err)"
	expect_match '^app$' "$(cat lib.err)" "the library traces inside the image"
	expect_eq "/usr/bin/id|-un|" "$(tr '\0' '|' <out/lib/check/1/argv 2>&1)" "... and the run is kept"
	rc=0
	"$PROGS/noptrace" "$SIDEBUNDLE" create --out-dir out --name pt --trace-backend ptrace \
		--from-image oci:lay:v1::trace >pt.out 2>&1 || rc=$?
	expect_eq 1 "$rc" "--trace-backend ptrace where ptrace is refused: an error"
fi

# errors
rc=0
"$SIDEBUNDLE" create --out-dir out --name x --from-image oci:lay:v1::nosuch >e1 2>&1 || rc=$?
expect_eq 1 "$rc" "a program not on the image's PATH"
expect_match 'oci:lay:v1::nosuch: not found on the image.s PATH' "$(cat e1)" "... says so"
rc=0
"$SIDEBUNDLE" create --out-dir out --name x --from-image oci:lay:v1 -r / >e2 2>&1 || rc=$?
expect_eq 2 "$rc" "--from-image with -r: usage"
rc=0
"$SIDEBUNDLE" create --out-dir out --name x --from-image oci:lay:v1 --from-image oci:other::x \
	>e3 2>&1 || rc=$?
expect_eq 2 "$rc" "two images: usage"
expect_match 'one image per bundle' "$(cat e3)" "... says so"
rc=0
"$SIDEBUNDLE" create --out-dir out --name x --from-image docker://busybox >e4 2>&1 || rc=$?
expect_eq 1 "$rc" "a registry reference"
expect_match 'no registry is ever contacted' "$(cat e4)" "... is not fetched"
oci_image lay v2 '{"Cmd":["/usr/bin/hello"]}' l1.tar
rc=0
"$SIDEBUNDLE" create --out-dir out --name x --from-image oci:lay >e5 2>&1 || rc=$?
expect_eq 1 "$rc" "two tags and none named"
expect_match '2 manifests: name one by its tag \(tags: v1, v2\)' "$(cat e5)" "... lists the tags"
"$SIDEBUNDLE" create -q --out-dir out --name v2 --from-image oci:lay:v2 >e6 2>&1 ||
	_sb_bad "oci:lay:v2" ok "$(cat e6)"
expect_match '^entry	hello	/usr/bin/hello	' "$(cat out/v2/manifest.lock)" "Cmd alone names the program"

# the same image as skopeo writes it: oci-archive and docker-archive
# (docker images have no zstd: the layer gzip'd again)
if command -v skopeo >/dev/null 2>&1; then
	zstd -qdc l2.tar.zst | gzip >l2.tar.gz
	oci_new lay2
	oci_image lay2 v1 "$config" l1.tar l2.tar.gz l3.tar.gz
	skopeo --insecure-policy copy -q oci:lay2:v1 oci-archive:img.oci.tar:v1 ||
		fail "skopeo to oci-archive"
	skopeo --insecure-policy copy -q oci:lay2:v1 docker-archive:img.docker.tar:app:v1 ||
		fail "skopeo to docker-archive"
	for ref in oci-archive:img.oci.tar oci-archive:img.oci.tar:v1 \
		docker-archive:img.docker.tar docker-archive:img.docker.tar:app:v1 \
		docker-archive:img.docker.tar:docker.io/library/app:v1 docker-archive:img.docker.tar:@0; do
		rm -rf out/a
		"$SIDEBUNDLE" create -q --out-dir out --name a --from-image "$ref::trace" >a.out \
			2>a.err || _sb_bad "create from $ref" ok "$(cat a.err)"
		expect_eq "$(grep -Ev '^(image|name)	' out/id/manifest.lock)" \
			"$(grep -Ev '^(image|name)	' out/a/manifest.lock 2>&1)" "$ref: the same bundle"
	done
	# docker-archive's members are links to the layers (skopeo's way)
	expect_match '^l.* [0-9a-f]{64}/layer\.tar -> \.\./[0-9a-f]{64}\.tar$' \
		"$(tar tvf img.docker.tar)" "the archive's layers are links"
else
	echo "skopeo is not installed: oci-archive and docker-archive by tar only"
fi

# docker-archive as `docker save` writes it, by hand: the config and
# gzip'd layers in directories named by ID, no links
mkdir -p dsave/aaa dsave/bbb
cp l1.tar dsave/aaa/layer.tar
gzip -c l2.tar >dsave/bbb/layer.tar
ccfg=$(printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/usr/bin/hello"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
	"$(oci_arch)" "$(sha256sum <l1.tar | cut -d' ' -f1)" "$(sha256sum <l2.tar | cut -d' ' -f1)")
chex=$(printf '%s' "$ccfg" | sha256sum | cut -d' ' -f1)
printf '%s' "$ccfg" >"dsave/$chex.json"
printf '[{"Config":"%s.json","RepoTags":["hello:latest"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}]' \
	"$chex" >dsave/manifest.json
tar -C dsave -cf saved.tar manifest.json "$chex.json" aaa bbb
"$SIDEBUNDLE" create --out-dir out --name saved --from-image docker-archive:saved.tar:hello \
	>s.out 2>s.err || fail "create from a saved archive: $(cat s.err)"
expect_match "^sidebundle: sha256:$chex: unpacking 2 layers\$" "$(cat s.err)" \
	"a docker archive's root is named by its config's digest"
expect_eq "hello from a static binary" "$(out/saved/bin/hello)" "... and runs"
printf 'X' >>"dsave/$chex.json"
tar -C dsave -cf bad.tar manifest.json "$chex.json" aaa bbb
rc=0
"$SIDEBUNDLE" create --out-dir out --name bad --from-image docker-archive:bad.tar >b.err 2>&1 ||
	rc=$?
expect_eq 1 "$rc" "a config whose name is not its digest"
expect_match "$chex.json: wrong digest" "$(cat b.err)" "... is refused"

# concurrent creates of one image: one unpacks, the other waits, both
# bundle, one root
rm -rf "$XDG_CACHE_HOME"
"$SIDEBUNDLE" create -q --out-dir out --name c1 --from-image oci:lay:v1 >c1.err 2>&1 &
p1=$!
"$SIDEBUNDLE" create -q --out-dir out --name c2 --from-image oci:lay:v1 >c2.err 2>&1 &
p2=$!
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
expect_eq "0 0" "$rc1 $rc2" "concurrent creates both succeed ($(cat c1.err c2.err))"
expect_eq "$hex" "$(ls -A "$images" | grep -v '\.lock$')" "... one root, no temporary directory"
expect_eq "$(grep -v '^name	' out/c1/manifest.lock)" "$(grep -v '^name	' out/c2/manifest.lock)" \
	"... the same bundle"
exit 0
