# The sandbox modes on locked-down hosts name the real cause and what to
# do: a seccomp filter that refuses new namespaces (chroot mode as root,
# bwrap mode as root and as a user: not "needs root", not bwrap's "the
# kernel does not allow non-privileged user namespaces"), root without
# CAP_SYS_ADMIN, a user namespace whose /proc is partly mounted over (a
# container's masks).  In a rootless user namespace chroot mode runs,
# with its own PID namespace and /proc and no capability left.  Nothing
# of the entry runs when the mode cannot be set up.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

[ "$(id -u)" = 0 ] || skip "the cases are made as root"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
[ "$(uname -m)" = x86_64 ] || skip "test/progs/nonamespace's filter has x86_64 numbers"
NONS=$PROGS/nonamespace
[ -x "$NONS" ] || fail "$NONS is missing: run make tests"
"$SIDEBUNDLE" create -q --trace-backend off --out-dir "$PWD" --name b --from-host /bin/sh \
	>create.out 2>&1 || fail "create: $(cat create.out)"
b=$PWD/b
world_readable "$b"
# what the entry prints of itself: its pid, then the status lines
show='echo pid $$; while read k v; do case $k in Uid:|CapEff:|CapPrm:|CapBnd:|NoNewPrivs:) echo $k $v;; esac; done </proc/self/status'

# run_in MODE [WRAPPER...] -- ARGS: the entry sh in MODE, status in $rc.
run_in() {
	local mode=$1
	shift
	local wrap=()
	while [ "$1" != -- ]; do
		wrap+=("$1")
		shift
	done
	shift
	rc=0
	out=$("${wrap[@]}" env -i PATH=/usr/bin:/bin HOME=/nonexistent SIDEBUNDLE_RUN_MODE="$mode" \
		"$b/bin/sh" "$@" 2>&1) || rc=$?
}

# a seccomp filter refuses namespaces: chroot mode as root
run_in chroot "$NONS" -- -c 'echo ran'
expect_eq 126 "$rc" "chroot mode under a filter: exit 126"
expect_match '^sidebundle-launcher: chroot mode needs new namespaces, and a seccomp filter on this process refuses them \(unshare\(2\) and clone\(2\) with namespace flags\)' \
	"$out" "chroot mode under a filter: names the filter"
expect_match 'allow unshare, setns and clone with namespace flags in its seccomp profile \(Docker, Podman: --security-opt seccomp=PROFILE, not --privileged; systemd: RestrictNamespaces=\); or use SIDEBUNDLE_RUN_MODE=host$' \
	"$out" "chroot mode under a filter: says what to do"
expect_nomatch 'needs root|ran' "$out" "chroot mode under a filter: does not blame root, runs nothing"

# bwrap mode under the filter, as root and as a user
if command -v bwrap >/dev/null; then
	run_in bwrap "$NONS" -- -c 'echo ran'
	expect_eq 126 "$rc" "bwrap mode under a filter, as root: exit 126"
	expect_match '^sidebundle-launcher: bwrap mode needs new namespaces, and a seccomp filter on this process refuses them' \
		"$out" "bwrap mode under a filter, as root: names the filter"
	expect_match 'or run the bundle in host mode \(SIDEBUNDLE_RUN_MODE=host\)$' "$out" "... and host mode"
	expect_nomatch 'non-privileged user namespaces|^bwrap:|ran' "$out" "... not bwrap's own guess"
	if command -v setpriv >/dev/null; then
		run_in bwrap setpriv --reuid=65534 --regid=65534 --clear-groups "$NONS" -- -c 'echo ran'
		expect_eq 126 "$rc" "bwrap mode under a filter, as a user: exit 126"
		expect_match 'bwrap mode needs new namespaces, and a seccomp filter on this process refuses them' \
			"$out" "bwrap mode under a filter, as a user: names the filter"
		expect_nomatch 'non-privileged user namespaces|ran' "$out" "... not bwrap's own guess"
	fi
fi

# a filter that refuses something else is no cause: chroot mode runs
if [ -x "$PROGS/noptrace" ]; then
	run_in chroot "$PROGS/noptrace" -- -c "$show"
	expect_eq 0 "$rc" "chroot mode under a filter that lets namespaces through: $out"
	expect_match '^pid 2$' "$out" "... runs as pid 2 of its own namespace"
fi

# root without CAP_SYS_ADMIN (a container that drops capabilities)
if command -v setpriv >/dev/null; then
	run_in chroot setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin -- -c 'echo ran'
	expect_eq 126 "$rc" "root without CAP_SYS_ADMIN: exit 126"
	expect_match 'chroot mode needs CAP_SYS_ADMIN and CAP_SYS_CHROOT, and this process is root without them' \
		"$out" "root without CAP_SYS_ADMIN: says so"
	expect_nomatch 'run it with sudo|ran' "$out" "root without CAP_SYS_ADMIN: no sudo advice"
fi

if unshare -U -r true 2>/dev/null; then
	# a rootless user namespace: chroot mode works there, its own /proc
	# mounted in its own PID namespace
	run_in chroot unshare -U -r -- -c "$show"
	expect_eq 0 "$rc" "chroot mode in a user namespace (root's): $out"
	expect_eq "pid 2
Uid: 0 0 0 0
CapPrm: 0000000000000000
CapEff: 0000000000000000
CapBnd: 0000000000000000
NoNewPrivs: 1" "$out" "... as pid 2, no capability"
	if command -v setpriv >/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r true 2>/dev/null; then
		run_in chroot setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r -- -c "$show"
		expect_eq 0 "$rc" "chroot mode in a user's user namespace: $out"
		expect_match '^pid 2$' "$out" "... as pid 2"
		expect_match '^CapEff: 0000000000000000$' "$out" "... no capability"
	fi
	# ... and where the /proc it sees is partly mounted over, as in a
	# container (masked from outside, so the kernel locks the masks),
	# the kernel refuses a new /proc: said, with what to do
	run_in chroot unshare -m sh -c 'mount --bind /dev/null /proc/uptime && exec unshare -U -r "$@"' \
		sh -- -c 'echo ran'
	expect_eq 126 "$rc" "a masked /proc in a user namespace: exit 126"
	expect_match '^sidebundle-launcher: chroot mode needs a new /proc, and the kernel refuses one in a user namespace \(uid 0 here is uid 0 outside\) while paths below the /proc it has are mounted over \(/proc/uptime: a container.s masks\)' \
		"$out" "a masked /proc: names the cause"
	expect_match 'systempaths=unconfined\); or use SIDEBUNDLE_RUN_MODE=host$' "$out" "a masked /proc: what to do"
	expect_nomatch '^sidebundle-launcher: chroot mode: mount proc|ran' "$out" "a masked /proc: not the bare mount error"
fi
exit 0
