# SIGKILL of sbtrace mid-run: the traced program runs to its normal end
# (exit code 7, recorded by a wrapper shell), is never hung or killed by
# the dead collector even when it then makes 200000 calls (far more than
# the FIFO holds), and what was committed before stays in the database.
. "$SB_SRC/test/lib.sh"

# sbtrace's private directory goes here, so what SIGKILL leaves is ours
mkdir tmp
export TMPDIR=$PWD/tmp
"$SBTRACE" -q -o "$DB" -- sh -c '
	sh -c "cat /etc/hostname >/dev/null; sleep 2; \"$1\" /etc/hostname 200000; echo done >out; exit 7"
	echo $? >status.tmp
	mv status.tmp status' sh "$PROGS/statn" &
spid=$!
sleep 1
kill -KILL "$spid" || fail "sbtrace ended before it could be killed"
wait "$spid" 2>/dev/null
wait_for_file status 60 || fail "the traced program did not finish within 60 s after SIGKILL of sbtrace"
expect_eq 7 "$(cat status)" "exit status of the traced program"
expect_eq done "$(cat out 2>/dev/null)" "file written at the end"
expect_eq 1 "$(q "SELECT count(*) FROM runs")" "the run row was committed"
expect_ge 2 "$(q "SELECT count(*) FROM processes")" "process rows committed before the kill"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname' AND op = 'open'")" \
	"open of /etc/hostname (1 s before the kill) committed"
expect_eq ok "$(q "PRAGMA integrity_check")" "database integrity"
# what SIGKILL left behind: the private channel directory
chan=$(ls -d tmp/sbtrace.* 2>/dev/null)
expect_match '^tmp/sbtrace\.' "$chan" "the channel directory under TMPDIR"
if [ -n "$chan" ]; then
	expect_eq 700 "$(stat -c %a "$chan")" "channel directory mode"
	expect_eq "fifo 600" "$(stat -c '%F %a' "$chan/fifo" | sed 's/^fifo [a-z ]*/fifo /')" \
		"the FIFO and its mode"
	expect_eq "regular file 65536" "$(stat -c "%F %s" "$chan/alive")" \
	    "the alive file: the table of C library calls already traced"
fi
