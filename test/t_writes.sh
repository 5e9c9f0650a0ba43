# The write side (mkdir, open O_CREAT, creat, rename, link, symlink,
# truncate, unlink, renameat2, remove, unlinkat, rmdir) is recorded with
# SB_M_WRITE and appears in files_written; rename and link also record
# the new name.  Same for the coreutils tools.
. "$SB_SRC/test/lib.sh"

mkdir w
W=$PWD/w
trace_ok "$PROGS/writes" "$W"
# link's old name: whether it counts as written is not asserted here
got=$(q "SELECT op || ' ' || substr(path, length('$W') + 2) FROM files_written
	 WHERE path LIKE '$W/%' AND NOT (op = 'link' AND path = '$W/d/f') ORDER BY 1")
expect_eq "link h
mkdir d
open f
open g
rename d/f
rename f
rename g
rename g2
rmdir d
symlink s
truncate h
unlink d/f
unlink g2
unlink h
unlink s" "$got" "files_written (op path)"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'rename' AND path = '$W/d/f'
	 AND (mode & 16384) != 0 AND (mode & 4) != 0")" "rename's new name has NEWPATH|CREATE"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'link' AND path = '$W/h'
	 AND (mode & 16384) != 0")" "link's new name has NEWPATH"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'link' AND path = '$W/d/f'
	 AND (mode & 16384) = 0")" "link's old name"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '$W/f'
	 AND (mode & 6) = 6")" "open O_CREAT has WRITE|CREATE"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '$W/g'
	 AND (mode & 22) = 22")" "creat has WRITE|CREATE|TRUNC"

# the same through coreutils and the shell
rm -f "$DB"
trace_ok sh -c "mkdir '$W/m' && echo x > '$W/m/a' && mv '$W/m/a' '$W/m/b' && rm '$W/m/b' && rmdir '$W/m'"
for want in "mkdir $W/m" "open $W/m/a" "rename $W/m/a" "rename $W/m/b" "unlink $W/m/b" "rmdir $W/m"; do
	expect_eq 1 "$(q "SELECT count(*) FROM files_written WHERE op || ' ' || path = $(sqlstr "$want")")" \
		"files_written: $want"
done
