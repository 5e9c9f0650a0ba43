# vfork + execve is traced, also when the vfork child closes every fd
# above 2 first (as Python's subprocess does).
. "$SB_SRC/test/lib.sh"

for mode in plain close; do
	m="sbmark_vfork_${mode}_$$"
	out=$(SBTEST_MARKER=$m trace "$PROGS/vfork_exec" $mode)
	expect_eq 0 "$?" "$mode: exit status"
	expect_eq "$m" "$out" "$mode: output"
	expect_eq 1 "$(marker_rows "$m")" "$mode: processes row with the marker"
	# the vfork child may get a row of its own (a fork child of the same
	# image, known from its exec report); echo's row is exec'd from it
	expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p
		 ON p.id = c.parent_id, json_each(c.argv) j
		 WHERE j.value = '$m' AND p.exe LIKE '%/vfork_exec'
		 AND c.started_by = 'exec' AND c.pid = p.pid")" \
		"$mode: echo is an exec of a vfork_exec image with its pid"
	expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p
		 ON p.id = c.parent_id, json_each(c.argv) j
		 WHERE j.value = '$m' AND c.ppid IN
		 (SELECT pid FROM processes WHERE started_by = 'root')")" \
		"$mode: echo's ppid is the root vfork_exec"
	expect_ge 1 "$(q "SELECT count(*) FROM accesses
		 WHERE op = 'exec' AND result = 0 AND path = '/bin/echo'")" \
		"$mode: exec access of /bin/echo"
	expect_eq 0 "$(q "SELECT exit_code FROM processes p, json_each(p.argv) j
		 WHERE j.value = '$m'")" "$mode: exit code of echo"
done
