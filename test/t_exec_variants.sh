# Every exec variant: the exec'd /bin/echo gets a processes row whose argv
# holds a unique marker, descends from the execs process, and an 'exec'
# access with result 0 names echo.  Exec-family calls: the row is an exec
# of the caller (same pid, started_by 'exec'); spawn-like: a new process.
. "$SB_SRC/test/lib.sh"

for v in execve execv execvp execvpe execl execlp execle fexecve execveat \
	posix_spawn posix_spawnp system popen; do
	m="sbmark_${v}_$$"
	out=$(SBTEST_MARKER=$m trace "$PROGS/execs" "$v")
	rc=$?
	expect_eq 0 "$rc" "$v: exit status"
	expect_eq "$m" "$out" "$v: output of echo"

	expect_eq 1 "$(marker_rows "$m")" "$v: processes rows with $m in argv"
	row=$(q "SELECT p.id FROM processes p, json_each(p.argv) j
		 WHERE j.value = '$m' LIMIT 1")
	[ -n "$row" ] || continue
	expect_match '/echo$' "$(q "SELECT exe FROM processes WHERE id = $row")" \
		"$v: exe of the marker process"
	expect_eq preload "$(q "SELECT backend FROM processes WHERE id = $row")" \
		"$v: backend of the marker process"
	# an ancestor (within 3 steps) is the execs program
	anc=$(q "WITH RECURSIVE anc(id, parent_id, exe, d) AS (
		   SELECT id, parent_id, exe, 0 FROM processes WHERE id = $row
		   UNION ALL
		   SELECT p.id, p.parent_id, p.exe, a.d + 1
		   FROM processes p JOIN anc a ON p.id = a.parent_id WHERE a.d < 3)
		 SELECT count(*) FROM anc WHERE d > 0 AND exe LIKE '%/execs'")
	expect_eq 1 "$anc" "$v: execs is an ancestor of the marker process"
	expect_ge 1 "$(q "SELECT count(*) FROM accesses
		 WHERE op = 'exec' AND result = 0 AND path LIKE '%/echo'")" \
		"$v: exec access of echo with result 0"

	case $v in
	exec*|fexecve)
		expect_eq exec "$(q "SELECT started_by FROM processes WHERE id = $row")" \
			"$v: started_by"
		expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p
			 ON p.id = c.parent_id WHERE c.id = $row
			 AND p.pid = c.pid AND p.exe LIKE '%/execs'")" \
			"$v: parent is the execs image of the same pid"
		# the caller's side of the exec, in the execs process
		expect_eq 1 "$(q "SELECT count(*) FROM accesses a
			 JOIN processes p ON p.id = a.process_id
			 WHERE p.exe LIKE '%/execs' AND a.op = 'exec'
			 AND a.result = 0 AND a.path LIKE '%/echo'")" \
			"$v: exec access in the execs process"
		expect_eq 1 "$(q "SELECT count(*) FROM processes
			 WHERE exe LIKE '%/execs' AND end_ns IS NOT NULL")" \
			"$v: execs image has end_ns set by the exec"
		;;
	posix_spawn*)
		expect_eq spawn "$(q "SELECT started_by FROM processes WHERE id = $row")" \
			"$v: started_by"
		expect_eq 1 "$(q "SELECT count(*) FROM accesses a
			 JOIN processes p ON p.id = a.process_id
			 WHERE p.exe LIKE '%/execs' AND a.op = 'exec'
			 AND a.result = 0 AND a.path LIKE '%/echo'
			 AND (a.mode & 2048) != 0")" \
			"$v: exec access with SB_M_SPAWN in the execs process"
		;;
	system|popen)
		expect_ge 1 "$(q "SELECT count(*) FROM accesses a
			 JOIN processes p ON p.id = a.process_id
			 WHERE p.exe LIKE '%/execs' AND a.op = 'exec'
			 AND a.result = 0 AND (a.mode & 2048) != 0")" \
			"$v: exec access with SB_M_SPAWN in the execs process"
		;;
	esac
	case $v in
	execvp|execlp|execvpe|posix_spawnp)
		expect_eq 0 "$(q "SELECT count(*) FROM accesses
			 WHERE op = 'exec' AND result = 0 AND path NOT LIKE '/%'")" \
			"$v: exec paths are absolute after PATH search"
		;;
	execle)
		# the empty environment did not stop the tracing; the row
		# above proves it, and argv is exactly what was passed
		expect_eq "[\"echo\",\"$m\"]" "$(q "SELECT argv FROM processes WHERE id = $row")" \
			"$v: argv JSON"
		;;
	esac
done
