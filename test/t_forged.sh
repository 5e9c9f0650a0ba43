# The attack of issue 10: a writer in the traced tree sends bare 32-byte
# headers whose len says 4096 while another process makes 3,000 distinct
# failing stats.  The checksum of each record tells the forged headers
# from records: sbtrace skips exactly their bytes, loses none of the
# other writers' records (the 3,000 stats, the forger's own 2,000, the
# execs), and its warning counts what it skipped.
. "$SB_SRC/test/lib.sh"

mkdir d
rc=0
trace sh -c "'$PROGS/forge' \"\$SBTRACE_FIFO\" 2000 '$PWD/d' &
	'$PROGS/statburst' '$PWD/d' 1 3000 3000; wait" 2>err || rc=$?
expect_eq 0 "$rc" "exit status"
expect_eq "3000|3000" "$(q "SELECT count(*) || '|' || sum(count) FROM accesses
	 WHERE op = 'stat' AND result = 2 AND path LIKE '$PWD/d/w0-%'")" \
	"the 3,000 distinct failing stats, each once"
expect_eq "2000|2000" "$(q "SELECT count(*) || '|' || sum(count) FROM accesses
	 WHERE op = 'stat' AND result = 2 AND path LIKE '$PWD/d/f-%'")" \
	"the forger's own 2,000 stats, each right after a forged header"
expect_eq 3 "$(q "SELECT count(*) FROM programs_executed
	 WHERE path IN ('$PROGS/forge', '$PROGS/statburst', '/proc/self/exe')")" \
	"the execs of forge, statburst and its worker"
expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE json_extract(argv, '\$[1]') = 'worker'
	 AND end_ns IS NOT NULL AND exit_code = 0")" "the worker's process row, with its exit"
expect_match '^sbtrace: trace stream: 64000 bytes of garbage skipped, 2000 false record headers among them' \
	"$(cat err)" "the warning counts exactly the 2,000 forged headers of 32 bytes"
expect_nomatch 'lost|malformed' "$(cat err)" "nothing lost, nothing malformed"
expect_eq ok "$(q "PRAGMA integrity_check")" "database integrity"
