# verify: a clean bundle is ok; one changed byte, a missing, an added, a
# re-moded file and a changed link are each reported; so is every change
# to what runs from bin/ (an entry link swapped for /bin/sh or for a
# copy of it, a changed byte in the launcher, a replaced shim, a mode, a
# file or link added, one removed, bin/ gone, an entry whose path the
# payload lacks); a bundle made before bin/ was recorded is checked
# with a warning; a bad manifest is refused with its line number.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

"$SIDEBUNDLE" create -q --trace-backend off --out-dir out --name b --from-host /bin/sh \
	--from-host /usr/bin/env \
	>create.out 2>&1 || fail "create: $(cat create.out)"
out=$("$SIDEBUNDLE" verify out/b)
expect_eq 0 "$?" "verify of a fresh bundle"
expect_match '^ok: [1-9][0-9]* files, [1-9][0-9]* dirs, [1-9][0-9]* symlinks; bin/: 2 entries, 2 files$' "$out" "ok line"
expect_match '^bin-file	\.sidebundle-launcher	0755	[0-9]+	[0-9a-f]{64}$' "$(cat out/b/manifest.lock)" \
	"the manifest records the launcher"
expect_match '^bin-file	\.sidebundle-shim\.so	0644	[0-9]+	[0-9a-f]{64}$' "$(cat out/b/manifest.lock)" \
	"the manifest records the shim"

# tamper NAME CMD...: a copy of the bundle as t-NAME, changed by CMD
# (run in it); $out and $rc: what verify says of it.
tamper() {
	local name=$1
	shift
	rm -rf "t-$name"
	cp -a out/b "t-$name"
	(cd "t-$name" && "$@") || fail "tamper $name"
	rc=0
	out=$("$SIDEBUNDLE" verify "t-$name" 2>verify.err) || rc=$?
}
tamper link ln -sfn /bin/sh bin/sh
expect_eq "1 changed: bin/sh (symlink target)" "$rc $out" "an entry link swapped for /bin/sh"
tamper copy sh -c 'rm bin/env && cp /usr/bin/env bin/env'
expect_eq "1 changed: bin/env (not a symlink)" "$rc $out" "an entry link replaced by a program"
tamper launcher sh -c 'printf X | dd of=bin/.sidebundle-launcher bs=1 seek=4000 conv=notrunc status=none'
expect_eq "1 changed: bin/.sidebundle-launcher (sha256)" "$rc $out" "one changed byte in the launcher"
tamper launcher-size sh -c 'echo >>bin/.sidebundle-launcher'
expect_eq "1 changed: bin/.sidebundle-launcher (sha256)" "$rc $out" "the launcher grown"
tamper shim sh -c 'cp "$1" bin/.sidebundle-shim.so && chmod 644 bin/.sidebundle-shim.so' sh \
	"$(ldd /bin/sh | awk '/libc.so/ { print $3 }')"
expect_eq "1 changed: bin/.sidebundle-shim.so (sha256)" "$rc $out" "a replaced shim"
tamper setuid chmod 4755 bin/.sidebundle-launcher
expect_eq "1 mode: bin/.sidebundle-launcher" "$rc $out" "a set-user-ID launcher"
tamper added sh -c 'ln -s /bin/sh bin/evil && echo x >bin/.profile'
expect_eq "1 added: bin/.profile
added: bin/evil" "$rc $(printf '%s\n' "$out" | sort)" "files added to bin/"
tamper removed rm bin/env bin/.sidebundle-shim.so
expect_eq "1 missing: bin/.sidebundle-shim.so
missing: bin/env" "$rc $out" "an entry link and the shim removed"
tamper nobin rm -r bin
expect_eq "1 missing: bin" "$rc $out" "bin/ removed"
tamper dir sh -c 'rm bin/sh && mkdir bin/sh'
expect_eq "1 changed: bin/sh (not a symlink)" "$rc $out" "an entry link made a directory"
# the manifest's own entry leads nowhere in the payload
tamper entry sed -i 's|^entry\tsh\t/bin/sh\t|entry\tsh\t/bin/nosuch\t|' manifest.lock
expect_eq "1 entry: sh (its path is no executable file of the payload)" "$rc $out" \
	"an entry whose path the payload lacks"
# a bundle from before bin/ was recorded: the links are checked, the
# launcher and the shim cannot be, and verify says so
tamper old sed -i '/^bin-file\t/d' manifest.lock
expect_eq 0 "$rc" "a bundle without bin-file records"
expect_match '^ok: .*; bin/: 2 entries, 0 files$' "$out" "... is ok"
expect_match 'records no file of bin/ \(a bundle made by an older sidebundle\): the launcher and the shim are not checked' \
	"$(cat verify.err)" "... with a warning"
tamper old-link sh -c 'sed -i "/^bin-file\t/d" manifest.lock && ln -sfn /bin/sh bin/sh'
expect_eq "1 changed: bin/sh (symlink target)" "$rc $out" "... whose links are still checked"

cp -a out/b b0
# one changed byte, same size
f=b0/payload/usr/bin/dash
printf 'X' | dd of="$f" bs=1 seek=1000 conv=notrunc status=none
out=$("$SIDEBUNDLE" verify b0)
expect_eq 1 "$?" "verify exit status after one changed byte"
expect_eq "changed: /usr/bin/dash (sha256)" "$out" "one changed byte"

cp -a out/b b1
rm b1/payload/usr/bin/dash
echo new >b1/payload/usr/bin/extra
chmod 700 b1/payload/usr/lib/x86_64-linux-gnu/libc.so.6
ln -sfn /elsewhere b1/payload/bin
out=$("$SIDEBUNDLE" verify b1)
expect_eq 1 "$?" "verify exit status with several differences"
expect_match '^missing: /usr/bin/dash$' "$out" "missing file"
expect_match '^added: /usr/bin/extra$' "$out" "added file"
expect_match '^mode: /usr/lib/x86_64-linux-gnu/libc.so.6$' "$out" "mode change"
expect_match '^changed: /bin \(symlink target\)$' "$out" "changed link"

cp -a out/b b2
sed -i '1s/\t1$/\t2/' b2/manifest.lock
out=$("$SIDEBUNDLE" verify b2 2>&1)
expect_eq 1 "$?" "verify of a newer manifest version"
expect_match 'manifest.lock: line 1: unsupported manifest version 2' "$out" "version error"
cp -a out/b b3
# the last file record, before the package records that may follow
n=$(grep -c -v $'^package\t' b3/manifest.lock)
sed -i "${n}a\\file\t/x\t0644" b3/manifest.lock
n=$((n + 1))
out=$("$SIDEBUNDLE" verify b3 2>&1)
expect_eq 1 "$?" "verify of a malformed manifest"

expect_match "manifest.lock: line $n: file: want PATH MODE SIZE SHA256 ORIGIN" "$out" "malformed line"
out=$("$SIDEBUNDLE" verify 2>&1)
expect_eq 2 "$?" "verify without an argument"
expect_match '^usage: sidebundle verify DIR/NAME' "$out" "usage"
