# sbtrace -p refused: usage errors (exit 2: a bad pid, -p with a command,
# with -b preload, twice) and what cannot be attached to (exit 1, with
# the cause and what to do: no such process, sbtrace itself, a zombie,
# a kernel thread, a process traced already, a seccomp filter that
# denies ptrace).  No database is left behind and the process runs on
# untouched.
. "$SB_SRC/test/lib.sh"

L=$PROGS/looper
W=$PWD
lpid= opid=
trap 'rc=$?; [ -n "$opid" ] && kill "$opid" 2>/dev/null; [ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	(exit $rc); _sb_exit' EXIT

# refused RC MESSAGE-ERE ARGS...: sbtrace -q -o $DB ARGS fails so.
refused() {
	local want_rc=$1 want=$2 rc=0 err
	shift 2
	err=$("$SBTRACE" -q -o "$DB" "$@" 2>&1) || rc=$?
	expect_eq "$want_rc" "$rc" "$*: exit status"
	expect_match "$want" "$(printf '%s\n' "$err" | head -n 1)" "$*: message"
	expect_eq no "$([ -e "$DB" ] && echo yes || echo no)" "$*: no database"
	expect_eq no "$([ -e ran ] && echo yes || echo no)" "$*: nothing run"
}

mkdir d
"$L" "$W/d" &
lpid=$!
wait_for_file d/pid 10 || fail "the looper did not start"

refused 2 '^sbtrace: -p abc: not a process id$' -p abc
refused 2 '^sbtrace: -p 0: not a process id$' -p 0
refused 2 '^sbtrace: -p -5: not a process id$' -p -5
refused 2 "^sbtrace: -p $lpid and a command: sbtrace either attaches to a process or runs one\$" \
	-p "$lpid" -- touch ran
refused 2 '^sbtrace: -p needs ptrace: -b preload cannot enter a process that runs already$' \
	-b preload -p "$lpid"
refused 2 '^sbtrace: -p given twice: sbtrace attaches to one process$' -p "$lpid" -p "$lpid"
refused 2 "^sbtrace: option requires an argument -- 'p'\$" -p

# above the largest pid_max (2^22): never a process
refused 1 '^sbtrace: -p 4194305: no such process$' -p 4194305

"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
rm -f "$DB"*

# sbtrace's own pid: the shell's, which execs it
rc=0
err=$(sh -c 'exec "$0" -q -o "$1" -p $$' "$SBTRACE" "$DB" 2>&1) || rc=$?
expect_eq 1 "$rc" "itself: exit status"
expect_match '^sbtrace: -p [0-9]+: that is sbtrace itself$' "$err" "itself: message"

# a zombie: a child its parent never reaps (a shell's child may be
# reaped by the shell before it execs, so python, which reaps nothing
# it was not asked to)
python3 -c 'import os, sys, time
pid = os.fork()
if pid == 0:
    os._exit(0)
open("zpid", "w").write("%d\n" % pid)
time.sleep(3)' &
zparent=$!
for i in $(seq 50); do
	[ -s zpid ] && grep -q '^State:.*Z' "/proc/$(cat zpid)/status" 2>/dev/null && break
	sleep 0.1
done
refused 1 "^sbtrace: -p $(cat zpid): the process has exited \(its parent has not reaped it yet\)\$" \
	-p "$(cat zpid)"
kill "$zparent" 2>/dev/null

# kthreadd, pid 2, where there is one in this pid namespace
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	refused 1 '^sbtrace: -p 2: ptrace not permitted: it is a kernel thread$' -p 2
fi

# a process traced already, by another sbtrace
mkdir o
"$SBTRACE" -q -b ptrace -o other.db -- "$L" "$W/o" &
opid=$!
wait_for_file o/pid 10 || fail "the traced looper did not start"
refused 1 "^sbtrace: -p $(cat o/pid): ptrace not permitted: the process is traced already, by pid $opid \(.*sbtrace\); a process has one tracer at a time: stop that one first\$" \
	-p "$(cat o/pid)"
touch o/stop
wait "$opid"
expect_eq 3 "$?" "the other sbtrace: undisturbed"
opid=

# a seccomp filter on sbtrace that denies ptrace
if "$PROGS/noptrace" /bin/true 2>/dev/null; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	rc=0
	err=$("$PROGS/noptrace" "$SBTRACE" -q -o "$DB" -p "$lpid" 2>&1) || rc=$?
	expect_eq 1 "$rc" "seccomp: exit status"
	expect_match "^sbtrace: -p $lpid: ptrace not permitted: a seccomp filter on sbtrace denies it; run sbtrace without that filter" \
		"$err" "seccomp: message"
	expect_eq no "$([ -e "$DB" ] && echo yes || echo no)" "seccomp: no database"
fi

# through all of that the looper ran on, untraced
expect_match '^[RS]' "$(sed -n 's/^State:[[:space:]]*//p' "/proc/$lpid/status")" "the looper runs"
expect_eq 0 "$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$lpid/status")" "the looper is not traced"
touch d/stop
rc=0
wait "$lpid" || rc=$?
lpid=
expect_eq 3 "$rc" "the looper's own end"
