# Failed calls are recorded with their errno (ENOENT 2, ENOTDIR 20), and
# the program sees the same errno as untraced.
. "$SB_SRC/test/lib.sh"

trace_ok "$PROGS/failopen"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open'
	 AND path = '/nonexistent/sbtest/missing' AND result = 2")" "open ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open'
	 AND path = '/etc/passwd/sbtest' AND result = 20")" "open ENOTDIR"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open'
	 AND path = '/nonexistent/sbtest/fopen' AND result = 2")" "fopen ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat'
	 AND path = '/nonexistent/sbtest/stat' AND result = 2")" "stat ENOENT"
expect_eq "/nonexistent/sbtest/fopen|open|1
/nonexistent/sbtest/missing|open|1
/nonexistent/sbtest/stat|stat|1" "$(q "SELECT path, ops, tries FROM missing_paths
	 WHERE path LIKE '/nonexistent/sbtest/%' ORDER BY path")" "missing_paths view"
