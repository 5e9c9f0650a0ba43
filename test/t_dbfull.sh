# A database write error does not abandon the command: with the database
# on a full file system sbtrace stops inserting, goes on reading the FIFO
# (no writer blocks), waits for the command, says "trace incomplete"
# with what it kept, and exits with the command's status.  The runs row
# still gets the end, the status and the events.  A database that cannot
# even be set up is removed, not left empty.  Needs root, for a small
# tmpfs (4 MiB: a commit or two, not 100,000 rows) in a private mount
# namespace.
. "$SB_SRC/test/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"

mkdir d full
cat >inner.sh <<EOF
mount -t tmpfs -o size=\$1 none '$PWD/full' || exit 99
rc=0
'$SBTRACE' -o '$PWD/full/t.db' -- sh -c "'$PROGS/statburst' '$PWD/d' 1 100000 100000
	echo done >'$PWD/done'; exit 3" 2>'$PWD/err' || rc=\$?
echo \$rc >'$PWD/rc'
ls '$PWD/full' >'$PWD/left'
cp '$PWD'/full/t.db* '$PWD/' 2>/dev/null
exit 0
EOF

unshare -m sh inner.sh 4m || fail "the private tmpfs could not be mounted"
expect_eq 3 "$(cat rc)" "exit status: the command's"
expect_eq done "$(cat done 2>/dev/null)" "the command ran to its end"
err=$(cat err)
expect_eq 1 "$(grep -c 'database or disk is full.*: recording stops; sh runs on and is waited for' err)" \
	"said once when it happened"
expect_match "^sbtrace: trace incomplete: $PWD/full/t.db: .*database or disk is full .*; kept [0-9]+ processes and [0-9]+ accesses \(run 1\), [0-9]+ of [0-9]+ messages not recorded\$" \
	"$err" "the end says what was kept"
kept=$(printf '%s\n' "$err" | sed -n 's/.*; kept \([0-9]*\) processes and \([0-9]*\) accesses.*/\1|\2/p')
DB=$PWD/t.db
expect_eq ok "$(q "PRAGMA integrity_check")" "database integrity"
expect_eq "$kept" "$(q "SELECT (SELECT count(*) FROM processes) || '|' || (SELECT count(*) FROM accesses)")" \
	"what the message says was kept is what the database holds"
expect_ge 1 "$(q "SELECT count(*) FROM accesses")" "some rows were kept"
expect_eq "13" "$(q "SELECT end_ns IS NOT NULL, exit_code FROM runs" | tr -d '\n|')" \
	"the runs row has the end and the exit status"
expect_ge 100000 "$(q "SELECT events FROM runs")" "and the records received"

# too small for the schema: nothing is kept, and no empty file is left
rm -f done rc err left t.db*
unshare -m sh inner.sh 8k || fail "the private tmpfs could not be mounted"
expect_eq 3 "$(cat rc)" "no database at all: exit status"
expect_eq done "$(cat done 2>/dev/null)" "no database at all: the command ran to its end"
expect_match "^sbtrace: trace incomplete: $PWD/full/t.db: .*; nothing was kept, and $PWD/full/t.db was removed\$" \
	"$(cat err)" "no database at all: message"
expect_eq "" "$(cat left)" "no database at all: no file left"
