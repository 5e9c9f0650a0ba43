# Relative paths after chdir, via openat(dirfd) and after fchdir are
# recorded absolute and normalised, with raw_path as the program wrote it.
. "$SB_SRC/test/lib.sh"

mkdir -p w/sub
touch w/sub/a w/sub/b w/sub/c w/sub/d
W=$PWD/w
trace_ok "$PROGS/relpath" "$W"

row() { # op path raw -> count
	q "SELECT count(*) FROM accesses WHERE op = '$1' AND path = '$2' AND raw_path = '$3'"
}
expect_eq 1 "$(row chdir "$W" "$W")" "chdir to W"
expect_eq 1 "$(row open "$W/sub/a" sub/a)" "open sub/a after chdir"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '$W/sub'
	 AND raw_path = 'sub' AND (mode & 8) != 0")" "open of sub with O_DIRECTORY (SB_M_DIR)"
expect_eq 1 "$(row open "$W/sub/b" b)" "openat(dirfd, b)"
expect_eq 1 "$(row open "$W/sub/c" ../sub/./c)" "openat(dirfd, ../sub/./c)"
expect_eq 1 "$(row open "$W/sub/d" d)" "open d after fchdir"
# chdir("..") from W/sub is W again: folded into the first chdir row
# (one row per op, path, result and mode; the first spelling is kept).
expect_eq 2 "$(q "SELECT count FROM accesses WHERE op = 'chdir' AND path = '$W'")" \
	"chdir .. after fchdir folded into chdir W"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$W/sub/a'
	 AND raw_path = 'sub//a/' AND result = 20")" "stat sub//a/ -> ENOTDIR (20)"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path NOT LIKE '/%'")" \
	"no relative path column"
