# The seccomp backend writes the rows the ptrace backend writes: a static
# busybox workload (a pipeline of forks and execs, finds, stats, reads,
# writes, failed lookups) traced with -b ptrace, and under a seccomp
# filter that denies ptrace with -b seccomp and -b auto, has the same
# processes and the same accesses, results included (here the results
# the seccomp backend probes before a call runs are the real ones: no
# other process changes the files meanwhile).  A preloaded shell that
# runs the static pipeline hands it over to either backend the same way.
. "$SB_SRC/test/lib.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
need busybox
ldd "$(command -v busybox)" >/dev/null 2>&1 && skip "busybox is not static: install busybox-static"
NP=$PROGS/noptrace
"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>/dev/null || skip "seccomp user notification not available here"

mkdir -p w/a/b && echo x >w/a/f && ln -s f w/a/l
W='cd w && busybox find . -type f | busybox xargs busybox cat >/dev/null
busybox ls -l a a/l a/missing >/dev/null 2>&1
busybox test -e a/nothing || busybox mkdir -p a/new/dir
busybox cp a/f a/new/g && busybox mv a/new/g a/new/h && busybox rm a/new/h
busybox readlink a/l >/dev/null; busybox stat -L a/l >/dev/null
busybox sh -c "exit 3"; echo $? >status; busybox rmdir a/new/dir a/new
busybox cat /etc/hostname /nonexistent-sb >/dev/null 2>&1; exit 0'

# accesses and processes, without what tells the backends apart
dump() {
	sqlite3 -batch "$1" "SELECT op, result, mode, path FROM accesses ORDER BY 1, 4, 2, 3" >"$2.acc"
	sqlite3 -batch "$1" "SELECT p.started_by, p.exe, p.argv, coalesce(p.exit_code, ''),
		coalesce((SELECT started_by FROM processes q WHERE q.id = p.parent_id), '')
		FROM processes p ORDER BY p.started_by, p.argv, p.exit_code" >"$2.proc"
	sqlite3 -batch "$1" "SELECT group_concat(DISTINCT backend) FROM processes" >"$2.backend"
}
reset() { rm -rf w/a/new w/status; }

reset
"$SBTRACE" -q -b ptrace -o p.db -- busybox sh -c "$W"
expect_eq 0 "$?" "ptrace: exit status"
dump p.db p
reset
"$NP" "$SBTRACE" -q -b seccomp -o s.db -- busybox sh -c "$W"
expect_eq 0 "$?" "seccomp: exit status"
dump s.db s
reset
"$NP" "$SBTRACE" -q -o a.db -- busybox sh -c "$W"
expect_eq 0 "$?" "auto without ptrace: exit status"
dump a.db a
expect_eq 3 "$(cat w/status)" "the inner shell's status"

expect_eq ptrace "$(cat p.backend)" "ptrace rows"
expect_eq seccomp "$(cat s.backend)" "seccomp rows"
expect_eq seccomp "$(cat a.backend)" "auto without ptrace: seccomp rows"
expect_ge 50 "$(wc -l <p.acc)" "the workload's accesses"
expect_eq "" "$(diff p.acc s.acc)" "-b seccomp: the accesses of -b ptrace"
expect_eq "" "$(diff p.proc s.proc)" "-b seccomp: the processes of -b ptrace"
expect_eq "" "$(diff p.acc a.acc)" "-b auto without ptrace: the accesses of -b ptrace"
expect_eq "" "$(diff p.proc a.proc)" "-b auto without ptrace: the processes of -b ptrace"
for op in open stat exec; do
	expect_ge 1 "$(grep -c "^$op|" s.acc)" "$op rows"
done
expect_ge 1 "$(grep -c '^open|2|' s.acc)" "failed opens (ENOENT)"
expect_ge 1 "$(grep -c '^mkdir|0|' s.acc)" "mkdir"

# the hand-over: a preloaded shell runs the static pipeline (-b auto
# with ptrace, and without it); the static processes' rows are the same
handover() {
	sqlite3 -batch "$1" "SELECT a.op, a.result, a.mode, a.path FROM accesses a
		JOIN processes p ON p.id = a.process_id WHERE p.backend = '$2' ORDER BY 1, 4, 2, 3" >"$3.acc"
	sqlite3 -batch "$1" "SELECT started_by, exe, argv FROM processes WHERE backend = '$2'
		ORDER BY 1, 3" >"$3.proc"
}
reset
"$SBTRACE" -q -o hp.db -- sh -c "$W"
expect_eq 0 "$?" "hand-over to ptrace: exit status"
handover hp.db ptrace hp
reset
"$NP" "$SBTRACE" -q -o hs.db -- sh -c "$W"
expect_eq 0 "$?" "hand-over to seccomp: exit status"
handover hs.db seccomp hs
expect_ge 50 "$(wc -l <hp.acc)" "hand-over: the static processes' accesses"
expect_eq "" "$(diff hp.acc hs.acc)" "hand-over: the static processes' accesses, as ptrace has them"
expect_eq "" "$(diff hp.proc hs.proc)" "hand-over: the static processes, as ptrace has them"
expect_eq "$(sqlite3 hp.db "SELECT count(*) FROM processes WHERE backend = 'preload'")" \
	"$(sqlite3 hs.db "SELECT count(*) FROM processes WHERE backend = 'preload'")" "hand-over: the shell's own rows"
expect_eq 0 "$(sqlite3 hs.db "SELECT count(*) FROM processes WHERE backend = 'none'")" "hand-over: nothing untraced"
