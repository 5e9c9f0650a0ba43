# The folding table of a process image is written out and freed when
# the image ends, so the collector's memory follows the live images, not
# the rows: 8 processes one after the other with 50,000 distinct paths
# each need less than one process with all 400,000, and every row and
# count is exact in both.
. "$SB_SRC/test/lib.sh"

M=$PROGS/maxrss
rc=0
"$M" rss1 "$SBTRACE" -q -o one.db -- "$PROGS/statburst" "$PWD/d" 1 420000 400000 || rc=$?
expect_eq 0 "$rc" "one process: exit status"
rc=0
"$M" rss8 "$SBTRACE" -q -o seq.db -- sh -c "for i in 1 2 3 4 5 6 7 8; do
	'$PROGS/statburst' '$PWD/d' 1 52500 50000 || exit 1; done" || rc=$?
expect_eq 0 "$rc" "8 processes: exit status"

DB=$PWD/one.db
expect_eq "400001|420000" "$(q "SELECT count(*) || '|' || sum(count) FROM accesses
	 WHERE op = 'stat' AND path LIKE '$PWD/d/%'")" "one process: rows and calls"
DB=$PWD/seq.db
expect_eq "8|400000|8|20000" "$(q "SELECT count(DISTINCT a.process_id) || '|' ||
	 sum(a.path != '$PWD/d/same') || '|' || sum(a.path = '$PWD/d/same') || '|' ||
	 sum(CASE WHEN a.path = '$PWD/d/same' THEN a.count END)
	 FROM accesses a WHERE a.op = 'stat' AND a.path LIKE '$PWD/d/%'")" \
	"8 processes: 8 x 50,000 distinct rows, one row of 2,500 repeats each"
expect_eq 0 "$(q "SELECT count(*) FROM (SELECT process_id, op, path, mode, result FROM accesses
	 GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1)")" "no row twice"

# The sanitizer build's allocator keeps freed memory in quarantine.
if ! ldd "$SBTRACE" | grep -q libasan; then
	one=$(cat rss1) seq=$(cat rss8)
	echo "max RSS of sbtrace: one process $one KiB, 8 in turn $seq KiB"
	# 350,000 rows fewer held at once: about 38 MB
	expect_le $((one - 20000)) "$seq" "max RSS with 8 images in turn, KiB (one image: $one)"
fi
