# create --trace-backend ptrace traces a static program (busybox-static)
# with ptrace, so what it reads inside comes into the bundle too.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

bb=/usr/bin/busybox
[ -x "$bb" ] || skip "busybox-static is not installed"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || skip "$bb is not static"
# A file only busybox reads (the test directory is under /tmp, which
# bundles leave out on purpose).
in=/etc/hostname
[ -r "$in" ] || skip "$in is not readable"

rc=0
out=$("$SIDEBUNDLE" create --out-dir out --name bb --trace-backend ptrace \
	--from-host "$bb::trace=cat $in" 2>&1) || rc=$?
[ "$rc" -eq 0 ] || fail "create with ptrace: $out"
expect_match "$(printf 'file\t%s\t' "$in")" "$(cat out/bb/manifest.lock)" \
	"the file busybox read under ptrace is in the manifest"
expect_eq yes "$([ -f "out/bb/payload$in" ] && echo yes)" "and in the payload"
expect_eq "$(cat "$in")" "$(out/bb/bin/busybox cat "$in")" "the bundled busybox runs"
