# ls -l uses statx: its stats are recorded.
. "$SB_SRC/test/lib.sh"

touch a b
trace ls -l "$PWD/a" b /nonexistent/sbls >/dev/null 2>&1
expect_eq 2 "$?" "ls exit status with a missing operand"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$PWD/a' AND result = 0")" \
	"stat of a (absolute)"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$PWD/b'
	 AND raw_path = 'b' AND result = 0")" "stat of b (relative)"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '/nonexistent/sbls'
	 AND result = 2")" "stat of the missing operand"
