# sidebundle check and create --check: a bundle keeps its traced runs
# in check/; check reruns them in an empty root and exits 0 when all is
# the same, 1 naming what a damaged payload misses, 2 on a usage error;
# create --check adds what only the empty-root run shows missing (a
# static program is not traced by the preload library, only by ptrace
# inside); missing bwrap is an error in check and a warning in create;
# without ptrace the library traces inside.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

need_bwrap
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
# LeakSanitizer needs ptrace at exit: not under noptrace's filter
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
outside_dir

# usage
rc=0
"$SIDEBUNDLE" check >/dev/null 2>&1 || rc=$?
expect_eq 2 "$rc" "check without a bundle: exit 2"
rc=0
"$SIDEBUNDLE" check a b >/dev/null 2>&1 || rc=$?
expect_eq 2 "$rc" "check with two bundles: exit 2"
expect_match '^usage: sidebundle check \[-v\] DIR/NAME$' "$("$SIDEBUNDLE" check --help)" "check --help"

code='import json; print(json.dumps({"x": 1})); print("to stderr", file=__import__("sys").stderr)'
env -i PATH=/usr/bin:/bin HOME="$outside" "$SIDEBUNDLE" create --out-dir "$outside" --name py \
	--from-host "/usr/bin/python3::trace=-c '$code'" >create.out 2>create.err ||
	fail "create: $(cat create.err)"
b=$outside/py

# the traced command's output is on create's stderr, not its stdout
expect_eq "" "$(cat create.out)" "create prints nothing on stdout"
expect_match '^\{"x": 1\}$' "$(cat create.err)" "the traced command's stdout is on create's stderr"
expect_match '^to stderr$' "$(cat create.err)" "... and its stderr"

# check/: the documented layout (sidebundle-check(5))
expect_eq "sidebundle-check 1" "$(cat "$b/check/format")" "check/format"
expect_eq "1 format" "$(cd "$b/check" && ls | tr '\n' ' ' | sed 's/ $//')" "one run kept"
expect_eq "python3" "$(tr -d '\0' <"$b/check/1/label")" "its label is the entry's name"
expect_eq "/usr/bin/python3|-c|$code|" "$(tr '\0' '|' <"$b/check/1/argv")" "argv, NUL-terminated"
expect_eq "$(pwd -P)|" "$(tr '\0' '|' <"$b/check/1/cwd")" "the cwd"
env=$(tr '\0' '\n' <"$b/check/1/env")
expect_match "^HOME=$outside\$" "$env" "HOME kept"
expect_match '^PATH=/usr/bin:/bin$' "$env" "PATH kept"
expect_eq '{"x": 1}' "$(cat "$b/check/1/stdout")" "stdout kept"
expect_eq "to stderr" "$(cat "$b/check/1/stderr")" "stderr kept"
expect_eq "status 0
stdout 9 $(printf '{"x": 1}\n' | sha256sum | cut -d' ' -f1)
stderr 10 $(printf 'to stderr\n' | sha256sum | cut -d' ' -f1)" "$(cat "$b/check/1/outcome")" "check/1/outcome"
"$SIDEBUNDLE" verify "$b" >verify.out || _sb_bad "verify ignores check/" ok "$(cat verify.out)"

# a good bundle
rc=0
out=$("$SIDEBUNDLE" check "$b" 2>&1) || rc=$?
expect_eq 0 "$rc" "check of a good bundle: exit 0 ($out)"
expect_match '^ok: 1 run the same in an empty root$' "$out" "check of a good bundle: ok"

# a damaged one: glibc opens the C.UTF-8 locale by name, so the run
# looks for it, does not find it, and the host has it
[ -e /usr/lib/locale/C.utf8/LC_CTYPE ] || skip "no C.UTF-8 locale on this host"
chmod u+w "$b/payload/usr/lib/locale/C.utf8"
rm "$b/payload/usr/lib/locale/C.utf8/LC_CTYPE"
rc=0
out=$("$SIDEBUNDLE" check "$b" 2>check.err) || rc=$?
expect_eq 1 "$rc" "check of a damaged bundle: exit 1"
expect_match '^python3: missing: /usr/lib/locale/C\.utf8/LC_CTYPE$' "$out" "the missing file is named"
expect_match '^python3: (exit status|stdout|stderr)' "$out" "what differs is named"
expect_match '1 of 1 run differs in an empty root' "$(cat check.err)" "the summary"

# without ptrace the library traces inside the sandbox: same verdicts
# on what it sees (a file the program opens itself)
if "$PROGS/noptrace" /bin/true; then
	rm -rf "$outside/pyc" && cp -a "$b" "$outside/pyc"
	rc=0
	"$PROGS/noptrace" "$SIDEBUNDLE" check "$outside/pyc" >/dev/null 2>&1 || rc=$?
	expect_eq 1 "$rc" "no ptrace: the damage is still seen"
	json=$(cd "$outside/pyc/payload" && find . -path '*/json/__init__.py' | head -1)
	env -i PATH=/usr/bin:/bin HOME="$outside" "$SIDEBUNDLE" create -q --no-check \
		--out-dir "$outside" --name good --from-host "/usr/bin/python3::trace=-c '$code'" \
		2>/dev/null || fail "create good"
	rc=0
	out=$("$PROGS/noptrace" "$SIDEBUNDLE" check "$outside/good" 2>&1) || rc=$?
	expect_match '^ok: 1 run the same' "$out" "no ptrace: a good bundle checks with the library ($rc)"
	[ -n "$json" ] && rm -f "$outside/good/payload/${json#./}"
	rc=0
	out=$("$PROGS/noptrace" "$SIDEBUNDLE" check "$outside/good" 2>&1) || rc=$?
	expect_eq 1 "$rc" "no ptrace: a damaged bundle fails"
fi

# create --check adds what only the empty-root run shows missing: the
# preload library does not trace a static program, ptrace inside does
if [ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' &&
	"$SBTRACE" -q -b ptrace -o "$PWD/p.db" -- /bin/true 2>/dev/null; then
	"$SIDEBUNDLE" create --no-check --trace-backend preload --out-dir "$outside" --name bb0 \
		--from-host '/bin/busybox::trace=cat /etc/issue' >/dev/null 2>&1 || fail "create bb0"
	expect_eq "" "$(manifest_paths "$outside/bb0" | grep -x /etc/issue)" "--no-check: /etc/issue is not there"
	"$SIDEBUNDLE" create --trace-backend preload --out-dir "$outside" --name bb \
		--from-host '/bin/busybox::trace=cat /etc/issue' >bb.out 2>&1 || fail "create bb: $(cat bb.out)"
	expect_match '^sidebundle: check: busybox: /etc/issue was missing: added$' "$(cat bb.out)" \
		"create --check says what it added"
	expect_match '^sidebundle: check: 1 run the same in an empty root$' "$(cat bb.out)" "... and that the run is the same now"
	expect_match $'^file\t/etc/issue\t' "$(cat "$outside/bb/manifest.lock")" "... and it is in the manifest"
	expect_eq "$(cat /etc/issue)" "$(in_empty_root "$outside/bb/payload" -- /bin/busybox cat /etc/issue)" \
		"the bundle reads it in an empty root"
	rc=0
	"$SIDEBUNDLE" check "$outside/bb" >/dev/null 2>&1 || rc=$?
	expect_eq 0 "$rc" "check agrees"
fi

# an unprivileged user checks a bundle (bwrap's user namespace; ptrace
# of its own children)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SIDEBUNDLE"; then
	rm -rf "$outside/bb" "$outside/pyc" "$outside/good"
	env -i PATH=/usr/bin:/bin "$SIDEBUNDLE" create -q --no-check --out-dir "$outside" --name user \
		--from-host "/bin/cat::trace=/etc/os-release" >/dev/null 2>&1 || fail "create user"
	chmod -R a+rX "$outside"
	rc=0
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -i PATH=/usr/bin:/bin HOME=/nonexistent "$SIDEBUNDLE" check "$outside/user" 2>&1) || rc=$?
	expect_eq 0 "$rc" "an unprivileged user checks a bundle: $out"
fi

# no bwrap: check fails saying so, create warns and makes the bundle
rc=0
out=$(SIDEBUNDLE_BWRAP=/nonexistent/bwrap "$SIDEBUNDLE" check "$b" 2>&1) || rc=$?
expect_eq 1 "$rc" "check without bwrap: exit 1"
expect_match '^sidebundle: check needs bubblewrap, and SIDEBUNDLE_BWRAP names no file: install it' "$out" \
	"check without bwrap: says so"
rc=0
out=$(env PATH=/nonexistent "$SIDEBUNDLE" create --out-dir "$outside" --name nob \
	--from-host "/usr/bin/python3::trace=-c 'print(1)'" 2>&1) || rc=$?
expect_eq 0 "$rc" "create without bwrap: still made"
expect_match 'warning: the bundle is not checked in an empty root: that needs bubblewrap, and bwrap is not on PATH' \
	"$out" "create without bwrap: warns"
rc=0
out=$(env PATH=/nonexistent "$SIDEBUNDLE" create --check --out-dir "$outside" --name nob \
	--from-host "/usr/bin/python3::trace=-c 'print(1)'" 2>&1) || rc=$?
expect_eq 1 "$rc" "create --check without bwrap: exit 1"
expect_match '^sidebundle: --check needs bubblewrap' "$out" "create --check without bwrap: says so"

# user namespaces disabled (in a user namespace of our own)
if unshare -U -r true 2>/dev/null; then
	rc=0
	out=$(unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		"$1" check "$2"' sh "$SIDEBUNDLE" "$b" 2>&1) || rc=$?
	expect_eq 1 "$rc" "userns disabled: exit 1"
	expect_match 'check needs user namespaces, and they are disabled here \(user.max_user_namespaces = 0\)' \
		"$out" "userns disabled: says which setting"
fi

# a bundle made without a trace keeps nothing to check
"$SIDEBUNDLE" create -q --out-dir "$outside" --name notrace --from-host /bin/sh 2>/dev/null ||
	fail "create notrace"
[ ! -e "$outside/notrace/check" ] || _sb_bad "no check/ without a trace" "absent" "present"
rc=0
out=$("$SIDEBUNDLE" check "$outside/notrace" 2>&1) || rc=$?
expect_eq 1 "$rc" "check of a bundle without runs: exit 1"
expect_match 'keeps no traced runs to check' "$out" "... says so"
exit 0
