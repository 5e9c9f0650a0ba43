# fork without exec: the child is its own process row (started_by
# 'fork', same image so same exe and argv, parent = the forking row), and
# its open and exit code are attributed to it.
. "$SB_SRC/test/lib.sh"

echo x >f
trace_ok "$PROGS/forker" "$PWD/f"
expect_eq 2 "$(q "SELECT count(*) FROM processes")" "two rows"
expect_eq "root|0" "$(q "SELECT started_by, exit_code FROM processes WHERE parent_id IS NULL")" \
	"the parent row"
child=$(q "SELECT id FROM processes WHERE parent_id IS NOT NULL")
[ -n "$child" ] || fail "no child row"
expect_eq "fork|5" "$(q "SELECT started_by, exit_code FROM processes WHERE id = $child")" \
	"the child row"
expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p ON p.id = c.parent_id
	 WHERE c.id = $child AND c.exe = p.exe AND c.argv = p.argv AND c.pid != p.pid
	 AND c.ppid = p.pid")" "child: same exe and argv, its own pid, ppid = parent's pid"
expect_eq "$child" "$(q "SELECT process_id FROM accesses WHERE op = 'open' AND path = '$PWD/f'")" \
	"the open belongs to the child"
