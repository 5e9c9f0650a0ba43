# The write side (mkdir, open O_CREAT, creat, rename, link, symlink,
# truncate, unlink, renameat2, remove, unlinkat, rmdir) is recorded with
# SB_M_WRITE and appears in files_written; rename and link also record
# the new name.  Same for the coreutils tools.
. "$SB_SRC/test/lib.sh"

mkdir w
W=$PWD/w
trace_ok "$PROGS/writes" "$W"
# One row per path, its operations in the order of their first call;
# link's old name is left as it was (no WRITE), so it is not written
got=$(q "SELECT op || ' ' || substr(path, length('$W') + 2) FROM files_written
	 WHERE path LIKE '$W/%' ORDER BY path")
expect_eq "mkdir,rmdir d
rename,unlink d/f
open,rename f
open,rename g
rename,unlink g2
link,truncate,unlink h
symlink,unlink s" "$got" "files_written (ops path)"
expect_eq 0 "$(q "SELECT count(*) FROM (SELECT path FROM files_written GROUP BY run_id, path
	 HAVING count(*) > 1)")" "files_written: one row per path"
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
	expect_eq 1 "$(q "SELECT count(*) FROM files_written WHERE ',' || op || ',' LIKE
		 $(sqlstr "%,${want%% *},%") AND path = $(sqlstr "${want#* }")")" "files_written: $want"
done
