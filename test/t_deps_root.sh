#!/bin/bash
# sidebundle deps -r ROOT on a small copied root: the root's files, its
# symlinks (absolute targets re-rooted), no ld.so.cache, and nothing
# taken from the host even when the host has it.
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"
[ -e /lib/x86_64-linux-gnu/libc.so.6 ] || skip "needs x86-64 Debian paths"

golden() {
	local f=$SB_SRC/test/golden/deps/$1 got
	got=$(printf '%s\n' "$2" | sed "s|$PWD|@PWD@|g")
	if [ "${SB_UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$got" >"$f"
	fi
	expect_eq "$(cat "$f")" "$got" "deps output vs golden/deps/$1"
}

R=$PWD/root
mkdir -p "$R"/usr/bin "$R"/usr/lib/x86_64-linux-gnu "$R"/usr/lib64 "$R"/etc
ln -s usr/bin "$R"/bin
ln -s usr/lib "$R"/lib
ln -s usr/lib64 "$R"/lib64
cp /usr/bin/dash /usr/bin/bash /usr/bin/env "$R"/usr/bin/
ln -s dash "$R"/usr/bin/sh
cp /lib/x86_64-linux-gnu/libc.so.6 "$R"/usr/lib/x86_64-linux-gnu/
cp /lib64/ld-linux-x86-64.so.2 "$R"/usr/lib64/
# An absolute symlink inside the root must stay inside it: this one
# would reach the host's libtinfo if followed on the host.
ln -s /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4 "$R"/usr/lib/x86_64-linux-gnu/libtinfo.so.6
printf '#!/bin/sh -e\n' >"$R"/usr/bin/script
printf '#!/usr/bin/env bash\n' >"$R"/usr/bin/envscript
chmod +x "$R"/usr/bin/script "$R"/usr/bin/envscript

rc=0
out=$("$SB" deps -r "$R" /bin/sh usr/bin/script /usr/bin/envscript 2>err) || rc=$?
expect_eq 0 "$rc" "exit status"
golden root.out "$out"

# bash needs libtinfo, which the root lacks (its symlink dangles in the
# root): not found, although the host has it.
rc=0
out=$("$SB" deps -r "$R" /bin/bash 2>err) || rc=$?
expect_eq 1 "$rc" "missing direct need inside the root"
expect_match '^    libtinfo.so.6 => not found$' "$out" "host library not used"
# Once the root has the file, the absolute link resolves inside it.
cp /usr/lib/x86_64-linux-gnu/libtinfo.so.6.4 "$R"/usr/lib/x86_64-linux-gnu/
out=$("$SB" deps -r "$R" /bin/bash 2>err)
expect_match '^    libtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6$' "$out" "re-rooted absolute link"

# A link climbing out with .. stays in the root.
ln -s ../../../../../../../../usr/bin/dash "$R"/usr/bin/climb
out=$("$SB" deps -r "$R" /usr/bin/climb 2>err)
expect_match "^/usr/bin/climb \\(interpreter => /lib64/ld-linux-x86-64.so.2\\)\$" "$out" ".. stays in the root"
