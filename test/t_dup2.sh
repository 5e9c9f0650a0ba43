# dup2/dup3 onto every fd up to the limit (the library's own fd among
# them) behaves as untraced, and a later open is still recorded.
. "$SB_SRC/test/lib.sh"

echo data >"$PWD/marker"
trace_ok "$PROGS/dup2fds" "$PWD/marker"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/dup2fds' AND a.op = 'open' AND a.result = 0
	 AND a.path = '$PWD/marker'")" "open of the marker after the dup2 storm"
