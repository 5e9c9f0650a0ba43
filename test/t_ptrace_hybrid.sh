# -b auto: a preloaded shell execs a static binary mid-run; the
# collector takes that process over with ptrace, so one run has rows of
# both backends in one process tree.
. "$SB_SRC/test/lib.sh"

need busybox
"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
S=$PROGS/static_ptrace

out=$("$SBTRACE" -q -o "$DB" -- sh -c 'busybox cat /etc/hostname; /bin/true; exit 0')
expect_eq 0 "$?" "exit status"
expect_eq "$(cat /etc/hostname)" "$out" "output"
expect_eq "root|preload
fork|preload
exec|ptrace
fork|preload
exec|preload" "$(q "SELECT started_by || '|' || backend FROM processes ORDER BY id")" "rows and backends"
expect_match '^/usr/bin/(da)?sh$' "$(q "SELECT p.exe FROM processes c JOIN processes f ON f.id = c.parent_id
	JOIN processes p ON p.id = f.parent_id WHERE c.backend = 'ptrace'")" "the static row's parent is the shell's fork"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE p.backend = 'ptrace' AND a.op = 'open' AND a.path = '/etc/hostname' AND a.result = 0")" \
	"the static process's open, from ptrace"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '/usr/bin/busybox'
	AND (mode & 256) != 0")" "the exec, flagged static, from the library"
expect_eq 0 "$(q "SELECT count(*) FROM processes WHERE backend = 'none'")" "no untraced row"

# a static child forks a dynamic grandchild: the grandchild reports
# itself through the library, once
"$SBTRACE" -q -o "$DB" -- sh -c 'busybox sh -c "/bin/cat /etc/hostname >/dev/null; exit 3"'
expect_eq 3 "$?" "static shell: exit status"
expect_eq "preload ptrace ptrace preload" "$(q "SELECT group_concat(backend, ' ') FROM (SELECT backend FROM processes
	WHERE started_by != 'fork' OR backend = 'ptrace' ORDER BY id)")" "static in the middle"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"the grandchild's open recorded once"

# threads and fork inside a handed-over static program
"$SBTRACE" -q -o "$DB" -- sh -c "'$S' fork '$PWD'"
expect_eq 7 "$?" "handed-over fork: exit status"
expect_eq 2 "$(q "SELECT count(*) FROM processes WHERE backend = 'ptrace'")" "handed-over fork: two ptrace rows"
