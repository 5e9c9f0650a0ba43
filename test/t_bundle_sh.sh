# sh bundled with a trace, run in an empty root and through bin/sh;
# the same inputs give a byte-identical manifest.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

"$SIDEBUNDLE" create -q --out-dir out --name sh --from-host "/bin/sh::trace=-c 'echo hi'" \
	>create.out 2>&1 || fail "create: $(cat create.out)"
[ -f out/sh/manifest.lock ] && [ -x out/sh/bin/sh ] && [ -d out/sh/payload ] ||
	fail "bundle layout: $(ls -R out | head)"
expect_eq "" "$(ls -A out | grep -v '^sh$')" "nothing but DIR/NAME in DIR"
expect_match $'^entry\tsh\t/bin/sh\telf-dynamic\t/lib64/ld-linux-x86-64.so.2$' \
	"$(cat out/sh/manifest.lock)" "entry record"
# symlinks are kept at every level: /bin -> usr/bin, sh -> dash
expect_eq "usr/bin" "$(readlink out/sh/payload/bin)" "/bin is a symlink"
expect_eq "dash" "$(readlink out/sh/payload/usr/bin/sh)" "/usr/bin/sh is a symlink"
for d in proc dev tmp sys run etc; do
	[ -d "out/sh/payload/$d" ] || _sb_bad "mount point /$d" "a directory" "none"
done
expect_eq "hi" "$(out/sh/bin/sh -c 'echo hi')" "bin/sh on the host"
out/sh/bin/sh -c 'exit 7'
expect_eq 7 "$?" "exit status passes through bin/sh"
mv out/sh moved
expect_eq "moved" "$(moved/bin/sh -c 'echo moved')" "bin/sh after the bundle moved"
mv moved out/sh

need_bwrap
host=$(on_host /bin/sh -c 'echo hi; echo "$0" "$#"' a b c)
got=$(in_empty_root out/sh/payload -- /bin/sh -c 'echo hi; echo "$0" "$#"' a b c 2>&1)
expect_eq "$host" "$got" "sh in an empty root"
# nothing of the host: ls is not in the bundle
got=$(in_empty_root out/sh/payload -- /bin/sh -c 'ls /' 2>&1)
expect_match "not found" "$got" "ls is not in the empty root"

"$SIDEBUNDLE" create -q --out-dir out2 --name sh --from-host "/bin/sh::trace=-c 'echo hi'" \
	>/dev/null 2>&1 || fail "second create"
cmp out/sh/manifest.lock out2/sh/manifest.lock >/dev/null ||
	_sb_bad "reproducible manifest" "identical" "$(diff out/sh/manifest.lock out2/sh/manifest.lock | head)"
