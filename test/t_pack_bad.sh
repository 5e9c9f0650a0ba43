# A damaged or hostile single-file bundle (made with test/pack_tamper):
# each is refused with a clear message and exit status 126, leaves no
# extraction, temporary directory or lock in the cache, and writes
# nothing outside it.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
need zstd python3

"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name tools --from-host /bin/sh \
	>create.out 2>&1 || fail "create: $(cat create.out)"
"$SIDEBUNDLE" pack -q -l 3 -o good.pack tools || fail "pack"
mkdir home outside

# bad WHAT ERE OP ARG...: the tampered file is refused, saying ERE
bad() {
	local what=$1 want=$2 rc=0
	shift 2
	rm -rf cache bad.pack
	"$SB_SRC/test/pack_tamper" good.pack bad.pack "$@" || fail "$what: pack_tamper $*"
	chmod +x bad.pack
	env -i PATH=/usr/bin:/bin HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/cache" ./bad.pack \
		-c 'echo RAN' >out 2>err || rc=$?
	expect_eq 126 "$rc" "$what: exit status"
	expect_match "$want" "$(cat err)" "$what: the message"
	expect_eq "" "$(cat out)" "$what: nothing ran"
	expect_eq "" "$(ls -A cache 2>/dev/null)" "$what: nothing left in the cache"
	expect_eq "" "$(find outside home -mindepth 1)" "$what: nothing made outside"
}

# the tool itself: changing nothing gives a file that runs
"$SB_SRC/test/pack_tamper" good.pack same.pack path 0 manifest.lock && chmod +x same.pack
expect_eq RAN "$(env -i HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/c0" ./same.pack -c 'echo RAN')" \
	"a rewritten but unchanged archive runs"

bad "a path with .." '^bad.pack: cannot extract into .*: record 6: unsafe path "payload/\.\./\.\./evil"' \
	path 5 payload/../../evil
bad "an absolute path" 'unsafe path "/tmp/sbevil"' path 5 /tmp/sbevil
[ ! -e /tmp/sbevil ] || fail "an absolute path was written"
bad "a hard link out" 'unsafe link target \.\./\.\./\.\./etc/passwd' to-hardlink 5 ../../../etc/passwd
bad "a file below a symlink" 'payload/zz/evil: payload/zz is not a directory \(a symbolic link\?\)' \
	symlink-parent "$PWD/outside"
bad "bytes that do not match their digest" \
	'payload/usr/bin/dash: its bytes do not match the SHA-256 in its header: damaged' data payload/usr/bin/dash
bad "the trailer's manifest sha256" 'manifest.lock is not the one the trailer names \(sha256\)' \
	trailer-manifest
bad "the trailer's key" 'the archive is not the one the trailer names \(key\)' trailer-key
bad "a damaged compressed byte" 'cannot extract into .*: ' flip 5000
bad "a cut archive" 'the compressed archive ends early: truncated' cut-archive
bad "a cut trailer" '^bad.pack: .*bad.pack: [0-9]+ bytes after the program but no single-file bundle trailer: truncated or damaged' \
	truncate 100
bad "no trailer at all" 'no single-file bundle trailer: truncated or damaged' truncate 384

# a trailer of a newer format is named as such
cp good.pack v2.pack
printf '\002' | dd of=v2.pack bs=1 seek=$(($(stat -c %s v2.pack) - 384 + 88)) conv=notrunc 2>/dev/null
rc=0
env -i HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/cache" ./v2.pack 2>err || rc=$?
expect_eq 126 "$rc" "format version 2: exit status"
expect_match 'a damaged single-file bundle: format version 2 \(this launcher reads version 1\)' \
	"$(cat err)" "format version 2: the message"
