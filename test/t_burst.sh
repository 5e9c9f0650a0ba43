# 8 processes make 1,000,000 stat calls between them (100,000 of them on
# distinct paths): nothing is lost, sum(count) is exact, and runs.events
# counts every record.
. "$SB_SRC/test/lib.sh"

mkdir d
touch d/same
t0=$(now_ms)
trace "$PROGS/statburst" "$PWD/d" 8 1000000 12500 2>trace.err
rc=$?
t1=$(now_ms)
expect_eq 0 "$rc" "exit status"
expect_eq "" "$(cat trace.err)" "sbtrace said nothing (no garbage, no loss warning)"
expect_eq 1000000 "$(q "SELECT sum(count) FROM accesses WHERE op = 'stat' AND path LIKE '$PWD/d/%'")" \
	"sum(count) of the stat rows"
expect_eq 100000 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path LIKE '$PWD/d/w%' AND result = 2")" \
	"distinct-path rows"
expect_eq "8|900000" "$(q "SELECT count(*), sum(count) FROM accesses WHERE op = 'stat'
	 AND path = '$PWD/d/same' AND result = 0")" "rows and calls on the shared path"
expect_eq 8 "$(q "SELECT count(*) FROM processes WHERE json_extract(argv, '\$[1]') = 'worker'")" \
	"worker rows"
expect_ge 1000000 "$(q "SELECT events FROM runs")" "runs.events"
echo "burst: $((t1 - t0)) ms for 1,000,000 calls"
