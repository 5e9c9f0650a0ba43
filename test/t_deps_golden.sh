#!/bin/bash
# sidebundle deps on real Debian 12 binaries against golden output
# (test/golden/deps/*.out; SB_UPDATE_GOLDEN=1 rewrites them).
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"
case $(cat /etc/debian_version 2>/dev/null) in
12.*) ;;
*) skip "golden files were made on Debian 12" ;;
esac
[ "$(uname -m)" = x86_64 ] || skip "golden files were made on x86_64"

# golden NAME ACTUAL: compare with test/golden/deps/NAME.
golden() {
	local f=$SB_SRC/test/golden/deps/$1
	if [ "${SB_UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$2" >"$f"
	fi
	expect_eq "$(cat "$f")" "$2" "deps output vs golden/deps/$1"
}

for p in /usr/bin/python3 /usr/bin/perl /usr/bin/git /bin/sh; do
	need "$p"
	rc=0
	out=$("$SB" deps "$p" 2>err) || rc=$?
	expect_eq 0 "$rc" "exit status of deps $p"
	expect_eq "" "$(cat err)" "stderr of deps $p"
	golden "$(basename "$p").out" "$out"
done

# Several files: the trees one after the other, each complete.
out=$("$SB" deps /usr/bin/git /usr/bin/perl)
expect_eq "$(cat "$SB_SRC/test/golden/deps/git.out" "$SB_SRC/test/golden/deps/perl.out")" \
	"$out" "two files, two full trees"

# The loader's own answer agrees on every library of python3.
ldd_libs=$(ldd /usr/bin/python3 | awk '$2 == "=>" { print $1 }' | sort -u)
# (ldd prints ld.so without "=>".)
our_libs=$("$SB" deps /usr/bin/python3 | awk '$2 == "=>" && $1 !~ /^ld-linux/ { print $1 }' | sort -u)
expect_eq "$ldd_libs" "$our_libs" "same library names as ldd"
ldd_paths=$(ldd /usr/bin/python3 | awk '$2 == "=>" { print $1, $3 }' | sort -u)
our_paths=$("$SB" deps /usr/bin/python3 | awk '$2 == "=>" && $1 !~ /^ld-linux/ { print $1, $3 }' | sort -u)
expect_eq "$ldd_paths" "$our_paths" "same paths as ldd"
