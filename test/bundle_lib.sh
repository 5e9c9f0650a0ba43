# Helpers for the bundler tests (t_bundle_*.sh, t_verify*.sh); sourced
# after test/lib.sh.

SIDEBUNDLE=$SB_BUILD/sidebundle
[ -x "$SIDEBUNDLE" ] || fail "$SIDEBUNDLE is missing: run make"

# need_bwrap: skip unless bwrap can make a namespace here.
need_bwrap() {
	need bwrap
	bwrap --ro-bind / / --proc /proc --dev /dev true 2>/dev/null ||
		skip "bwrap cannot create a namespace here"
}

# in_empty_root PAYLOAD [BWRAP-OPTION...] -- CMD ARGS...: run CMD in a
# root that holds a copy of PAYLOAD and nothing of the host but /proc,
# /dev and an empty /tmp.  The copy keeps the bundle itself untouched.
in_empty_root() {
	local payload=$1
	shift
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	rm -rf "$PWD/.root"
	cp -a "$payload" "$PWD/.root" || fail "cannot copy $payload"
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C \
		bwrap --bind "$PWD/.root" / --proc /proc --dev /dev --tmpfs /tmp \
		"${opts[@]}" --chdir / "$@"
}

# on_host CMD ARGS...: the same command with the same environment.
on_host() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C "$@"
}

# outside_dir: set $outside to a fresh directory outside /tmp (a sandbox
# puts a tmpfs on /tmp, hiding what the bundle holds there), removed when
# the test ends.  Not in $(...): the subshell's trap would remove it.
outside_dir() {
	outside=$(mktemp -d /var/tmp/sbtest.XXXXXX) || fail "mktemp"
	trap 'rc=$?; rm -rf "$outside"; (exit $rc); _sb_exit' EXIT
}

# tree_state DIR: every path below DIR with its type and size, for
# checking that a failed or hostile create wrote nothing.
tree_state() {
	(cd "$1" && find . -path ./out -prune -o -printf '%p %y %s\n' | sort)
}

# manifest_paths BUNDLE: the PATH field of every file/dir/symlink record.
manifest_paths() {
	awk -F '\t' '$1 == "file" || $1 == "dir" || $1 == "symlink" { print $2 }' "$1/manifest.lock"
}
