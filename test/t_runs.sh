# The runs row and the root process row of a simple run; an exec chain
# keeps the pid and links the images.
. "$SB_SRC/test/lib.sh"

mkdir tmp
export TMPDIR=$PWD/tmp
version=$(sed -n 's/^VERSION := //p' "$SB_SRC/GNUmakefile")
before=$(date +%s%N)
trace sh -c 'exec /bin/cat /etc/hostname' >/dev/null
expect_eq 0 "$?" "exit status"
after=$(date +%s%N)
expect_eq '["sh","-c","exec /bin/cat /etc/hostname"]' "$(q "SELECT command FROM runs")" "runs.command"
expect_eq "$PWD" "$(q "SELECT cwd FROM runs")" "runs.cwd"
expect_eq "$(uname -n)" "$(q "SELECT host FROM runs")" "runs.host"
expect_match '^(preload|auto)$' "$(q "SELECT backend FROM runs")" "runs.backend"
expect_eq "$version" "$(q "SELECT sbtrace_version FROM runs")" "runs.sbtrace_version"
expect_eq "0||" "$(q "SELECT exit_code, signal, interrupted FROM runs")" "runs exit_code, signal, interrupted"
expect_eq 1 "$(q "SELECT start_ns >= $before AND start_ns <= end_ns AND end_ns <= $after FROM runs")" \
	"runs start_ns <= end_ns within the test's clock"
expect_ge 2 "$(q "SELECT events FROM runs")" "runs.events"
expect_eq 3 "$(q "PRAGMA user_version")" "PRAGMA user_version"
expect_eq "" "$(ls -A tmp)" "sbtrace removed its channel directory from TMPDIR"

expect_eq 2 "$(q "SELECT count(*) FROM processes")" "two images: sh, cat"
sh_row=$(q "SELECT id FROM processes WHERE started_by = 'root'")
cat_row=$(q "SELECT id FROM processes WHERE started_by = 'exec'")
expect_match '^[0-9]+$' "$sh_row" "root row"
expect_match '^[0-9]+$' "$cat_row" "exec row"
[ -n "$sh_row" ] && [ -n "$cat_row" ] || exit 1
expect_eq "|1|preload" "$(q "SELECT parent_id, run_id, backend FROM processes WHERE id = $sh_row")" \
	"root: no parent, run 1, preload"
expect_eq '["sh","-c","exec /bin/cat /etc/hostname"]' "$(q "SELECT argv FROM processes WHERE id = $sh_row")" \
	"root argv"
expect_eq "$PWD" "$(q "SELECT cwd FROM processes WHERE id = $sh_row")" "root cwd"
expect_match '/(da)?sh$' "$(q "SELECT exe FROM processes WHERE id = $sh_row")" "root exe"
expect_eq "$sh_row|1|/bin/cat|0" "$(q "SELECT c.parent_id, c.pid = p.pid, c.execfn, c.exit_code
	 FROM processes c JOIN processes p ON p.id = $sh_row WHERE c.id = $cat_row")" \
	"cat: parent sh, same pid, execfn, exit code"
expect_eq 1 "$(q "SELECT p.end_ns IS NOT NULL AND p.end_ns <= c.start_ns FROM processes p, processes c
	 WHERE p.id = $sh_row AND c.id = $cat_row")" "sh ends where cat starts"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE process_id = $sh_row AND op = 'exec'
	 AND path = '/bin/cat' AND raw_path = '/bin/cat' AND result = 0 AND (mode & 1) = 1")" \
	"sh's exec access of /bin/cat"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE process_id = $cat_row AND op = 'open'
	 AND path = '/etc/hostname' AND result = 0 AND (mode & 1) = 1")" "cat's open"
