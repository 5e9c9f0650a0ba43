# sbtrace -b seccomp on static programs, where ptrace is forbidden (a
# seccomp filter denies it, as a container profile may): every access
# with its result (probed by sbtrace before the call runs), threads,
# fork, exit statuses and signals passed through, no ptrace involved;
# and where seccomp user notification cannot be had, -b seccomp says so.
. "$SB_SRC/test/lib.sh"

# LeakSanitizer needs ptrace itself to check for leaks at exit
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
NP=$PROGS/noptrace
S=$PROGS/static_ptrace
[ -x "$S" ] || fail "$S was not built"
ldd "$S" >/dev/null 2>&1 && skip "static_ptrace is not static (no static libc?)"
"$NP" /bin/true || skip "cannot install a seccomp filter here"

# unavailable: the filter denies seccomp(2) as well
rc=0
err=$("$NP" -s "$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>&1) || rc=$?
expect_eq 1 "$rc" "unavailable: exit status"
expect_match '^sbtrace: -b seccomp: seccomp user notification is not available: seccomp\(2\) fails with Operation not permitted: .*; use -b preload or -b ptrace$' \
	"$err" "unavailable: message"
expect_eq "" "$(ls "$DB" 2>/dev/null)" "unavailable: no database"
"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>/dev/null || skip "seccomp user notification not available here"

D=$PWD/d
mkdir -p "$D"
st() { "$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- "$@"; }
acc() { q "SELECT op || ' ' || mode || ' ' || result || ' ' || count FROM accesses
	WHERE path = $(sqlstr "$1") AND raw_path = $(sqlstr "$2") ORDER BY op, mode"; }

st "$S" files "$D"
expect_eq 0 "$?" "files: exit status"
expect_eq "seccomp|root|0" "$(q "SELECT backend, started_by, exit_code FROM processes")" "files: one seccomp row"
expect_eq "seccomp" "$(q "SELECT backend FROM runs")" "runs.backend"
expect_eq "open 22 0 1" "$(acc "$D/exists" "$D/exists" | grep '^open')" "open O_CREAT|O_TRUNC for writing"
expect_eq "open 1 2 1
stat 0 2 1" "$(acc "$D/missing" "$D/missing")" "missing file: open and stat ENOENT"
expect_match "^access 1 0 1$" "$(acc "$D/exists" "$D/exists")" "access R_OK"
expect_eq "mkdir 14 0 1" "$(acc "$D/sub" "$D/sub")" "mkdir"
expect_match "^rename 2 0 1$" "$(acc "$D/exists" "$D/exists")" "rename: old name"
expect_eq "rename 16390 0 1" "$(acc "$D/sub/renamed" "$D/sub/renamed")" "rename: new name"
expect_eq "chdir 8 0 1" "$(acc "$D" "$D")" "chdir"
expect_eq "open 1 0 2" "$(q "SELECT op || ' ' || mode || ' ' || result || ' ' || sum(count)
	FROM accesses WHERE path = '$D/sub/renamed' AND op = 'open'")" "relative opens (cwd and dirfd)"
expect_eq "open 9 0 1" "$(acc "$D/sub" sub | grep '^open')" "open O_DIRECTORY relative"
expect_eq "unlink 2 0 1" "$(acc "$D/sub/renamed" sub/renamed | grep '^unlink')" "unlink"
expect_eq "rmdir 10 0 1" "$(acc "$D/sub" sub | grep rmdir)" "rmdir"

st "$S" threads "$D"
expect_eq 0 "$?" "threads: exit status"
expect_eq 4 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND result = 2
	AND path GLOB '$D/t[0-3]'")" "threads: 4 opens, ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM processes")" "threads: one process row"

rc=0
st "$S" fork "$D" || rc=$?
expect_eq 7 "$rc" "fork: the program's exit status"
expect_eq "root|7
fork|7" "$(q "SELECT started_by || '|' || exit_code FROM processes ORDER BY id")" "fork: two rows"
expect_eq fork "$(q "SELECT p.started_by FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE a.path = '$D/child'")" "fork: the child's open in the child's row"

rc=0
st "$S" kill || rc=$?
expect_eq 143 "$rc" "killed by SIGTERM: 128+15"
expect_eq "15|" "$(q "SELECT signal || '|' || coalesce(exit_code, '') FROM processes")" "killed: signal column"

rc=0
out=$(st "$S" stop) || rc=$?
expect_eq 5 "$rc" "SIGSTOP/SIGCONT: exit status"
expect_eq continued "$out" "SIGSTOP/SIGCONT: it ran on"

# busybox sh forks and execs; an exec that fails; a missing file
st busybox sh -c "busybox cat /etc/hostname >/dev/null; busybox ls /nonexistent-sb 2>/dev/null;
	/nonexistent-sb/cmd 2>/dev/null; exit 4"
expect_eq 4 "$?" "busybox sh: exit status"
expect_eq "root fork exec fork exec fork" "$(q "SELECT group_concat(started_by, ' ') FROM (SELECT started_by FROM processes ORDER BY id)")" \
	"busybox sh: process tree"
expect_eq '["busybox","cat","/etc/hostname"]' "$(q "SELECT argv FROM processes WHERE started_by = 'exec' ORDER BY id LIMIT 1")" \
	"exec'd argv"
expect_eq 2 "$(q "SELECT result FROM accesses WHERE path = '/nonexistent-sb' LIMIT 1")" "busybox ls: ENOENT"
expect_eq "exec|2" "$(q "SELECT op || '|' || result FROM accesses WHERE path = '/nonexistent-sb/cmd'")" \
	"the failed exec, with its error"
expect_eq 127 "$(q "SELECT exit_code FROM processes ORDER BY id DESC LIMIT 1")" \
	"the fork child whose exec failed: exit_group's status"
expect_match '^root\|/.*/busybox\|busybox$' "$(q "SELECT p.started_by || '|' || a.path || '|' || a.raw_path
	 FROM accesses a JOIN processes p ON p.id = a.process_id WHERE a.op = 'exec' AND p.started_by = 'root'")" \
	"the command's own exec, written by sbtrace"

# an image that makes no path call before it ends is still seen: the
# filter stops at exit_group too
st busybox sh -c 'busybox true; exit 0'
expect_eq '["busybox","true"]' "$(q "SELECT argv FROM processes WHERE started_by = 'exec'")" "busybox true: its row"
expect_eq 0 "$(q "SELECT exit_code FROM processes WHERE started_by = 'exec'")" "busybox true: its exit"

# a dynamic program under -b seccomp: recorded by the backend, with what
# ld.so reads (as -b ptrace), since no library is loaded
st sh -c 'cat /etc/hostname >/dev/null'
expect_eq "seccomp" "$(q "SELECT group_concat(DISTINCT backend) FROM processes")" "dynamic: seccomp rows only"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/ld.so.cache' AND op = 'open' AND result = 0
	AND process_id = (SELECT max(id) FROM processes)")" "dynamic: ld.so's read of its cache"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname' AND op = 'open' AND result = 0")" \
	"dynamic: cat's open"

# a command that cannot be exec'd
rc=0
st /nonexistent/cmd 2>/dev/null || rc=$?
expect_eq 127 "$rc" "-b seccomp: command not found"
expect_eq 0 "$(q "SELECT count(*) FROM processes")" "no row for a failed exec"
