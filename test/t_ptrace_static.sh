# sbtrace -b ptrace on static programs: every access with its result,
# threads, fork, exit statuses and signals passed through; -b auto
# traces a static command with ptrace from the start.
. "$SB_SRC/test/lib.sh"

S=$PROGS/static_ptrace
[ -x "$S" ] || fail "$S was not built"
ldd "$S" >/dev/null 2>&1 && skip "static_ptrace is not static (no static libc?)"
"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
D=$PWD/d
mkdir -p "$D"
pt() { "$SBTRACE" -q -b ptrace -o "$DB" -- "$@"; }
acc() { q "SELECT op || ' ' || mode || ' ' || result || ' ' || count FROM accesses
	WHERE path = $(sqlsr "$1") AND raw_path = $(sqlsr "$2") ORDER BY op, mode"; }
sqlsr() { sqlstr "$1"; }

pt "$S" files "$D"
expect_eq 0 "$?" "files: exit status"
expect_eq "ptrace|root|0" "$(q "SELECT backend, started_by, exit_code FROM processes")" "files: one ptrace row"
expect_eq "ptrace" "$(q "SELECT backend FROM runs")" "runs.backend"
expect_eq "open 22 0 1" "$(acc "$D/exists" "$D/exists" | grep '^open')" "open O_CREAT|O_TRUNC for writing"
expect_eq "open 1 2 1
stat 0 2 1" "$(acc "$D/missing" "$D/missing")" "missing file: open and stat ENOENT"
expect_match "^access 1 0 1$" "$(acc "$D/exists" "$D/exists")" "access R_OK"
expect_eq "mkdir 14 0 1" "$(acc "$D/sub" "$D/sub")" "mkdir"
expect_match "^rename 2 0 1$" "$(acc "$D/exists" "$D/exists")" "rename: old name"
expect_eq "rename 16390 0 1" "$(acc "$D/sub/renamed" "$D/sub/renamed")" "rename: new name"
expect_eq "chdir 8 0 1" "$(acc "$D" "$D")" "chdir"
# open("sub/renamed") after chdir and openat(fd of sub, "renamed") both
# resolve to the same path: one folded row, count 2 (the first raw path)
expect_eq "open 1 0 2" "$(q "SELECT op || ' ' || mode || ' ' || result || ' ' || sum(count)
	FROM accesses WHERE path = '$D/sub/renamed' AND op = 'open'")" "relative opens (cwd and dirfd)"
expect_eq "open 9 0 1" "$(acc "$D/sub" sub | grep '^open')" "open O_DIRECTORY relative"
expect_eq "unlink 2 0 1" "$(acc "$D/sub/renamed" sub/renamed | grep '^unlink')" "unlink"
expect_eq "rmdir 10 0 1" "$(acc "$D/sub" sub | grep rmdir)" "rmdir"

pt "$S" threads "$D"
expect_eq 0 "$?" "threads: exit status"
expect_eq 4 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND result = 2
	AND path GLOB '$D/t[0-3]'")" "threads: 4 opens, ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM processes")" "threads: one process row"

rc=0
pt "$S" fork "$D" || rc=$?
expect_eq 7 "$rc" "fork: the program's exit status"
expect_eq "root|7
fork|7" "$(q "SELECT started_by || '|' || exit_code FROM processes ORDER BY id")" "fork: two rows"
expect_eq fork "$(q "SELECT p.started_by FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE a.path = '$D/child'")" "fork: the child's open in the child's row"
expect_eq 1 "$(q "SELECT count(*) FROM processes c JOIN processes p ON p.id = c.parent_id
	WHERE c.started_by = 'fork' AND p.started_by = 'root'")" "fork: parent link"

rc=0
pt "$S" kill || rc=$?
expect_eq 143 "$rc" "killed by SIGTERM: 128+15"
expect_eq "15|" "$(q "SELECT signal || '|' || coalesce(exit_code, '') FROM processes")" "killed: signal column"

rc=0
out=$(pt "$S" stop) || rc=$?
expect_eq 5 "$rc" "SIGSTOP/SIGCONT: exit status"
expect_eq continued "$out" "SIGSTOP/SIGCONT: it ran on"

out=$(pt busybox cat /etc/hostname)
expect_eq "$(cat /etc/hostname)" "$out" "busybox cat output"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname' AND result = 0")" \
	"busybox cat: open recorded"
pt busybox ls /nonexistent-sb 2>/dev/null
expect_eq 2 "$(q "SELECT result FROM accesses WHERE path = '/nonexistent-sb' LIMIT 1")" "busybox ls: ENOENT"

# the whole tree: busybox sh forks and execs
pt busybox sh -c "busybox cat /etc/hostname >/dev/null; exit 4"
expect_eq 4 "$?" "busybox sh: exit status" 2>/dev/null
expect_eq "root fork exec" "$(q "SELECT group_concat(started_by, ' ') FROM (SELECT started_by FROM processes ORDER BY id)")" \
	"busybox sh: process tree"
expect_eq '["busybox","cat","/etc/hostname"]' "$(q "SELECT argv FROM processes WHERE started_by = 'exec'")" "exec'd argv"
expect_eq "fork|1" "$(q "SELECT p.started_by || '|' || count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE a.op = 'exec' AND a.result = 0 AND p.started_by != 'root' GROUP BY p.started_by")" "the fork child's exec access"
expect_match '^root\|/.*/busybox\|busybox$' "$(q "SELECT p.started_by || '|' || a.path || '|' || a.raw_path
	 FROM accesses a JOIN processes p ON p.id = a.process_id WHERE a.op = 'exec' AND p.started_by = 'root'")" \
	"the command's own exec, written by sbtrace"

# -b auto: a static command is traced with ptrace from the start
"$SBTRACE" -q -o "$DB" -- "$S" fork "$D"
expect_eq 7 "$?" "auto: exit status"
expect_eq "auto|ptrace,ptrace" "$(q "SELECT r.backend || '|' || group_concat(p.backend) FROM runs r, processes p")" \
	"auto: static command traced by ptrace"

# a command that cannot be exec'd
rc=0
pt /nonexistent/cmd 2>/dev/null || rc=$?
expect_eq 127 "$rc" "-b ptrace: command not found"
expect_eq 0 "$(q "SELECT count(*) FROM processes")" "no row for a failed exec"
