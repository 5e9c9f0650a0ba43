# The seccomp backend's processes never depend on sbtrace to run: once
# sbtrace has gone (SIGKILL, SIGTERM, the end of --linger) the keeper
# answers their calls, which run untraced, instead of failing with
# ENOSYS or hanging; then the keeper goes too.
. "$SB_SRC/test/lib.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
need busybox
ldd "$(command -v busybox)" >/dev/null 2>&1 && skip "busybox is not static: install busybox-static"
NP=$PROGS/noptrace
"$NP" /bin/true || skip "cannot install a seccomp filter here"
"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>/dev/null || skip "seccomp user notification not available here"
mkdir tmp
export TMPDIR=$PWD/tmp

# keepers: our children named sbtrace-keeper (sbtrace makes its keeper
# a child of its own parent)
keepers() {
	ps -o comm= --ppid $$ | grep -c '^sbtrace-keeper$'
}

# wait_gone_keepers: true once no keeper of ours is left (bounded).
wait_gone_keepers() {
	local i
	for i in $(seq 100); do
		[ "$(keepers)" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# The static program goes on after a pause; a preloaded shell around it
# keeps its status.  Each of its calls after the kill must work.
W='busybox cat /etc/hostname >/dev/null; while [ ! -e go ]; do busybox sleep 0.05; done
for i in $(busybox seq 100); do busybox cat /etc/hostname >/dev/null || echo FAIL >>fails; done
echo done >out; exit 7'
for how in hand-over seccomp; do
	rm -f go out fails status "$DB"*
	if [ "$how" = seccomp ]; then
		"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- busybox sh -c "$W" &
	else
		"$NP" "$SBTRACE" -q -o "$DB" -- sh -c "busybox sh -c '$W'; echo \$? >status.tmp; mv status.tmp status" &
	fi
	spid=$!
	sleep 1
	expect_eq 1 "$(keepers)" "$how: a keeper while sbtrace runs"
	kill -KILL "$spid" || fail "$how: sbtrace ended before it could be killed"
	wait "$spid" 2>/dev/null
	touch go
	wait_for_file out 30 || fail "$how: the program did not finish within 30 s after SIGKILL of sbtrace"
	expect_eq done "$(cat out)" "$how: file written at the end"
	expect_eq "" "$(cat fails 2>/dev/null)" "$how: every call after the kill worked"
	if [ "$how" = hand-over ]; then
		wait_for_file status 30 || fail "$how: no status"
		expect_eq 7 "$(cat status)" "$how: the static program's exit status"
	fi
	wait_gone_keepers || fail "$how: the keeper is still there after the traced processes ended"
	expect_ge 1 "$(q "SELECT count(*) FROM processes WHERE backend = 'seccomp'")" \
		"$how: the rows committed before the kill"
	expect_eq ok "$(q "PRAGMA integrity_check")" "$how: database integrity"
done

# SIGTERM: sbtrace ends at once (the command is not ptraced), the command
# runs on untraced
rm -f go out fails "$DB"*
"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- busybox sh -c "$W" &
spid=$!
sleep 1
kill -TERM "$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 143 "$rc" "SIGTERM: sbtrace's status"
touch go
wait_for_file out 30 || fail "SIGTERM: the program did not finish"
expect_eq "" "$(cat fails 2>/dev/null)" "SIGTERM: every call after sbtrace went worked"
wait_gone_keepers || fail "SIGTERM: the keeper is still there"
expect_eq 1 "$(q "SELECT count(*) FROM runs WHERE end_ns IS NOT NULL")" "SIGTERM: the run was ended"

# --linger 0: a process left behind is served by the keeper to its end
rm -f go out fails "$DB"*
"$NP" "$SBTRACE" -q -b seccomp --linger 0 -o "$DB" -- busybox sh -c "($W) & exit 0"
expect_eq 0 "$?" "linger: sbtrace's status"
touch go
wait_for_file out 30 || fail "linger: the process left behind did not finish"
expect_eq "" "$(cat fails 2>/dev/null)" "linger: its calls worked"
wait_gone_keepers || fail "linger: the keeper is still there"

# a static program started after sbtrace has gone, by a process it
# traced: the hand-over finds no collector, and the program runs untraced
rm -f go out fails "$DB"*
"$NP" "$SBTRACE" -q --linger 0 -o "$DB" -- sh -c "(while [ ! -e go ]; do sleep 0.05; done; busybox sh -c '$W') & exit 0"
expect_eq 0 "$?" "late hand-over: sbtrace's status"
touch go
wait_for_file out 30 || fail "late hand-over: the static program did not finish"
expect_eq "" "$(cat fails 2>/dev/null)" "late hand-over: its calls worked"
