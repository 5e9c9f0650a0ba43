# SIGTERM to sbtrace: it commits, marks the run's end and exits 143,
# without killing the command, which runs on to its end.
. "$SB_SRC/test/lib.sh"

"$SBTRACE" -q -o "$DB" -- sh -c 'cat /etc/hostname >/dev/null; sleep 2; echo done >out' &
spid=$!
sleep 1
kill -TERM "$spid"
wait "$spid"
expect_eq 143 "$?" "exit status of sbtrace after SIGTERM"
wait_for_file out 10 || _sb_bad "command after SIGTERM of sbtrace" "it writes out" "no file"
expect_eq 1 "$(q "SELECT count(*) FROM runs WHERE end_ns IS NOT NULL")" "runs.end_ns set"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname'")" \
	"accesses before SIGTERM committed"
