# create --copy-dir SRC[:DEST]: a tree of files, subdirectories, an
# empty directory and links (relative, absolute, dangling) copied to
# DEST, nested or not, through a link of the root, to SRC's own path,
# twice into one DEST; links copied as links; the payload verifies and
# a bundled sh reads it in an empty root; show names --copy-dir as the
# reason.  A relative SRC or DEST is a usage error (exit 2); a SRC that
# is no directory and a DEST through a file are errors (exit 1).
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

outside_dir
src=$outside/src
mkdir -p "$src/sub/deeper" "$src/empty"
printf 'top\n' >"$src/f"
printf 'deep\n' >"$src/sub/deeper/g"
printf '#!/bin/sh\necho run\n' >"$src/sub/run.sh"
chmod 755 "$src/sub/run.sh"
ln -s f "$src/rel"
ln -s sub/deeper "$src/dirlink"
ln -s "$src/f" "$src/abs"
ln -s nowhere "$src/dangling"

# create NAME --copy-dir SPEC...: a bundle of sh with these copies
create() {
	local name=$1
	shift
	local args=() s
	for s in "$@"; do
		args+=(--copy-dir "$s")
	done
	"$SIDEBUNDLE" create -q --no-check --out-dir "$outside/out" --name "$name" \
		--from-host /bin/sh "${args[@]}" >create.out 2>&1
}

# tree_of DIR: what is below DIR, with types and link targets
tree_of() {
	(cd "$1" && find . -mindepth 1 -printf '%p %y %l\n' | sort)
}

expected=$(tree_of "$src")

# --- DEST a new top-level directory -------------------------------------
create data "$src:/data" || fail "create --copy-dir SRC:/data: $(cat create.out)"
p=$outside/out/data/payload
expect_eq "$expected" "$(tree_of "$p/data")" "the tree at /data"
expect_eq "deep" "$(cat "$p/data/sub/deeper/g")" "a file two levels down"
expect_eq "f" "$(readlink "$p/data/rel")" "a relative link kept"
expect_eq "sub/deeper" "$(readlink "$p/data/dirlink")" "a link to a directory kept, not followed"
expect_eq "$src/f" "$(readlink "$p/data/abs")" "an absolute link outside the payload kept as written"
expect_eq "nowhere" "$(readlink "$p/data/dangling")" "a dangling link kept"
[ -d "$p/data/empty" ] || _sb_bad "the empty directory" "a directory" "none"
[ -x "$p/data/sub/run.sh" ] || _sb_bad "the mode of run.sh" "executable" "not"
m=$(cat "$outside/out/data/manifest.lock")
expect_match $'^file\t/data/sub/deeper/g\t0644\t5\t[0-9a-f]{64}\tcopy$' "$m" "a file record, origin copy"
expect_match $'^symlink\t/data/rel\tf\tcopy$' "$m" "a link record, origin copy"
expect_match $'^dir\t/data/empty\t0755\tcopy$' "$m" "the empty directory's record"
expect_match $'^dir\t/data\t0755\tcopy$' "$m" "DEST itself, made"
out=$("$SIDEBUNDLE" verify "$outside/out/data" 2>&1)
expect_eq 0 "$?" "verify: $out"
show=$("$SIDEBUNDLE" show "$outside/out/data")
expect_match '^copy: 3 files \(.*\), 4 symlinks$' "$show" "show: the copy group"
expect_match " /data/sub/deeper/g  \\(--copy-dir $src:/data\\)\$" "$show" "show: why"
expect_match ' /data/rel -> f  \(--copy-dir ' "$show" "show: a link and why"
expect_nomatch "^$src" "$(manifest_paths "$outside/out/data")" "SRC's own path is not in the payload"
if bwrap --ro-bind / / --proc /proc --dev /dev true 2>/dev/null; then
	got=$(in_empty_root "$p" -- /bin/sh -c \
		'read a </data/f; read b </data/rel; read c </data/dirlink/g; echo $a $b $c; /data/sub/run.sh' 2>&1)
	expect_eq $'top top deep\nrun' "$got" "sh reads the copied tree in an empty root"
fi

# --- DEST nested, under directories the root lacks ------------------------
create nested "$src:/opt/sbtest/a/b" || fail "create nested: $(cat create.out)"
p=$outside/out/nested/payload
expect_eq "$expected" "$(tree_of "$p/opt/sbtest/a/b")" "the tree at a nested DEST"
for d in /opt/sbtest /opt/sbtest/a /opt/sbtest/a/b; do
	expect_match $'^dir\t'"$d"$'\t0755\tcopy$' "$(cat "$outside/out/nested/manifest.lock")" \
		"$d made"
done

# --- DEST through a link of the root (/lib -> usr/lib) --------------------
if [ -L /lib ] && [ "$(readlink /lib)" = usr/lib ]; then
	create vialink "$src:/lib/sbtest" || fail "create via /lib: $(cat create.out)"
	p=$outside/out/vialink/payload
	expect_eq "usr/lib" "$(readlink "$p/lib")" "/lib kept as the link it is"
	expect_eq "$expected" "$(tree_of "$p/usr/lib/sbtest")" "the tree where /lib/sbtest leads"
fi

# --- DEST spelled with a trailing '/' or '.', SRC as DEST, two into one ----
for spec in "$src:/data/" "$src:/data/." "$src/:/data" "$src/./:/data"; do
	create spelled "$spec" || _sb_bad "create --copy-dir $spec" "exit 0" "$(cat create.out)"
	expect_eq "$expected" "$(tree_of "$outside/out/spelled/payload/data")" "$spec"
done
create same "$src" || fail "create --copy-dir SRC: $(cat create.out)"
# there the absolute link leads into the payload: written relative
expect_eq "$(printf '%s\n' "$expected" | sed "s|^\./abs l .*|./abs l f|")" \
	"$(tree_of "$outside/out/same/payload$src")" "SRC at its own path"
mkdir -p "$outside/src2"
printf 'other\n' >"$outside/src2/h"
create two "$src:/data" "$outside/src2:/data" || fail "create two: $(cat create.out)"
expect_eq "other" "$(cat "$outside/out/two/payload/data/h")" "the second tree's file"
expect_eq "top" "$(cat "$outside/out/two/payload/data/f")" "the first tree's file"

# --- bad input ------------------------------------------------------------
rc=0
create bad plain:/data || rc=$?
expect_eq 2 "$rc" "a relative SRC: usage"
expect_match '^sidebundle: create: --copy-dir plain:/data: SRC must be an absolute path$' \
	"$(cat create.out)" "a relative SRC: said"
expect_match '^usage: sidebundle create ' "$(cat create.out)" "a relative SRC: the usage"
rc=0
create bad "$src:data" || rc=$?
expect_eq 2 "$rc" "a relative DEST: usage"
expect_match "^sidebundle: create: --copy-dir $src:data: DEST must be an absolute path\$" \
	"$(cat create.out)" "a relative DEST: said"
rc=0
create bad "$src/f:/data" || rc=$?
expect_eq 1 "$rc" "SRC a file"
expect_match "^sidebundle: --copy-dir $src/f: not a directory in /\$" "$(cat create.out)" \
	"SRC a file: said"
rc=0
create bad "$outside/nosuch:/data" || rc=$?
expect_eq 1 "$rc" "SRC missing"
expect_match "^sidebundle: --copy-dir $outside/nosuch: not a directory in /\$" \
	"$(cat create.out)" "SRC missing: said"
rc=0
create bad "$src:/etc/passwd/x" || rc=$?
expect_eq 1 "$rc" "DEST through a file"
expect_match "^sidebundle: --copy-dir $src:/etc/passwd/x: destination is not a directory\$" \
	"$(cat create.out)" "DEST through a file: said"
[ -e "$outside/out/bad" ] && _sb_bad "no bundle after an error" "none" "$outside/out/bad"
exit 0
