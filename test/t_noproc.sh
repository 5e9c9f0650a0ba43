# /proc missing (a tmpfs over it in a private mount namespace): sbtrace
# finds its library without /proc/self/exe (by argv[0], or PATH), says
# what the library cannot record without /proc, refuses -b ptrace with
# the reason instead of recording processes with no exe, argv or execs
# (-p too), and -b auto leaves a static program untraced with a warning.  Where a
# seccomp filter denies ptrace, the diagnosis names it although
# /proc/self/status cannot be read.  Needs root.
. "$SB_SRC/test/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to mount over /proc"
# The sanitizer runtime reads its options from /proc/self/environ and
# stops threads through /proc for the leak check at exit: it fails here.
ldd "$SBTRACE" | grep -q libasan && skip "the sanitizer runtime needs /proc"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"

S=$PROGS/static_hello
cat >inner.sh <<EOF
mount -t tmpfs none /proc || exit 99
[ -e /proc/self/stat ] && exit 98
cd '$PWD'
'$SBTRACE' -b preload -o p.db -- sh -c 'cat /etc/hostname >/dev/null' 2>p.err; echo \$? >p.rc
PATH='$SB_BUILD':\$PATH sbtrace -q -o path.db -- cat /etc/hostname 2>path.err >/dev/null
echo \$? >path.rc
'$SBTRACE' -q -b ptrace -o t.db -- sh -c 'cat /etc/hostname' 2>t.err >/dev/null; echo \$? >t.rc
'$SBTRACE' -q -o a.db -- '$S' 2>a.err >/dev/null; echo \$? >a.rc
'$PROGS/noptrace' '$SBTRACE' -q -b ptrace -o n.db -- /bin/true 2>n.err; echo \$? >n.rc
'$SBTRACE' -q -o pp.db -p 1 2>pp.err; echo \$? >pp.rc
exit 0
EOF
unshare -m sh inner.sh
case $? in
99) skip "cannot mount a tmpfs over /proc" ;;
98) fail "/proc is still there" ;;
esac

expect_eq 0 "$(cat p.rc)" "-b preload: exit status"
expect_match '^sbtrace: warning: /proc is not usable \(/proc/self/stat: No such file or directory\): processes.exe stays empty' \
	"$(cat p.err)" "-b preload: says what is missing"
expect_nomatch 'cannot find libsbtrace' "$(cat p.err)" "-b preload: the library found without /proc"
DB=$PWD/p.db
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE a.op = 'open' AND a.path = '/etc/hostname' AND json_extract(p.argv, '\$[0]') = 'cat'")" \
	"-b preload: cat traced, with its argv"

expect_eq 0 "$(cat path.rc)" "sbtrace found through PATH: exit status"
DB=$PWD/path.db
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"sbtrace found through PATH: the library found and loaded"

expect_eq 1 "$(cat t.rc)" "-b ptrace: refused"
expect_match '^sbtrace: -b ptrace needs /proc to read the traced processes \(/proc/self/stat: No such file or directory\); .*-b preload' \
	"$(cat t.err)" "-b ptrace: why"
if [ -e t.db ]; then
	_sb_bad "-b ptrace" "no database" "t.db left"
fi

expect_eq 0 "$(cat a.rc)" "-b auto, static command: exit status"
expect_match "warning: $S is static and is not traced: the ptrace backend needs /proc" \
	"$(cat a.err)" "-b auto, static command: warning"
DB=$PWD/a.db
expect_eq "root|none" "$(q "SELECT started_by || '|' || backend FROM processes")" \
	"-b auto, static command: its row says untraced"

expect_eq 1 "$(cat n.rc)" "seccomp denies ptrace, no /proc: exit status"
expect_match '^sbtrace: ptrace not permitted: a seccomp filter denies ptrace' "$(cat n.err)" \
	"seccomp denies ptrace, no /proc: the filter is named"
expect_nomatch 'CAP_SYS_PTRACE' "$(cat n.err)" "seccomp denies ptrace, no /proc: no capability advice"

expect_eq 1 "$(cat pp.rc)" "-p: refused"
expect_eq "sbtrace: -p needs /proc to read the traced processes (/proc/self/stat: No such file or directory); mount proc on /proc (a container: do not mask it)" \
	"$(cat pp.err)" "-p: why"
if [ -e pp.db ]; then
	_sb_bad "-p" "no database" "pp.db left"
fi
