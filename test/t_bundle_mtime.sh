# Files, directories and symbolic links in the payload keep the host's
# mtimes, to the nanosecond (fontconfig checks its caches against a
# directory's, Python a .pyc against its source's); two files alike but
# for their mtime are not merged into one inode; the manifest holds no
# mtime, so it stays byte-identical, and verify passes.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

outside_dir
t=$outside/tree
mkdir -p "$t/a/b/c" "$t/d" || fail mkdir
printf 'same\n' >"$t/a/one"
printf 'same\n' >"$t/d/two"
printf 'x\n' >"$t/a/b/c/deep"
ln -s ../d/two "$t/a/link"
# distinct old times, set after the contents (a directory's changes
# when something is made in it)
touch -h -d '2001-02-03 04:05:06.123456789' "$t/a/link"
touch -d '2002-01-01 00:00:01.5' "$t/a/one"
touch -d '2003-01-01 00:00:02.25' "$t/d/two"
touch -d '2004-01-01 00:00:03' "$t/a/b/c/deep"
touch -d '2005-01-01 00:00:04.000000001' "$t/a/b/c"
touch -d '2006-01-01 00:00:05' "$t/a/b"
touch -d '2007-01-01 00:00:06.75' "$t/a" "$t/d" "$t"

"$SIDEBUNDLE" create -q --out-dir "$outside" --name m --from-host /bin/sh --copy-dir "$t" \
	>create.out 2>&1 || fail "create: $(cat create.out)"
p=$outside/m/payload
for f in "" /a /a/one /a/link /a/b /a/b/c /a/b/c/deep /d /d/two; do
	expect_eq "$(stat -c '%y %F' "$t$f")" "$(stat -c '%y %F' "$p$t$f")" "mtime of tree$f"
done
expect_ne "$(stat -c %i "$p$t/a/one")" "$(stat -c %i "$p$t/d/two")" \
	"alike but for the mtime: two inodes"
# the host's own tree, from the static closure and the links met
for f in /bin/sh /usr/bin /usr/lib; do
	[ -e "$p$f" ] && expect_eq "$(stat -c %y "$f")" "$(stat -c %y "$p$f")" "mtime of $f"
done
[ -L /bin ] && expect_eq "$(stat -c %y /bin)" "$(stat -c %y "$p/bin")" "mtime of the link /bin"
"$SIDEBUNDLE" verify "$outside/m" >verify.out || _sb_bad "verify" ok "$(cat verify.out)"

# the same inputs later: the same manifest, byte for byte
cp "$outside/m/manifest.lock" first.lock
touch "$t/a/one"
"$SIDEBUNDLE" create -q --out-dir "$outside" --name m --from-host /bin/sh --copy-dir "$t" \
	>create.out 2>&1 || fail "create again: $(cat create.out)"
cmp -s first.lock "$outside/m/manifest.lock" || _sb_bad "manifest reproducible" "identical" "differs"
expect_eq "$(stat -c %y "$t/a/one")" "$(stat -c %y "$outside/m/payload$t/a/one")" "a new mtime is taken"
exit 0
