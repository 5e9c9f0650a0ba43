# sbtrace -p PID: a running process, every thread of it, and the children
# it starts from then on are traced with ptrace until it exits (sbtrace
# then exits 0, its status in the run's row) or sbtrace gets SIGINT or
# SIGTERM (sbtrace exits 128+N and the process, detached, runs on as if
# nothing had happened: not stopped, not traced, its work done).  The
# run's root row is the process, with its exe, argv and cwd.  Refusals:
# t_attach_errors.sh.
. "$SB_SRC/test/lib.sh"

"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
rm -f "$DB"*
L=$PROGS/looper
[ -x "$L" ] || fail "$L was not built"
W=$PWD
mkdir run
spid= lpid=
# what this test started, if it stops half way
trap 'rc=$?; [ -n "$spid" ] && kill "$spid" 2>/dev/null; [ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	(exit $rc); _sb_exit' EXIT

# looper DIR [MODE]: start the looper on DIR, with run/ as its working
# directory; lpid is its pid once it runs.
looper() {
	rm -rf "$1"
	mkdir "$1"
	(cd run && exec "$L" "$W/$1" ${2:+"$2"}) &
	lpid=$!
	wait_for_file "$1/pid" 10 || fail "the looper did not start"
	expect_eq "$lpid" "$(cat "$1/pid")" "the looper's pid"
}

# until_q SQL WANT: poll the database until SQL gives WANT (10 s at most).
until_q() {
	local i
	for i in $(seq 100); do
		[ -s "$DB" ] && [ "$(q "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# status_of PID FIELD: a field of /proc/PID/status
status_of() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# --- SIGINT: detached, and it runs on
looper d threads
"$SBTRACE" -o "$DB" -p "$lpid" 2>err &
spid=$!
until_q "SELECT count(DISTINCT path) FROM accesses WHERE op = 'open' AND result = 2
	 AND path IN ('$W/d/probe', '$W/d/thread-probe')" 2 ||
	_sb_bad "both threads" "their opens recorded" "$(q "SELECT op, path FROM accesses" 2>&1)"
kill -INT "$spid"
rc=0
wait "$spid" || rc=$?
spid=
expect_eq 130 "$rc" "SIGINT: 128 + 2"
expect_match '^[RS]' "$(status_of "$lpid" State)" "SIGINT: the process is not left stopped"
expect_eq 0 "$(status_of "$lpid" TracerPid)" "SIGINT: the process is no longer traced"
expect_eq "sbtrace: 1 process, $(q "SELECT count(*) FROM accesses") accesses recorded in $DB (run 1); process $lpid detached" \
	"$(cat err)" "SIGINT: the summary says so"
expect_eq "[\"$L\",\"$W/d\",\"threads\"]|$W|ptrace|||1" \
	"$(q "SELECT command, cwd, backend, exit_code, signal, end_ns IS NOT NULL FROM runs")" "SIGINT: the run's row"
expect_eq "$lpid" "$(q "SELECT attached_pid FROM runs WHERE id = 1")" "runs.attached_pid"
expect_eq "$lpid|$$|1|$L|[\"$L\",\"$W/d\",\"threads\"]|$W/run|ptrace|root||" \
	"$(q "SELECT pid, ppid, parent_id IS NULL, exe, argv, cwd, backend, started_by, exit_code, signal
	 FROM processes")" "SIGINT: the root row is the process"
expect_eq 1 "$(q "SELECT count(DISTINCT process_id) FROM accesses")" "SIGINT: the threads in one row"
# it works on, untraced: what it does now is not in the database
touch d/stop
rc=0
wait "$lpid" || rc=$?
lpid=
expect_eq 3 "$rc" "SIGINT: the process ran on to its own end"
expect_eq done "$(cat d/done 2>/dev/null)" "SIGINT: and did its work"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '$W/d/after%' OR path LIKE '$W/d/done%'")" \
	"SIGINT: nothing after the detach recorded"

# --- the process exits while traced: its fork child and exec followed
looper e fork
"$SBTRACE" -o "$DB" -e '!stat' -p "$lpid" 2>err &
spid=$!
until_q "SELECT count(*) > 0 FROM accesses WHERE path = '$W/e/probe'" 1 || _sb_bad "attached" "probe recorded" "nothing"
touch e/fork
until_q "SELECT count(*) FROM accesses WHERE path = '$W/e/child-probe'" 1 ||
	_sb_bad "the fork child" "its open recorded" "nothing"
touch e/stop
rc=0
wait "$spid" || rc=$?
spid=
expect_eq 0 "$rc" "exit: sbtrace exits 0, as strace -p does"
rc=0
wait "$lpid" || rc=$?
lpid=
expect_eq 3 "$rc" "exit: the process's own status for its parent"
expect_eq "3|" "$(q "SELECT exit_code, signal FROM runs")" "exit: the run's row has its status"
expect_eq "root:-:3 fork:root: exec:fork:0" "$(q "SELECT group_concat(x, ' ') FROM (SELECT c.started_by || ':' ||
	 coalesce(p.started_by, '-') || ':' || coalesce(c.exit_code, '') AS x
	 FROM processes c LEFT JOIN processes p ON p.id = c.parent_id ORDER BY c.id)")" "exit: root, fork, exec"
expect_eq "fork|$W/e/child-probe|2" "$(q "SELECT p.started_by, a.path, a.result FROM accesses a
	 JOIN processes p ON p.id = a.process_id WHERE a.op = 'open' AND a.path LIKE '%child-probe'")" \
	"exit: the child's open, in the child's row"
expect_eq "fork|/bin/true" "$(q "SELECT p.started_by, a.path FROM accesses a
	 JOIN processes p ON p.id = a.process_id WHERE a.op = 'exec'")" "exit: the child's exec"
expect_eq '["true"]' "$(q "SELECT argv FROM processes WHERE started_by = 'exec'")" "exit: the exec'd image"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '$W/e/after' AND result = 2")" \
	"exit: what it did to the end"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat'")" "exit: -e !stat holds"
expect_match "^sbtrace: 3 processes, [0-9]+ accesses recorded in $DB \(run 1\); [0-9]+ calls filtered out$" \
	"$(cat err)" "exit: summary"

# --- a stopped process: SIGTERM detaches it, and it stays stopped
looper f
kill -STOP "$lpid"
"$SBTRACE" -q -o "$DB" -p "$lpid" 2>err &
spid=$!
for i in $(seq 100); do
	[ "$(status_of "$lpid" TracerPid)" = "$spid" ] && break
	sleep 0.1
done
expect_eq "$spid" "$(status_of "$lpid" TracerPid)" "stopped: traced"
sleep 0.3
kill -TERM "$spid"
rc=0
wait "$spid" || rc=$?
spid=
expect_eq 143 "$rc" "stopped, SIGTERM: 128 + 15"
expect_eq "" "$(cat err)" "stopped, -q: nothing said"
expect_match '^T' "$(status_of "$lpid" State)" "stopped: left stopped, as it was"
expect_eq 0 "$(status_of "$lpid" TracerPid)" "stopped: no longer traced"
kill -CONT "$lpid"
touch f/stop
rc=0
wait "$lpid" || rc=$?
lpid=
expect_eq 3 "$rc" "stopped: once continued, it runs to its end"
