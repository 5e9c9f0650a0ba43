# A static binary cannot be entered by LD_PRELOAD: its exec is recorded
# with SB_M_STATIC (0x100) and, with -b preload, it gets a processes row
# with backend 'none'.  (-b auto traces it with ptrace: t_ptrace_*.sh.)
. "$SB_SRC/test/lib.sh"

S=$PROGS/static_hello
[ -x "$S" ] || fail "$S was not built"
# ldd fails on a binary without PT_INTERP
ldd "$S" >/dev/null 2>&1 && skip "static_hello is not static (no static libc?)"

trace() {
	"$SBTRACE" -q -b preload -o "$DB" -- "$@"
}

# exec'd by a traced shell
out=$(trace sh -c "'$S'; exit 0")
expect_eq 0 "$?" "exit status"
expect_eq "hello from a static binary" "$out" "output"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '$S'
	 AND result = 0 AND (mode & 256) != 0")" "exec access with SB_M_STATIC"
expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE exe = '$S' AND backend = 'none'")" \
	"processes row with backend none"
expect_match '/(da)?sh$' "$(q "SELECT p.exe FROM processes c JOIN processes p ON p.id = c.parent_id
	 WHERE c.exe = '$S'")" "parent of the static row is the shell"
expect_eq "[\"$S\"]" "$(q "SELECT argv FROM processes WHERE exe = '$S'")" "argv of the static row"

# a dynamic program exec'd the same way is not flagged
trace sh -c '/bin/true; exit 0'
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND (mode & 256) != 0")" \
	"no SB_M_STATIC on /bin/true"

# as the command itself: the root row comes from sbtrace's side
out=$(trace "$S")
expect_eq 0 "$?" "static command: exit status"
expect_eq "root|none|0" "$(q "SELECT started_by, backend, exit_code FROM processes")" \
	"static command: the one row"
