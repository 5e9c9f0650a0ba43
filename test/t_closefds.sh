# A program that closes every fd (close_range, closefrom, a close loop)
# and then opens a file is still traced, gets the fd it would get untraced
# (0), and a child it then execs is traced too.
. "$SB_SRC/test/lib.sh"

echo data >"$PWD/marker"
for how in close_range closefrom loop; do
	rm -f "$DB"
	trace "$PROGS/closefds" "$how" "$PWD/marker" exec
	expect_eq 0 "$?" "$how: exit status (12: open failed, 13: fd not 0)"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/closefds' AND a.op = 'open' AND a.result = 0
		 AND a.path = '$PWD/marker'")" "$how: open of the marker file by closefds"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/cat' AND a.op = 'open' AND a.result = 0
		 AND a.path = '$PWD/marker'")" "$how: open of the marker file by the exec'd cat"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/closefds' AND a.op = 'exec' AND a.result = 0
		 AND a.path = '/bin/cat'")" "$how: exec of cat recorded by closefds"
done
