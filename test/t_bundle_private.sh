# What a trace reads under its working directory and $HOME is the
# user's, not the program's: left out with a warning naming the
# directory and --include, unless --include'd, or an entry lives there;
# what it reads inside the bundle being written is left out too.  A
# bundle so made binds the cwd in bwrap mode without complaint.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

outside_dir
w=$outside/work h=$outside/home
mkdir -p "$w" "$h/.config" "$outside/out" || fail mkdir
echo data >"$w/data.txt"
echo conf >"$h/.config/x.conf"
cmd='cat data.txt "$HOME/.config/x.conf" /etc/hostname'
mk() {
	(cd "$w" && env -i PATH=/usr/bin:/bin HOME="$h" "$SIDEBUNDLE" create --no-check \
		--out-dir "$outside/out" --name "$@")
}
mk p --from-host /bin/cat --trace "$cmd; cat '$outside/out/p/manifest.lock' 2>/dev/null" \
	>create.out 2>create.err || fail "create: $(cat create.err)"
# again, so that the trace reads the bundle of the same name
mk p --from-host /bin/cat --trace "$cmd; cat '$outside/out/p/manifest.lock' >/dev/null" \
	>create.out 2>create.err || fail "create: $(cat create.err)"
paths=$(manifest_paths "$outside/out/p")
expect_nomatch "^$w" "$paths" "nothing of the cwd"
expect_nomatch "^$h" "$paths" "nothing of \$HOME"
expect_nomatch "^$outside/out" "$paths" "nothing of the bundle being replaced"
expect_match '^/etc/hostname$' "$paths" "what the program reads elsewhere"
err=$(cat create.err)
expect_match "warning: left out 1 path under the trace's working directory $w: .*--include GLOB" "$err" \
	"a warning names the cwd and --include"
expect_match "warning: left out 1 path under \\\$HOME $h: " "$err" "... and \$HOME"
expect_match "left out 1 path inside the bundle being written" "$err" "... and counts the bundle's own"
expect_nomatch "^data$" "$(cat create.out)" "the traced command's output is not on stdout"

mk i --from-host /bin/cat --trace "$cmd" --include "$w/data.txt" >/dev/null 2>&1 || fail "create i"
paths=$(manifest_paths "$outside/out/i")
expect_match "^$w/data\\.txt\$" "$paths" "--include brings a file of the cwd"
expect_nomatch "x\\.conf" "$paths" "... and nothing else"

# an entry in the cwd: what it uses beside it is its own
printf '#!/bin/sh\n. "$(dirname "$0")/lib.sh"\necho "$greeting"\n' >"$w/tool"
echo 'greeting=hello' >"$w/lib.sh"
chmod +x "$w/tool"
mk t --from-host "$w/tool::trace=" >/dev/null 2>&1 || fail "create t"
expect_match "^$w/lib\\.sh\$" "$(manifest_paths "$outside/out/t")" "an entry's neighbour in the cwd"

# bwrap mode binds the cwd: the bundle does not hold it
if command -v bwrap >/dev/null && bwrap --ro-bind / / true 2>/dev/null; then
	got=$(cd "$w" && HOME="$h" in_mode bwrap "$outside/out/p" cat data.txt 2>&1)
	expect_eq "data" "$got" "bwrap mode binds the cwd, with no warning"
fi
exit 0
