# Host mode and the payload's caches: fc-list bundled with its trace
# lists the host's fonts from the payload's fontconfig cache, which the
# kept mtimes leave valid, so nothing is written anywhere and verify
# passes after the run.  With the payload's cache made stale, fontconfig
# rebuilds it in the user's cache ($HOME/.cache/fontconfig): never in
# the host's /var/cache/fontconfig, which the shim keeps read-only.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need fc-list
sys=/var/cache/fontconfig
[ -d "$sys" ] && ls "$sys"/*.cache-* >/dev/null 2>&1 || skip "no system fontconfig cache in $sys"
outside_dir
mkdir -p "$outside/home" "$outside/h1" "$outside/h2"

# fc HOME ARGS: fc-list as the host has it, with HOME and nothing else
fc() {
	local home=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$home" "$@"
}
want=$(fc "$outside/home" fc-list : family file | sort)
[ -n "$want" ] || skip "fc-list finds no fonts here"
# a host cache that fontconfig itself finds stale is rebuilt per user,
# then the bundle's copy of it is stale too: nothing to learn
host_stale=$([ -d "$outside/home/.cache/fontconfig" ] && echo yes)

fc "$outside/home" "$SIDEBUNDLE" create -q --out-dir "$outside" --name fc \
	--from-host '/usr/bin/fc-list::trace=: family file' >create.out 2>&1 ||
	fail "create: $(cat create.out)"
b=$outside/fc
expect_match "^$sys/[0-9a-f]+-[^/]*\\.cache-[0-9]+\$" "$(manifest_paths "$b")" "the payload has the fontconfig cache"

state() {
	find "$sys" -printf '%p %y %s %T@ %i\n' | sort
}
before=$(state)
got=$(fc "$outside/h1" env SIDEBUNDLE_RUN_MODE=host "$b/bin/fc-list" : family file | sort)
expect_eq "$want" "$got" "fc-list in host mode lists the fonts"
expect_eq "$before" "$(state)" "nothing written under $sys"
if [ -z "$host_stale" ]; then
	expect_eq "" "$(find "$outside/h1" -mindepth 1)" "the payload's cache is valid: nothing written at all"
fi
"$SIDEBUNDLE" verify "$b" >verify.out || _sb_bad "verify after a run" ok "$(cat verify.out)"

# stale: the font directories changed since the cache was made
find "$b/payload/usr/share/fonts" -type d -exec touch {} + 2>/dev/null ||
	skip "the payload has no /usr/share/fonts"
got=$(fc "$outside/h2" env SIDEBUNDLE_RUN_MODE=host "$b/bin/fc-list" : family file | sort)
expect_eq "$want" "$got" "fc-list with a stale cache"
expect_eq "$before" "$(state)" "a stale cache is not rebuilt in $sys"
expect_match '\.cache-[0-9]+$' "$(find "$outside/h2/.cache/fontconfig" -type f 2>/dev/null)" \
	"it is rebuilt in the user's cache"
"$SIDEBUNDLE" verify "$b" >verify.out || _sb_bad "verify after a rebuild" ok "$(cat verify.out)"
exit 0
