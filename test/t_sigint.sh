# ^C: SIGINT to the whole process group, sbtrace and the command.  The
# runs row says what happened: the command's signal (its end is waited
# for a moment), and that sbtrace was interrupted; the root process row
# has the signal too.  A signal to sbtrace alone (the command runs on):
# interrupted set, the command's status unknown, exit 128+N.
. "$SB_SRC/test/lib.sh"

# job control: each background job its own process group, with SIGINT
# not ignored (a non-interactive shell ignores it in background jobs)
set -m

"$SBTRACE" -q -o "$DB" -- sh -c 'cat /etc/hostname >/dev/null; exec sleep 30' &
spid=$!
wait_for_file "$DB" 10 || fail "no database"
for _ in $(seq 50); do
	[ "$(q "SELECT count(*) FROM processes WHERE exe LIKE '%/sleep'" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
kill -INT -- -"$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 130 "$rc" "^C: exit status 128+SIGINT"
expect_eq "|2|2" "$(q "SELECT exit_code, signal, interrupted FROM runs")" \
	"^C: runs: the command killed by SIGINT, sbtrace interrupted by it"
expect_eq "2" "$(q "SELECT signal FROM processes WHERE exe LIKE '%/sleep'")" \
	"^C: the command's process row has the signal"
expect_eq 1 "$(q "SELECT count(*) FROM runs WHERE end_ns IS NOT NULL")" "^C: the run's end"

# the command handles SIGINT and exits 3: sbtrace exits as it did
rm -f "$DB"
"$SBTRACE" -q -o "$DB" -- sh -c 'trap "exit 3" INT; touch ready; while :; do sleep 0.05; done' &
spid=$!
wait_for_file ready 10 || fail "the command did not start"
kill -INT -- -"$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 3 "$rc" "^C handled by the command: its exit status"
expect_eq "3||2" "$(q "SELECT exit_code, signal, interrupted FROM runs")" \
	"^C handled by the command: its exit code, and the interruption"

# SIGTERM to sbtrace alone: the command runs on, its end is not known
rm -f "$DB" ready
"$SBTRACE" -q -o "$DB" -- sh -c 'touch ready; sleep 3' &
spid=$!
wait_for_file ready 10 || fail "the command did not start"
kill -TERM "$spid"
rc=0
wait "$spid" || rc=$?
expect_eq 143 "$rc" "SIGTERM to sbtrace: exit status"
expect_eq "||15" "$(q "SELECT exit_code, signal, interrupted FROM runs")" \
	"SIGTERM to sbtrace: interrupted, the command's status unknown"
