# sbtrace -b seccomp holds a pidfd (and opens /proc files) for every
# process it serves: under a soft limit of 64 open files, 100 static
# processes alive at once must still all be recorded (sbtrace raises its
# own soft limit to the hard one), while the command still sees the
# limit it was given.  Where the hard limit is that low too, the calls
# sbtrace could not record are counted in a warning, and the command
# runs on unharmed.  And -b auto where ptrace is denied, where each
# static child is handed over with a listener that sbtrace must hold:
# those it has no room for are turned away before the filter exists, so
# no call of any child fails.
. "$SB_SRC/test/lib.sh"

# LeakSanitizer needs ptrace itself, which noptrace denies below
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

need busybox bash
BB=$(command -v busybox)
ldd "$BB" >/dev/null 2>&1 && skip "busybox is not static: install busybox-static"
"$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>/dev/null || skip "seccomp user notification not available here"
rm -f "$DB"

N=100
# every child is alive for 2 s, so all N are at once
W='ulimit -Sn; for i in $(seq '$N'); do "$1" sh -c "sleep 2; \"$1\" cat /etc/hostname >/dev/null || echo fail" & done; wait'
reads() { q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname' AND op = 'open' AND result = 0"; }

out=$(ulimit -Sn 64 && "$SBTRACE" -q -b seccomp -o "$DB" -- bash -c "$W" sh "$BB" 2>"$PWD/err")
expect_eq 64 "$out" "soft limit 64: the command sees its limit, and nothing failed"
expect_eq "" "$(cat err)" "soft limit 64: no warning"
expect_eq "$N" "$(reads)" "soft limit 64: every process's read recorded"

rm -f "$DB"
rc=0
out=$(ulimit -n 64 && "$SBTRACE" -q -b seccomp -o "$DB" -- bash -c "$W" sh "$BB" 2>"$PWD/err") || rc=$?
expect_eq 0 "$rc" "hard limit 64: the command's status"
expect_eq 64 "$out" "hard limit 64: the command ran unharmed"
expect_match '^sbtrace: warning: the seccomp backend let [0-9]+ calls through unrecorded: Too many open files \(raise the hard limit on open files, ulimit -Hn\)$' \
	"$(cat err)" "hard limit 64: the loss is counted in a warning"
expect_ge 1 "$(reads)" "hard limit 64: what could be recorded is"

NP=$PROGS/noptrace
"$NP" /bin/true 2>/dev/null || skip "cannot install a seccomp filter here"
rm -f "$DB"
rc=0
out=$(ulimit -n 64 && "$NP" "$SBTRACE" -q -o "$DB" -- bash -c "$W" sh "$BB" 2>"$PWD/err") || rc=$?
expect_eq 0 "$rc" "hand-overs, hard limit 64: the command's status"
expect_eq 64 "$out" "hand-overs, hard limit 64: no call of any child failed"
expect_match 'sbtrace: warning: the seccomp backend turned away [0-9]+ hand-overs for want of file descriptors: those programs ran untraced' \
	"$(cat err)" "hand-overs, hard limit 64: those turned away are counted"
expect_ge 1 "$(q "SELECT count(*) FROM processes WHERE backend = 'seccomp'")" \
	"hand-overs, hard limit 64: those sbtrace had room for are traced"
exit 0
