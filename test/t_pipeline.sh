# A shell pipeline: every stage is a traced process under sh.
. "$SB_SRC/test/lib.sh"

trace_ok sh -c 'cat /etc/passwd | grep root | wc -l >out'
expect_ge 1 "$(cat out)" "pipeline output"
for p in cat grep wc; do
	expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE exe LIKE '%/$p'")" "row for $p"
	expect_match '/(da)?sh$' "$(q "SELECT p.exe FROM processes c JOIN processes p ON p.id = c.parent_id
		 WHERE c.exe LIKE '%/$p'")" "parent of $p is sh"
	expect_eq 0 "$(q "SELECT exit_code FROM processes WHERE exe LIKE '%/$p'")" "exit code of $p"
done
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/cat' AND a.op = 'open' AND a.path = '/etc/passwd' AND a.result = 0")" \
	"cat opened /etc/passwd"
expect_eq 1 "$(q "SELECT count(*) FROM files_written WHERE path = '$PWD/out'")" "out written"
