# When ptrace is not permitted (here: a seccomp filter denies it, as a
# container profile may), -b ptrace says so and exits 1; -b auto traces
# static programs with the seccomp backend (t_unotify*.sh), and where
# that cannot be had either (the filter denies seccomp(2) too: noptrace
# -s) traces what it can and leaves one row and one warning per static
# process, naming both causes.
. "$SB_SRC/test/lib.sh"

# LeakSanitizer needs ptrace itself to check for leaks at exit: the
# sanitizer build's sbtrace cannot do that under this filter.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
NP=$PROGS/noptrace
S=$PROGS/static_hello
"$NP" /bin/true || skip "cannot install a seccomp filter here"

rc=0
err=$("$NP" "$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>&1) || rc=$?
expect_eq 1 "$rc" "-b ptrace: exit status"
expect_match '^sbtrace: ptrace not permitted: a seccomp filter denies ptrace .*; .*-b preload' "$err" "-b ptrace: message"

rc=0
err=$("$NP" -s "$SBTRACE" -q -o "$DB" -- sh -c "'$S' >/dev/null; cat /etc/hostname >/dev/null" 2>&1) || rc=$?
expect_eq 0 "$rc" "-b auto: exit status"
expect_eq 1 "$(printf '%s\n' "$err" | grep -c "warning: $S (pid [0-9]*) is static and was not traced: ptrace not permitted")" \
	"-b auto: one warning"
expect_match "and the seccomp backend cannot be used: seccomp\(2\) fails with Operation not permitted" "$err" \
	"-b auto: the seccomp backend's cause too"
expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE exe = '$S' AND backend = 'none'")" "-b auto: the untraced row"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname' AND op = 'open'")" \
	"-b auto: dynamic processes still traced"

rc=0
err=$("$NP" -s "$SBTRACE" -q -o "$DB" -- "$S" 2>&1) || rc=$?
expect_eq 0 "$rc" "-b auto, static command: exit status"
expect_match 'warning: .*static_hello is static and is not traced: ptrace not permitted' "$err" "-b auto, static command: warning"
expect_eq "root|none" "$(q "SELECT started_by || '|' || backend FROM processes")" "-b auto, static command: row"

# without -s the seccomp backend takes the static command
rc=0
err=$("$NP" "$SBTRACE" -q -o "$DB" -- "$S" 2>&1 >/dev/null) || rc=$?
expect_eq 0 "$rc" "-b auto, seccomp backend: exit status"
expect_eq "" "$err" "-b auto, seccomp backend: no warning"
expect_eq "root|seccomp" "$(q "SELECT started_by || '|' || backend FROM processes")" "-b auto, seccomp backend: row"
