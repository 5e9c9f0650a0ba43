# The single-file bundle's cache: starts that race while the first one
# extracts wait on its lock and one extracts; what a killed extraction
# left is removed; a cache on a noexec or read-only mount is passed over
# for the next place.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
need flock

"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name tools --from-host /bin/sh \
	--from-host /usr/bin/sort >create.out 2>&1 || fail "create: $(cat create.out)"
"$SIDEBUNDLE" pack -q -l 3 -o tools.pack tools || fail "pack"
mkdir home

pk() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME="$PWD/home" \
		SIDEBUNDLE_CACHE="$PWD/cache" SIDEBUNDLE_VERBOSE=1 "$@"
}
key=$(pk ./tools.pack --sidebundle-info | sed -n 's/^key: //p')
[ -n "$key" ] || fail "no key"

# --- six first starts at once, while the lock is held: all wait, one
# extracts, every one runs
mkdir -m 700 cache
flock cache/"$key".lock sleep 1 &
holder=$!
for _ in $(seq 50); do
	flock -n cache/"$key".lock true 2>/dev/null || break
	sleep 0.05
done
for i in 1 2 3 4 5 6; do
	pk ./tools.pack -c "echo run $i" >out.$i 2>err.$i &
done
wait
expect_eq "6" "$(cat err.* | grep -c 'waiting for another start extracting into')" \
	"the six starts waited on the lock"
expect_eq "1" "$(cat err.* | grep -c '^tools.pack: extracting into')" "one of them extracted"
expect_eq "5" "$(cat err.* | grep -c 'extracted by another start')" "the others used its extraction"
for i in 1 2 3 4 5 6; do
	expect_eq "run $i" "$(cat out.$i)" "start $i ran"
done
expect_eq "$key $key.lock" "$(ls -A cache | tr '\n' ' ' | sed 's/ $//')" \
	"one extraction, no temporary directory left"

# --- what a killed extraction leaves: its temporary directory, and a
# directory without the marker; the next start removes both
pk ./tools.pack --sidebundle-clean >/dev/null
mkdir -p cache/.tmp-"$key"-99999-0/payload/usr cache/"$key"/payload
chmod 555 cache/.tmp-"$key"-99999-0/payload
out=$(pk ./tools.pack -c 'echo fresh' 2>&1)
expect_match 'extracting into' "$out" "a directory without a marker is extracted again"
expect_match '^fresh$' "$out" "... and runs"
expect_eq "$key $key.lock" "$(ls -A cache | tr '\n' ' ' | sed 's/ $//')" \
	"a killed extraction's leftovers are removed"

# --- noexec and read-only mounts are passed over
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	ns=(unshare -m)
elif unshare -rm true 2>/dev/null; then
	ns=(unshare -rm)
else
	skip "no mount namespace here for the noexec and read-only cases"
fi
mkdir nx ro
out=$("${ns[@]}" sh -c '
	mount -t tmpfs -o noexec,mode=700 tmpfs nx && mount -t tmpfs -o ro,mode=700 tmpfs ro || exit 99
	env -i PATH=/usr/bin:/bin HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/nx" ./tools.pack -c "echo ran nx"
	env -i PATH=/usr/bin:/bin HOME="$PWD/home2" SIDEBUNDLE_CACHE="$PWD/ro" ./tools.pack -c "echo ran ro"
	ls -A nx ro' 2>&1)
[ $? != 99 ] || skip "cannot mount a tmpfs here"
expect_match "nx: not used as a cache: mounted noexec" "$out" "a noexec SIDEBUNDLE_CACHE is refused"
expect_match "ro: not used as a cache: mounted read-only" "$out" "a read-only SIDEBUNDLE_CACHE is refused"
expect_match '^ran nx$' "$out" "... the next place is used (noexec)"
expect_match '^ran ro$' "$out" "... the next place is used (read-only)"
[ -f "home/.cache/sidebundle/pack/$key/.sidebundle-pack" ] || fail "noexec: not extracted into ~/.cache"
[ -f "home2/.cache/sidebundle/pack/$key/.sidebundle-pack" ] || fail "read-only: not extracted into ~/.cache"
expect_eq "" "$(ls -A nx ro 2>/dev/null | grep -v ':$' | grep .)" "nothing written to the refused mounts"
