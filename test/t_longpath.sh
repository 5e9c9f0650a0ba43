# A 4000-byte absolute path, a name with a newline and a name with the
# byte 0xff are recorded byte for byte (compared through hex()).
. "$SB_SRC/test/lib.sh"

trace_ok "$PROGS/longpath" "$PWD"
[ -f longpath.txt ] || fail "longpath did not write longpath.txt"
expect_eq 4000 "$(wc -c <longpath.txt)" "length of the long path"
lhex=$(hexof longpath.txt)
expect_eq 2 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND result = 0
	 AND hex(path) = '$lhex'")" "open rows (create, read) of the 4000-byte path"
expect_eq 2 "$(q "SELECT count(*) FROM accesses WHERE op = 'open'
	 AND hex(raw_path) = '$lhex'")" "raw_path of the 4000-byte path"
expect_eq 4000 "$(q "SELECT max(length(CAST(path AS BLOB))) FROM accesses")" \
	"longest path stored"

for name in "nl
name" $'ff\xffname'; do
	h=$(hexstr "$PWD/$name")
	expect_eq 2 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND result = 0
		 AND hex(path) = '$h'")" "open rows of $(printf '%q' "$name")"
done
expect_eq 1 "$(q "SELECT count(*) FROM files_written WHERE hex(path) = '$(hexstr "$PWD/nl
name")'")" "files_written has the newline name once"
