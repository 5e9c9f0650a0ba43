# A trace of one row says nothing: sbtrace says why when it knows.  A
# static program under -b preload (the command, or the first one started
# in the run) and a set-ID command get a hint on stderr with what to do;
# -q leaves it out, as it leaves out the summary.
. "$SB_SRC/test/lib.sh"

S=$PROGS/static_hello
[ -x "$S" ] || fail "$S was not built"
ldd "$S" >/dev/null 2>&1 && skip "static_hello is not static (no static libc?)"

rc=0
"$SBTRACE" -b preload -o "$DB" -- "$S" >/dev/null 2>err || rc=$?
expect_eq 0 "$rc" "static command, -b preload: exit status"
expect_eq "sbtrace: hint: $S is static: LD_PRELOAD cannot enter it, so -b preload records only its exec; -b auto (the default) or -b ptrace traces it" \
	"$(head -n 1 err)" "static command, -b preload: hint"
expect_eq 2 "$(wc -l <err)" "static command, -b preload: the hint and the summary"

"$SBTRACE" -b preload -o "$DB" -- sh -c "'$S'; '$S'; exit 0" >/dev/null 2>err
expect_eq 1 "$(grep -c "^sbtrace: hint: $S (pid [0-9]*) is static: LD_PRELOAD cannot enter it, so -b preload records only its exec; -b auto (the default) or -b ptrace traces it (processes with backend 'none' were not traced)$" err)" \
	"static programs in the run, -b preload: one hint, for the first"
expect_eq 2 "$(q "SELECT count(*) FROM processes WHERE exe = '$S' AND backend = 'none'")" \
	"static programs in the run: both rows"

"$SBTRACE" -q -b preload -o "$DB" -- sh -c "'$S'; exit 0" >/dev/null 2>err
"$SBTRACE" -q -b preload -o "$DB" -- "$S" >/dev/null 2>>err
expect_eq "" "$(cat err)" "-q: no hint"

"$SBTRACE" -b preload -o "$DB" -- /bin/true 2>err
expect_nomatch 'hint' "$(cat err)" "a dynamic command: no hint"
"$SBTRACE" -o "$DB" -- "$S" >/dev/null 2>err
expect_nomatch 'hint' "$(cat err)" "-b auto, static command: no hint"

# set-ID: as root, a program owned by another user with its set-user-ID
# bit makes the exec secure, and the dynamic linker ignores LD_PRELOAD
[ "$(id -u)" = 0 ] || skip "set-ID: needs root to give a file to another user"
cp /bin/cat suidcat
chown nobody suidcat && chmod 4755 suidcat || skip "cannot chown"
echo data >in
rc=0
out=$("$SBTRACE" -b preload -o "$DB" -- ./suidcat in 2>err) || rc=$?
expect_eq 0 "$rc" "set-ID command: exit status"
expect_eq data "$out" "set-ID command: it ran"
expect_eq "sbtrace: hint: ./suidcat is set-ID (or has file capabilities): the dynamic linker ignores LD_PRELOAD for it, so only its exec is recorded (-b ptrace traces it, without its privilege)" \
	"$(head -n 1 err)" "set-ID command: hint"
if findmnt -n -o OPTIONS -T . 2>/dev/null | grep -qw nosuid; then
	: # the kernel ignores the bit here: the library does load
else
	expect_eq 1 "$(q "SELECT count(*) FROM accesses")" "set-ID command: only its exec"
fi
"$SBTRACE" -q -b preload -o "$DB" -- ./suidcat in >/dev/null 2>err
expect_eq "" "$(cat err)" "set-ID command, -q: no hint"
if "$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null; then
	"$SBTRACE" -b ptrace -o "$DB" -- ./suidcat in >/dev/null 2>err
	expect_eq "sbtrace: hint: ./suidcat is set-ID (or has file capabilities): under ptrace it runs without its privilege" \
		"$(head -n 1 err)" "set-ID command, -b ptrace: hint"
fi
