# The views answer the everyday questions for a small shell run.
. "$SB_SRC/test/lib.sh"

trace sh -c 'cat /etc/passwd >/dev/null; echo x >out; cat /nonexistent/sbview 2>/dev/null; ls / >/dev/null; exit 0'
expect_eq 0 "$?" "exit status"
expect_eq 1 "$(q "SELECT count(*) FROM files_read WHERE run_id = 1 AND path = '/etc/passwd'")" \
	"files_read has /etc/passwd"
expect_eq 0 "$(q "SELECT count(*) FROM files_read WHERE path = '/'")" \
	"files_read has no directory"
expect_eq 1 "$(q "SELECT count(*) FROM files_written WHERE run_id = 1 AND path = '$PWD/out' AND op = 'open'")" \
	"files_written has out"
expect_eq 0 "$(q "SELECT count(*) FROM files_written WHERE path = '/etc/passwd'")" \
	"files_written has no read-only file"
# the PATH search decides /bin or /usr/bin
expect_match '^/(usr/)?bin/sh /(usr/)?bin/cat /(usr/)?bin/ls$' "$(q "SELECT group_concat(path, ' ') FROM
	 (SELECT path FROM programs_executed WHERE run_id = 1
	  ORDER BY path LIKE '%/ls', path LIKE '%/cat')")" \
	"programs_executed: the command sh, cat and ls"
expect_eq 3 "$(q "SELECT count(*) FROM programs_executed WHERE run_id = 1")" \
	"programs_executed: nothing else"
expect_eq "open|1" "$(q "SELECT ops, tries FROM missing_paths WHERE run_id = 1 AND path = '/nonexistent/sbview'")" \
	"missing_paths has the missing file"
expect_eq 1 "$(q "SELECT count(*) FROM process_tree WHERE depth = 0")" "process_tree: one root"
expect_match '/(da)?sh$' "$(q "SELECT exe FROM process_tree WHERE depth = 0")" "process_tree: root is sh"
# sh forks (a row each, started_by fork), the child execs the program
expect_eq "2|/usr/bin/cat
2|/usr/bin/cat
2|/usr/bin/ls" "$(q "SELECT depth, exe FROM process_tree WHERE exe NOT LIKE '%sh' ORDER BY exe")" \
	"process_tree: programs under the shell's fork children"
expect_eq "3|1" "$(q "SELECT count(*), min(depth) FROM process_tree t JOIN processes p ON p.id = t.id
	 WHERE p.started_by = 'fork'")" "process_tree: three fork rows at depth 1"
expect_eq 0 "$(q "SELECT count(*) FROM processes p WHERE parent_id IS NOT NULL
	 AND NOT EXISTS (SELECT 1 FROM processes q WHERE q.id = p.parent_id)")" "parent_id references exist"
