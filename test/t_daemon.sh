# A command that daemonises: sbtrace waits at most --linger seconds for
# the traced processes it knows of, then exits with the command's status;
# the daemon lives on untraced and is neither blocked nor killed when it
# keeps making calls with nobody reading.
. "$SB_SRC/test/lib.sh"

cleanup() {
	if [ -s d/pid ]; then
		kill "$(cat d/pid)" 2>/dev/null
	fi
}
trap 'cleanup; _sb_exit' EXIT

mkdir d
t0=$(now_ms)
"$SBTRACE" -q -o "$DB" --linger 1 -- "$PROGS/daemon" "$PWD/d"
rc=$?
t1=$(now_ms)
expect_eq 0 "$rc" "exit status"
expect_le 5000 $((t1 - t0)) "milliseconds until sbtrace --linger 1 returned"
expect_ge 900 $((t1 - t0)) "milliseconds: sbtrace lingered about 1 s for the daemon"
wait_for_file d/pid 5 || fail "the daemon never wrote its pid"
dpid=$(cat d/pid)
kill -0 "$dpid" 2>/dev/null || _sb_bad "daemon" "still running after sbtrace exited" "gone"
expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE pid = $dpid")" \
	"the daemon has a processes row"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.pid = $dpid AND a.op = 'stat' AND a.path = '$PWD/d/early'")" \
	"the daemon's stat before sbtrace left is recorded"
expect_eq 3 "$(q "SELECT count(*) FROM processes")" \
	"rows: root, first fork child, daemon"
wait_for_file d/after 15 ||
	_sb_bad "daemon after sbtrace exited" "creates d/after after 100000 untraced stats" "it did not within 15 s"
kill -0 "$dpid" 2>/dev/null || _sb_bad "daemon" "alive after its untraced calls" "gone"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path = '$PWD/d/after'")" \
	"nothing recorded after sbtrace left"
kill "$dpid"
rm -f d/pid

# --linger 0: stop at once when the command exits
mkdir e
t0=$(now_ms)
"$SBTRACE" -q -o "$DB" --linger 0 -- "$PROGS/daemon" "$PWD/e"
t1=$(now_ms)
expect_le 800 $((t1 - t0)) "milliseconds until sbtrace --linger 0 returned"
wait_for_file e/pid 5 && kill "$(cat e/pid)" 2>/dev/null

# default linger is 2 s: returns in about 2 s, not 30
mkdir f
t0=$(now_ms)
"$SBTRACE" -q -o "$DB" -- "$PROGS/daemon" "$PWD/f"
t1=$(now_ms)
expect_le 6000 $((t1 - t0)) "milliseconds until sbtrace (default linger) returned"
expect_ge 1800 $((t1 - t0)) "milliseconds: default linger about 2 s"
wait_for_file f/pid 5 && kill "$(cat f/pid)" 2>/dev/null
exit 0
