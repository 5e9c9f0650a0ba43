# system() and popen() run /bin/sh -c, which runs /bin/echo: all traced,
# with the shell between the caller and echo.
. "$SB_SRC/test/lib.sh"

for v in system popen; do
	m="sbmark_${v}_$$"
	out=$(SBTEST_MARKER=$m trace "$PROGS/execs" "$v")
	expect_eq 0 "$?" "$v: exit status"
	[ "$v" = system ] && expect_eq "$m" "$out" "$v: output"
	expect_eq 1 "$(marker_rows "$m")" "$v: echo row with the marker"
	# the shell: a process whose argv is [sh, -c, "/bin/echo MARKER"]
	sh_row=$(q "SELECT p.id FROM processes p
		 WHERE json_extract(p.argv, '\$[1]') = '-c'
		 AND json_extract(p.argv, '\$[2]') = '/bin/echo $m'
		 ORDER BY p.id LIMIT 1")
	[ -n "$sh_row" ] || { _sb_bad "$v: sh -c row" "a row" "none"; continue; }
	expect_match '^/(usr/)?bin/(da)?sh$' "$(q "SELECT exe FROM processes WHERE id = $sh_row")" \
		"$v: exe of the shell"
	expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p
		 ON p.id = c.parent_id WHERE c.id = $sh_row AND p.exe LIKE '%/execs'")" \
		"$v: the shell's parent is execs"
	# 'spawn' needs the child's pid, which system/popen may not tell
	expect_match '^(spawn|fork)$' "$(q "SELECT started_by FROM processes WHERE id = $sh_row")" \
		"$v: the shell was started_by spawn or fork"
	expect_ge 1 "$(q "SELECT count(*) FROM accesses a
		 JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/execs' AND a.op = 'exec' AND a.result = 0
		 AND a.path LIKE '%/sh' AND (a.mode & 2048) != 0")" \
		"$v: execs recorded the exec of the shell with SB_M_SPAWN"
done
