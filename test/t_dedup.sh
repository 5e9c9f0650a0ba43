# Default mode folds a repeated call into one row with count = N and the
# first call's time; --all writes one row per call with count 1.
. "$SB_SRC/test/lib.sh"

touch f
before=$(date +%s%N)
trace_ok "$PROGS/statn" "$PWD/f" 1000
after=$(date +%s%N)
expect_eq "1|1000" "$(q "SELECT count(*), sum(count) FROM accesses
	 WHERE op = 'stat' AND path = '$PWD/f'")" "default: rows and sum(count)"
expect_eq 0 "$(q "SELECT all_calls FROM runs")" "default: runs.all_calls"
ts=$(q "SELECT ts_ns FROM accesses WHERE op = 'stat' AND path = '$PWD/f'")
expect_ge "$before" "$ts" "ts_ns after the start"
expect_le "$after" "$ts" "ts_ns before the end"
# lstat is a different mode (NOFOLLOW): its own row
trace_ok "$PROGS/statn" "$PWD/f" 10 lstat
expect_eq "1|10" "$(q "SELECT count(*), sum(count) FROM accesses
	 WHERE op = 'stat' AND path = '$PWD/f' AND (mode & 64) != 0")" "lstat: NOFOLLOW row"

"$SBTRACE" -q --all -o "$DB" -- "$PROGS/statn" "$PWD/f" 1000
expect_eq 0 "$?" "--all: exit status"
expect_eq "1000|1000|1|1" "$(q "SELECT count(*), sum(count), min(count), max(count) FROM accesses
	 WHERE op = 'stat' AND path = '$PWD/f'")" "--all: rows, sum, min and max count"
expect_eq 1 "$(q "SELECT all_calls FROM runs")" "--all: runs.all_calls"
expect_eq 1 "$(q "SELECT min(ts_ns) < max(ts_ns) FROM accesses
	 WHERE op = 'stat' AND path = '$PWD/f'")" "--all: timestamps advance"
