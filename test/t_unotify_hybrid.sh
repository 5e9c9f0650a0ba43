# -b auto where ptrace is forbidden: a preloaded process about to exec a
# static program hands it over to the seccomp backend (preload/unotify.c);
# programs that load the library under the backend's filter report
# themselves, once; a process under that filter already hands nothing
# over again; a vfork child and a scrubbed environment hand over too; a
# set-ID program still runs untraced.
. "$SB_SRC/test/lib.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
need busybox
ldd "$(command -v busybox)" >/dev/null 2>&1 && skip "busybox is not static: install busybox-static"
NP=$PROGS/noptrace
"$NP" /bin/true || skip "cannot install a seccomp filter here"
"$NP" "$SBTRACE" -q -b seccomp -o "$DB" -- /bin/true 2>/dev/null || skip "seccomp user notification not available here"
np() { "$NP" "$SBTRACE" -q -o "$DB" -- "$@"; }

# the shell hands the static busybox over; busybox runs a dynamic cat,
# which loads the library: recorded once, by the library
out=$(np sh -c 'busybox sh -c "/bin/cat /etc/hostname; exit 3"')
expect_eq 3 "$?" "exit status"
expect_eq "$(cat /etc/hostname)" "$out" "output"
expect_eq "root|preload
fork|preload
exec|seccomp
fork|seccomp
exec|preload" "$(q "SELECT started_by || '|' || backend FROM processes ORDER BY id")" "rows and backends"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"the dynamic program's open, recorded once"
expect_eq preload "$(q "SELECT p.backend FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE a.op = 'open' AND a.path = '/etc/hostname'")" "... by the library"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '/usr/bin/busybox'
	AND (mode & 256) != 0")" "the static exec, flagged, from the library"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE p.backend = 'seccomp' AND a.op = 'exec' AND a.path = '/bin/cat' AND a.result = 0")" \
	"the dynamic exec, from the seccomp backend"
expect_eq 3 "$(q "SELECT exit_code FROM processes WHERE backend = 'seccomp' AND started_by = 'exec'")" \
	"the static program's exit status"
expect_eq 0 "$(q "SELECT count(*) FROM processes WHERE backend = 'none'")" "nothing untraced"

# static -> dynamic -> static: the dynamic shell runs under the
# backend's filter already and asks for no second one (the inner
# busybox has noptrace's filter and the backend's, not three)
out=$(np busybox sh -c "/bin/sh -c 'busybox grep ^Seccomp_filters: /proc/self/status'")
expect_eq 0 "$?" "chain: exit status"
expect_match '^Seccomp_filters:[[:space:]]+2$' "$out" "chain: no second filter"
expect_eq "root|seccomp
exec|preload
fork|preload
exec|seccomp" "$(q "SELECT started_by || '|' || backend FROM processes ORDER BY id")" "chain: rows"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE p.backend = 'seccomp' AND p.started_by = 'exec' AND a.op = 'open'
	AND a.path = '/proc/self/status'")" "chain: the inner static program traced"

# a vfork child hands over (stack and raw system calls only)
m=sbmark_unotify_vfork_$$
out=$(SBTEST_MARKER=$m SBTEST_PROG=$(command -v busybox) np "$PROGS/vfork_exec")
expect_eq 0 "$?" "vfork: exit status"
expect_eq "$m" "$out" "vfork: output"
expect_eq seccomp "$(q "SELECT p.backend FROM processes p, json_each(p.argv) j WHERE j.value = '$m'")" \
	"vfork: the static child traced by the seccomp backend"

# env -i: the library puts SBTRACE_UNOTIFY back
np sh -c 'env -i /bin/sh -c "busybox cat /etc/hostname >/dev/null"'
expect_eq 0 "$?" "env -i: exit status"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	WHERE p.backend = 'seccomp' AND a.op = 'open' AND a.path = '/etc/hostname'")" "env -i: static program traced"

# a set-ID static program is recorded as executed and runs untraced
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	cp "$PROGS/static_hello" suid_hello
	chown nobody suid_hello
	chmod 4755 suid_hello
	out=$(np sh -c './suid_hello; cat /etc/hostname >/dev/null')
	expect_eq 0 "$?" "set-ID: exit status"
	expect_eq "hello from a static binary" "$out" "set-ID: it ran"
	expect_eq "none" "$(q "SELECT backend FROM processes WHERE exe = '$PWD/suid_hello'")" "set-ID: untraced row"
	expect_eq 0 "$(q "SELECT count(*) FROM processes WHERE backend = 'seccomp'")" "set-ID: nothing handed over"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '$PWD/suid_hello'
		AND (mode & 512) != 0")" "set-ID: its exec, flagged"
fi
