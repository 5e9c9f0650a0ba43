# 8 threads each creating and opening 500 distinct files: all 4000 open
# rows are present, in one process row.
. "$SB_SRC/test/lib.sh"

mkdir d
trace_ok "$PROGS/threads" "$PWD/d" 500
expect_eq 4000 "$(ls d | wc -l)" "files created"
expect_eq 4000 "$(q "SELECT count(DISTINCT path) FROM accesses
	 WHERE op = 'open' AND result = 0 AND path LIKE '$PWD/d/t%'")" \
	"distinct open rows"
expect_eq 4000 "$(q "SELECT sum(count) FROM accesses
	 WHERE op = 'open' AND path LIKE '$PWD/d/t%'")" "sum of counts"
expect_eq 1 "$(q "SELECT count(DISTINCT process_id) FROM accesses
	 WHERE path LIKE '$PWD/d/t%'")" "all in one process row"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '$PWD/d/t%'
	 AND (mode & 6) != 6")" "every open has SB_M_WRITE|SB_M_CREATE"
