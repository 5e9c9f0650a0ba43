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

# process_tree ORDER BY tree_key: every process after the one that
# started it, so the indented listing shows who started whom
keys=$(q "SELECT t.id, coalesce(t.parent_id, 0) FROM process_tree t ORDER BY t.tree_key")
seen=" 0 "
while read -r id parent; do
	case $seen in
	*" $parent "*) ;;
	*) _sb_bad "process_tree by tree_key" "process $parent before $id" "$(printf '%s' "$keys" | tr '\n' ' ')" ;;
	esac
	seen="$seen$id "
done <<<"$(printf '%s\n' "$keys" | tr '|' ' ')"
expect_eq "$(q "SELECT count(*) FROM processes")" "$(printf '%s\n' "$keys" | wc -l)" \
	"process_tree: every process once"
expect_match '^0\|/usr/bin/(da)?sh\|root\|-c$' "$(q "SELECT depth, exe, started_by, json_extract(argv, '\$[1]')
	 FROM process_tree ORDER BY tree_key LIMIT 1")" "process_tree: the root first, with how it started"
expect_eq "0|" "$(q "SELECT exit_code, signal FROM process_tree WHERE exe LIKE '%/cat' LIMIT 1")" \
	"process_tree: exit status"

# files_written: one row per path, its operations together; access(W_OK)
# only asks and changes nothing
rm -f "$DB"
trace_ok python3 -c "import os
open('w1', 'w').write('x')
os.truncate('w1', 0)
os.unlink('w1')
os.access('/etc/passwd', os.W_OK)" || exit 1
expect_eq "open,truncate,unlink" "$(q "SELECT group_concat(op, '/') FROM files_written WHERE path = '$PWD/w1'")" \
	"files_written: one row for w1, with every operation"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'access' AND path = '/etc/passwd' AND (mode & 2)")" \
	"the access(W_OK) row is there"
expect_eq 0 "$(q "SELECT count(*) FROM files_written WHERE path = '/etc/passwd'")" \
	"files_written: access(W_OK) is no write"

# What an open reads (sbtrace-db(5) files_read): "r" and "r+" read the
# file as it was; "w+" empties it and "a+" may create it, so nothing is
# known to be read from either: written only, as ReproZip counts them.
rm -f "$DB"
echo old >rplus && echo old >aplus_old && echo old >wplus && echo old >r
trace_ok "$PROGS/fopenmodes" r r r+ rplus w+ wplus a+ aplus_new a+ aplus_old || exit 1
read_q() { q "SELECT count(*) FROM files_read WHERE path = '$PWD/$1'"; }
written_q() { q "SELECT count(*) FROM files_written WHERE path = '$PWD/$1'"; }
expect_eq "1|0" "$(read_q r)|$(written_q r)" "fopen r: read, not written"
expect_eq "1|1" "$(read_q rplus)|$(written_q rplus)" "fopen r+: read and written"
expect_eq "0|1" "$(read_q wplus)|$(written_q wplus)" "fopen w+: written only"
expect_eq "0|1" "$(read_q aplus_new)|$(written_q aplus_new)" "fopen a+ creating the file: written only"
expect_eq "0|1" "$(read_q aplus_old)|$(written_q aplus_old)" "fopen a+ of an existing file: written only"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '$PWD/aplus_new'
	 AND (mode & 39) = 39")" "a+ is recorded as READ|WRITE|CREATE|APPEND"

# An appended database: one row per (run, path); DISTINCT for the file
trace_ok cat /etc/passwd >/dev/null
"$SBTRACE" -q -a -o "$DB" -- sh -c 'cat /etc/passwd /nonexistent/sbview2 2>/dev/null' >/dev/null
expect_eq "1|2" "$(q "SELECT group_concat(run_id, '|') FROM files_read WHERE path = '/etc/passwd'")" \
	"files_read: /etc/passwd once per run"
expect_eq 1 "$(q "SELECT count(*) FROM files_read WHERE path = '/etc/passwd'
	 AND run_id = (SELECT max(id) FROM runs)")" "files_read: the last run"
expect_eq 1 "$(q "SELECT count(DISTINCT path) FROM files_read WHERE path = '/etc/passwd'")" \
	"files_read: the whole database"
expect_eq 0 "$(q "SELECT count(*) FROM (SELECT 1 FROM files_read GROUP BY run_id, path HAVING count(*) > 1)")" \
	"files_read: never twice in a run"
expect_eq 0 "$(q "SELECT count(*) FROM (SELECT 1 FROM missing_paths GROUP BY run_id, path, kind
	 HAVING count(*) > 1)")" "missing_paths: never twice in a run"

# missing_paths.kind: a PATH lookup of execvp, a loader search, a miss
rm -f "$DB"
trace env LD_LIBRARY_PATH=/nonexistent/sblib PATH=/nonexistent/sbpath:/usr/bin:/bin \
	sh -c 'cat /nonexistent/sbmiss 2>/dev/null; env sbview-no-such-cmd 2>/dev/null; exit 0'
expect_eq 0 "$?" "kind: exit status"
expect_eq "path-lookup|exec" "$(q "SELECT kind, ops FROM missing_paths WHERE path = '/nonexistent/sbpath/sbview-no-such-cmd'")" \
	"kind: execvp's PATH candidate"
expect_eq "loader-search|search" "$(q "SELECT DISTINCT kind, ops FROM missing_paths WHERE path LIKE '/nonexistent/sblib/%'")" \
	"kind: the dynamic linker's search"
expect_eq "not-found|open" "$(q "SELECT kind, ops FROM missing_paths WHERE path = '/nonexistent/sbmiss'")" \
	"kind: a real miss"
# a shell's own search (stat along PATH) and Python's (execve of each
# candidate): lookups when a program of that name ran; a command not
# found at all leaves its candidates as misses
rm -f "$DB"
trace env PATH=/nonexistent/sbpath:/usr/bin:/bin sh -c 'cat /dev/null; sbview-nosuch 2>/dev/null;
	python3 -c "import subprocess; subprocess.run([\"true\"])"; exit 0'
expect_eq 0 "$?" "kind, shells: exit status"
expect_eq "path-lookup|stat" "$(q "SELECT kind, ops FROM missing_paths WHERE path = '/nonexistent/sbpath/cat'")" \
	"kind: the shell's PATH search"
expect_eq "path-lookup|exec" "$(q "SELECT kind, ops FROM missing_paths WHERE path = '/nonexistent/sbpath/true'")" \
	"kind: Python's PATH search"
expect_eq "not-found|stat" "$(q "SELECT kind, ops FROM missing_paths WHERE path = '/nonexistent/sbpath/sbview-nosuch'")" \
	"kind: a command not found"

# packages: the package column, NULL where nothing says
q "INSERT INTO packages (path, package, version, architecture) VALUES ('$(q "SELECT path FROM programs_executed WHERE path LIKE '%/cat'")', 'coreutils', '9.1-1', 'amd64')"
expect_eq "coreutils" "$(q "SELECT package FROM programs_executed WHERE path LIKE '%/cat'")" \
	"programs_executed.package"
expect_eq "coreutils" "$(q "SELECT package FROM files_read WHERE path LIKE '%/cat'")" "files_read.package"
expect_eq "" "$(q "SELECT package FROM files_read WHERE path LIKE '%/env'")" "package NULL when not attributed"
