# SIGTERM or SIGINT to sbtrace under -b ptrace.  The command cannot run
# on untraced (its seccomp filter would make every path syscall fail
# with ENOSYS without a tracer), so the first signal is passed on to it
# and the trace goes on to its end: what the command does after the
# signal is recorded and works, and sbtrace exits with its status.  A
# second signal stops sbtrace, and the kernel kills the command.
. "$SB_SRC/test/lib.sh"

"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
rm -f "$DB"*

# wait_gone PID: true once PID has gone (bounded wait).
wait_gone() {
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# SIGTERM: the command's trap runs, traced, and its status is ours.
"$SBTRACE" -q -b ptrace -o "$DB" -- sh -c 'trap "cat /etc/hostname >/dev/null; echo term >out; exit 7" TERM
	echo $$ >pid; while :; do sleep 0.1; done' 2>err &
spid=$!
wait_for_file pid 30 || fail "the command did not start"
kill -TERM "$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 7 "$rc" "SIGTERM: sbtrace exits with the command's status"
expect_eq term "$(cat out 2>/dev/null)" "SIGTERM: the command's trap ran and could write"
expect_match '^sbtrace: SIGTERM passed on to sh, traced to its end with ptrace' "$(cat err)" "SIGTERM: said"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'
	 AND result = 0")" "SIGTERM: what the command did after it was recorded"
expect_eq "1|0" "$(q "SELECT count(*) || '|' || coalesce(sum(result != 0), 0) FROM accesses
	 WHERE op = 'open' AND path = '$PWD/out'")" "SIGTERM: its open of out, which worked"
expect_eq 7 "$(q "SELECT exit_code FROM processes WHERE started_by = 'root'")" "SIGTERM: the root's exit"
expect_eq 7 "$(q "SELECT exit_code FROM runs")" "SIGTERM: the run's exit"

# SIGINT sent by a process (not the terminal) is passed on too.  A
# background job of a script has SIGINT ignored: env puts it back.
rm -f pid out err "$DB"*
env --default-signal=INT "$SBTRACE" -q -b ptrace -o "$DB" -- sh -c 'trap "echo int >out; exit 5" INT
	echo $$ >pid; while :; do sleep 0.1; done' 2>err &
spid=$!
wait_for_file pid 30 || fail "the command did not start"
kill -INT "$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 5 "$rc" "SIGINT: sbtrace exits with the command's status"
expect_eq int "$(cat out 2>/dev/null)" "SIGINT: the command's trap ran"

# A command that takes the first signal and goes on: the second stops
# sbtrace (128 + 15), and the command does not run on with failing
# syscalls: the kernel kills it.
rm -f pid out err "$DB"*
"$SBTRACE" -q -b ptrace -o "$DB" -- sh -c 'trap "echo once >>got" TERM
	echo $$ >pid; while :; do sleep 0.1; done' 2>err &
spid=$!
wait_for_file pid 30 || fail "the command did not start"
cpid=$(cat pid)
kill -TERM "$spid"
wait_for_file got 30 || _sb_bad "the first SIGTERM" "the command's trap runs" "it did not"
kill -TERM "$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 143 "$rc" "second SIGTERM: sbtrace stops, 128 + 15"
wait_gone "$cpid" || _sb_bad "the command after sbtrace stopped" "killed" "still running: $(cat /proc/"$cpid"/status 2>/dev/null | head -3)"
expect_eq 1 "$(q "SELECT count(*) FROM runs WHERE end_ns IS NOT NULL")" "second SIGTERM: the run is closed"
