# verify: a clean bundle is ok; one changed byte, a missing, an added, a
# re-moded file and a changed link are each reported; a bad manifest is
# refused with its line number.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

"$SIDEBUNDLE" create -q --trace-backend off --out-dir out --name b --from-host /bin/sh \
	>create.out 2>&1 || fail "create: $(cat create.out)"
out=$("$SIDEBUNDLE" verify out/b)
expect_eq 0 "$?" "verify of a fresh bundle"
expect_match '^ok: [1-9][0-9]* files, [1-9][0-9]* dirs, [1-9][0-9]* symlinks$' "$out" "ok line"

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
printf 'file\t/x\t0644\n' >>b3/manifest.lock
out=$("$SIDEBUNDLE" verify b3 2>&1)
expect_eq 1 "$?" "verify of a malformed manifest"
n=$(wc -l <b3/manifest.lock)
expect_match "manifest.lock: line $n: file: want PATH MODE SIZE SHA256 ORIGIN" "$out" "malformed line"
out=$("$SIDEBUNDLE" verify 2>&1)
expect_eq 2 "$?" "verify without an argument"
expect_match '^usage: sidebundle verify DIR/NAME' "$out" "usage"
