# A failed exec is recorded with its errno (ENOENT 2, EACCES 13) and no
# process row for the program that never ran; PATH probes of execvp-like
# calls carry SB_M_PROBE (0x2000).
. "$SB_SRC/test/lib.sh"

printf '#!/bin/sh\nexit 0\n' >noexec
chmod 644 noexec
trace sh -c "/nonexistent/sbprog 2>/dev/null; '$PWD/noexec' 2>/dev/null; exit 0"
expect_eq 0 "$?" "exit status"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec'
	 AND path = '/nonexistent/sbprog' AND result = 2")" "exec ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec'
	 AND path = '$PWD/noexec' AND result = 13")" "exec EACCES"
expect_eq 0 "$(q "SELECT count(*) FROM programs_executed WHERE path LIKE '%sbprog' OR path LIKE '%noexec'")" \
	"programs_executed leaves them out"
expect_eq exec "$(q "SELECT ops FROM missing_paths WHERE path = '/nonexistent/sbprog'")" \
	"missing_paths has the missing program"
expect_eq 0 "$(q "SELECT count(*) FROM processes WHERE execfn LIKE '%sbprog' OR execfn LIKE '%noexec'")" \
	"no process row for them"

# execvp: the PATH candidates before the hit are probes that failed
mkdir empty
SBTEST_MARKER=m PATH=$PWD/empty:/usr/bin:/bin trace "$PROGS/execs" execvp >/dev/null
expect_eq 0 "$?" "execvp: exit status"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '$PWD/empty/echo'
	 AND result = 2 AND (mode & 8192) != 0")" "execvp: probe of empty/echo, ENOENT"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '/usr/bin/echo'
	 AND result = 0")" "execvp: the exec of /usr/bin/echo"
