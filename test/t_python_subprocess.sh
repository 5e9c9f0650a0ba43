# Python's subprocess.run (vfork, close_range, execve in the child) is
# traced: the child's row and the exec are recorded.
. "$SB_SRC/test/lib.sh"

py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || skip "python3 is not installed"
m="sbmark_py_$$"
out=$(trace "$py" -c "import subprocess, sys
r = subprocess.run(['/bin/echo', '$m'], check=True)
r = subprocess.run(['echo', '$m-path'], close_fds=True, check=True)
sys.exit(4)")
expect_eq 4 "$?" "exit status of python"
expect_eq "$m
$m-path" "$out" "output"
for mk in "$m" "$m-path"; do
	expect_eq 1 "$(marker_rows "$mk")" "processes row for echo $mk"
	expect_match 'python' "$(q "SELECT p.exe FROM processes c JOIN processes p
		 ON p.id = c.parent_id, json_each(c.argv) j WHERE j.value = '$mk'")" \
		"parent of echo $mk is python"
done
expect_ge 2 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND result = 0
	 AND path LIKE '%/echo'")" "exec accesses of echo"
expect_eq 4 "$(q "SELECT exit_code FROM processes WHERE started_by = 'root'")" \
	"exit code of the root python row"
