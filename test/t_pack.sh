# sidebundle pack: its usage and errors; the single file runs its first
# entry, another under that entry's name (a link, a copy, a chain of
# links) or the one -e chose; exit status and signals pass through; the
# first start extracts into the cache what the bundle holds (modes,
# mtimes, links; `verify` agrees), a warm start does not extract again;
# the cache places in order, and a cache others may write is not used;
# --sidebundle-info, --sidebundle-extract and --sidebundle-clean.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name tools --from-host /bin/sh \
	--from-host /usr/bin/sort >create.out 2>&1 || fail "create: $(cat create.out)"
b=$PWD/tools
mkdir home

# pk ARGS...: run with a clean environment, the cache in ./cache
pk() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME="$PWD/home" \
		SIDEBUNDLE_CACHE="$PWD/cache" "$@"
}

# --- usage and errors
out=$("$SIDEBUNDLE" pack --help)
expect_eq 0 "$?" "pack --help: exit status"
expect_match '^usage: sidebundle pack \[-q\] \[-e ENTRY\] \[-l LEVEL\] -o FILE DIR/NAME$' "$out" \
	"pack --help: usage"
expect_match 'sidebundle pack ' "$("$SIDEBUNDLE" --help)" "sidebundle --help lists pack"
rc=0
"$SIDEBUNDLE" pack "$b" 2>err || rc=$?
expect_eq 2 "$rc" "no -o: usage error"
expect_match '-o FILE is required' "$(cat err)" "no -o: says so"
rc=0
"$SIDEBUNDLE" pack -o x "$b" "$b" 2>/dev/null || rc=$?
expect_eq 2 "$rc" "two bundles: usage error"
rc=0
"$SIDEBUNDLE" pack -l 99 -o x "$b" 2>err || rc=$?
expect_eq 2 "$rc" "-l 99: usage error"
rc=0
"$SIDEBUNDLE" pack -o x "$PWD/nonexistent" 2>err || rc=$?
expect_eq 1 "$rc" "no such bundle: failure"
expect_match 'nonexistent' "$(cat err)" "no such bundle: named"
rc=0
"$SIDEBUNDLE" pack -e python3 -o x "$b" 2>err || rc=$?
expect_eq 1 "$rc" "-e with an entry the bundle lacks"
expect_match 'no entry named python3' "$(cat err)" "-e: says which"
echo precious >notapack
rc=0
"$SIDEBUNDLE" pack -l 1 -o notapack "$b" 2>err || rc=$?
expect_eq 1 "$rc" "an existing file that is no single-file bundle"
expect_match 'not a single-file bundle: not replaced' "$(cat err)" "... says so"
expect_eq precious "$(cat notapack)" "... and is left alone"
[ ! -e x ] || fail "a failed pack left its output"

# a bundle whose payload no longer matches its manifest is not packed
cp -a "$b" broken
echo changed >>broken/payload/etc/nsswitch.conf
rc=0
"$SIDEBUNDLE" pack -l 1 -o broken.pack broken 2>err || rc=$?
expect_eq 1 "$rc" "a payload that differs from its manifest"
expect_match 'payload/etc/nsswitch.conf: not as manifest.lock says|not the file manifest.lock lists' \
	"$(cat err)" "... names the file"
expect_eq "" "$(ls -A | grep 'broken\.pack')" "... and leaves no file"

# --- pack, at the default level
"$SIDEBUNDLE" pack -o tools.pack "$b" 2>pack.err || fail "pack: $(cat pack.err)"
expect_match '^sidebundle: tools.pack: [0-9]+ bytes \([0-9]+ files, [0-9]+ bytes of bundle, zstd -19\); runs sh' \
	"$(cat pack.err)" "pack says what it wrote"
[ -x tools.pack ] || fail "tools.pack is not executable"
n=$(stat -c %s "$SB_BUILD/sidebundle-launcher")
cmp -s -n "$n" "$SB_BUILD/sidebundle-launcher" tools.pack || fail "tools.pack does not start with the launcher"
expect_eq "8953425041434b0a" "$(tail -c 8 tools.pack | od -An -tx1 | tr -d ' \n')" \
	"the file ends with the magic"

# --- run it: the first entry (sh), then others by name
expect_eq "hello from ./tools.pack" "$(pk ./tools.pack -c 'echo hello from $0')" \
	"the first start runs the first entry, argv[0] as called"
[ -d cache ] || fail "no cache was made"
key=$(pk ./tools.pack --sidebundle-info | sed -n 's/^key: //p')
expect_match '^[0-9a-f]{64}$' "$key" "--sidebundle-info: the key"
x=$PWD/cache/$key
expect_eq "sidebundle-pack 1 $key" "$(cat "$x/.sidebundle-pack")" "the completion marker"
expect_eq "extracted: $x" "$(pk ./tools.pack --sidebundle-info | grep '^extracted:')" \
	"--sidebundle-info: where it is"
expect_eq "$(sha256sum <"$b/manifest.lock" | cut -c1-64)" \
	"$(pk ./tools.pack --sidebundle-info | sed -n 's/^manifest: sha256 //p')" \
	"the trailer holds the manifest's sha256"
rc=0
pk ./tools.pack -c 'exit 7' || rc=$?
expect_eq 7 "$rc" "the exit status passes through"
rc=0
(pk ./tools.pack -c 'kill -9 $$') 2>/dev/null || rc=$?
expect_eq 137 "$rc" "killed by SIGKILL: 128+9"
ln -s tools.pack sort
expect_eq $'a\nb' "$(printf 'b\na\n' | pk ./sort)" "linked as sort, it runs sort"
ln -s sort chain
expect_eq $'a\nb' "$(printf 'b\na\n' | pk ./chain)" "a link to that link runs sort too"
mkdir copy && cp tools.pack copy/sort && cp tools.pack copy/other
expect_eq $'a\nb' "$(printf 'b\na\n' | pk copy/sort)" "copied as sort, it runs sort"
expect_eq "sh" "$(pk copy/other -c 'echo sh')" "copied under no entry's name: the first entry"
"$SIDEBUNDLE" pack -q -l 3 -e sort -o sort.pack "$b" || fail "pack -e sort"
expect_eq $'a\nb' "$(printf 'b\na\n' | pk ./sort.pack)" "-e sort: runs sort by default"
expect_eq "default entry: sort" "$(pk ./sort.pack --sidebundle-info | grep '^default entry')" \
	"-e sort: --sidebundle-info says so"
ln -s sort.pack sh
expect_eq "sh" "$(pk ./sh -c 'echo sh')" "-e sort, linked as sh: sh"
# the same bundle packed again replaces the file
"$SIDEBUNDLE" pack -q -l 3 -o sort.pack "$b" || fail "pack over a single-file bundle"
expect_eq "default entry: (the first)" "$(pk ./sort.pack --sidebundle-info | grep '^default entry')" \
	"an existing single-file bundle is replaced"

# --- what was extracted is the bundle
(cd "$b/payload" && find . -printf '%y %m %n %s %T@ %p -> %l\n' | sort -k6) >want
(cd "$x/payload" && find . -printf '%y %m %n %s %T@ %p -> %l\n' | sort -k6) >got
expect_eq "" "$(diff want got)" "the payload: types, modes, link counts, sizes, mtimes, targets"
diff -r --no-dereference "$b/payload" "$x/payload" >/dev/null || fail "the payload's bytes differ"
cmp -s "$b/manifest.lock" "$x/manifest.lock" || fail "manifest.lock differs"
[ -s "$b/why" ] || fail "the bundle has no why file"
cmp -s "$b/why" "$x/why" || fail "the why file differs (sidebundle show needs it)"
expect_eq "$("$SIDEBUNDLE" show "$b" | grep -c 'DT_NEEDED of')" "$("$SIDEBUNDLE" show "$x" | grep -c 'DT_NEEDED of')" \
	"sidebundle show of the extraction gives the reasons"
expect_eq "ok: $("$SIDEBUNDLE" verify "$b" | sed 's/^ok: //')" "$("$SIDEBUNDLE" verify "$x")" \
	"sidebundle verify of the extraction"
expect_eq ".sidebundle-launcher .sidebundle-shim.so sh sort" "$(ls -A "$x/bin" | tr '\n' ' ' | sed 's/ $//')" \
	"bin/: the launcher, the shim, the entries"
cmp -s "$SB_BUILD/sidebundle-launcher" "$x/bin/.sidebundle-launcher" ||
	fail "bin/.sidebundle-launcher is not the launcher that packed"
expect_eq "sh" "$(env -i "$x/bin/sh" -c 'echo sh')" "the extraction runs as a bundle directory"
expect_eq 700 "$(stat -c %a cache)" "the cache directory is private"
expect_eq "" "$(ls -A cache | grep -v "^$key\(\.lock\)\?\$")" "the cache holds the extraction and its lock only"

# --- a warm start does not extract again
ino=$(stat -c %i "$x") mt=$(stat -c %Y.%i "$x/.sidebundle-pack")
out=$(pk env SIDEBUNDLE_VERBOSE=1 ./tools.pack -c 'echo warm' 2>&1)
expect_eq $'tools.pack: using '"$x"$'\nwarm' "$out" "a warm start uses the extraction"
expect_eq "$ino $mt" "$(stat -c %i "$x") $(stat -c %Y.%i "$x/.sidebundle-pack")" \
	"... the same directory and marker"
# a marker that does not match is no extraction: made again
echo "sidebundle-pack 1 0000" >"$x/.sidebundle-pack"
out=$(pk env SIDEBUNDLE_VERBOSE=1 ./tools.pack -c 'echo again' 2>&1)
expect_match 'extracting into' "$out" "a wrong marker: extracted again"
expect_eq "sidebundle-pack 1 $key" "$(cat "$x/.sidebundle-pack")" "... in place of the stale one"

# --- where the cache goes without SIDEBUNDLE_CACHE
mkdir xdg
env -i PATH=/usr/bin:/bin HOME="$PWD/home" XDG_CACHE_HOME="$PWD/xdg" ./tools.pack -c true ||
	fail "with XDG_CACHE_HOME"
[ -f "xdg/sidebundle/pack/$key/.sidebundle-pack" ] || fail "not extracted into \$XDG_CACHE_HOME/sidebundle/pack"
env -i PATH=/usr/bin:/bin HOME="$PWD/home" ./tools.pack -c true || fail "with HOME"
[ -f "home/.cache/sidebundle/pack/$key/.sidebundle-pack" ] || fail "not extracted into ~/.cache/sidebundle/pack"
expect_eq 700 "$(stat -c %a home/.cache)" "~/.cache made private"
# a cache others may write is not used, with a warning
mkdir shared home2 && chmod 777 shared
out=$(env -i PATH=/usr/bin:/bin HOME="$PWD/home2" SIDEBUNDLE_CACHE="$PWD/shared" ./tools.pack -c 'echo ran' 2>&1)
expect_match 'shared: not used as a cache: another user.s, or writable by others' "$out" \
	"a world-writable SIDEBUNDLE_CACHE is refused"
expect_match '^ran$' "$out" "... and the next place used"
expect_eq "" "$(ls -A shared)" "... nothing written there"

# --- --sidebundle-extract DIR
out=$(pk ./tools.pack --sidebundle-extract "$PWD/ex" 2>&1)
expect_eq 0 "$?" "--sidebundle-extract: exit status"
expect_match "extracted [0-9]+ files .* into $PWD/ex" "$out" "--sidebundle-extract says what it did"
(cd ex/payload && find . -printf '%y %m %n %s %T@ %p -> %l\n' | sort -k6) >got2
expect_eq "" "$(diff want got2)" \
	"--sidebundle-extract: the payload as in the bundle"
expect_eq "sh" "$(ex/bin/sh -c 'echo sh')" "--sidebundle-extract: a bundle directory that runs"
rc=0
pk ./tools.pack --sidebundle-extract ex 2>err || rc=$?
expect_eq 1 "$rc" "--sidebundle-extract onto an existing path"
expect_match 'ex exists: not replaced' "$(cat err)" "... says so"
expect_eq "" "$(ls -A | grep '\.tmp')" "... and leaves no temporary directory"
rc=0
pk ./tools.pack --sidebundle-unknown 2>err || rc=$?
expect_eq 2 "$rc" "an unknown --sidebundle- option: usage error"
expect_match '^usage: FILE \[ARG \.\.\.\]$' "$(cat err)" "... with the usage"

# --- --sidebundle-clean
out=$(pk ./tools.pack --sidebundle-clean)
expect_eq 0 "$?" "--sidebundle-clean: exit status"
expect_eq "removed $x"$'\n'"removed $PWD/home/.cache/sidebundle/pack/$key" "$out" \
	"--sidebundle-clean: says what it removed, in every place"
expect_eq "" "$(ls -A cache)" "--sidebundle-clean: nothing left, the lock neither"
expect_eq "extracted: no" "$(pk ./tools.pack --sidebundle-info | grep '^extracted:')" "... not extracted"
expect_match 'nothing to remove' "$(pk ./tools.pack --sidebundle-clean)" "cleaning twice"
out=$(env -i PATH=/usr/bin:/bin HOME="$PWD/home" XDG_CACHE_HOME="$PWD/xdg" ./tools.pack --sidebundle-clean)
expect_eq "removed $PWD/xdg/sidebundle/pack/$key" "$out" "--sidebundle-clean: in \$XDG_CACHE_HOME"
expect_eq "sh" "$(pk ./tools.pack -c 'echo sh')" "after a clean, the next start extracts again"
