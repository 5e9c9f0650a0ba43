# sbtrace report: the text report of a real run (a shell that runs cat
# and ls, writes a file and misses one), its sections, the choice of run
# (the last by default, one by id, all), the package column, and
# read-only use of a database being written and of version 1 and 2
# databases, which are left byte for byte as they were.
. "$SB_SRC/test/lib.sh"

report() { "$SBTRACE" report "$@"; }

trace sh -c 'cat /etc/hostname >/dev/null; echo x >out; cat /nonexistent/sbrep 2>/dev/null;
	ls / >/dev/null; exit 3'
expect_eq 3 "$?" "trace: exit status"
out=$(report -w 0 "$DB")
expect_eq 0 "$?" "report: exit status"
expect_match '^run 1: sh -c ' "$out" "header: the command"
expect_match "^  in $PWD on $(uname -n), backend auto, sbtrace " "$out" "header: where"
expect_match '^  the command exited 3$' "$out" "header: how the command ended"
expect_match '^  [0-9]+ processes, [0-9]+ accesses \([0-9]+ calls\), [0-9]+ records$' "$out" "header: counts"
# the tree: who started whom, each under its parent, with its status
tree=$(printf '%s\n' "$out" | sed -n '/^process tree/,/^$/p')
expect_match '^ +ID +PID HOW +STATUS +PROGRAM$' "$tree" "tree: the header"
expect_match '^ +1 +[0-9]+ root +exit 3 +/usr/bin/(da)?sh -c ' "$tree" "tree: the root, its exit code"
expect_match '^ +[0-9]+ +[0-9]+ exec +exit 0 +    /usr/bin/cat /etc/hostname$' "$tree" \
	"tree: cat under the shell's fork, indented two levels"
expect_match '^ +[0-9]+ +[0-9]+ exec +exit 0 +    /usr/bin/ls /$' "$tree" "tree: ls"
# each process line comes after the line of its parent
q "SELECT id, coalesce(parent_id, 0) FROM processes" | tr '|' ' ' >parents
order=$(printf '%s\n' "$tree" | awk 'NR > 2 && $1 ~ /^[0-9]+$/ { print $1 }')
seen=" 0 "
for id in $order; do
	parent=$(awk -v id="$id" '$1 == id { print $2 }' parents)
	case $seen in *" $parent "*) ;; *) _sb_bad "tree order" "$parent before $id" "$order" ;; esac
	seen="$seen$id "
done
expect_eq "$(q "SELECT count(*) FROM processes")" "$(printf '%s\n' "$order" | wc -l)" "tree: every process"

expect_match '^files read \([0-9]+\)$' "$out" "files read: title with the count"
expect_match '^  /etc/hostname$' "$out" "files read: /etc/hostname"
# (the shell's >/dev/null is an open for writing too)
expect_match '^files written \(2\)$' "$out" "files written: out and /dev/null"
expect_match "^  open  $PWD/out\$" "$out" "files written: out, by open"
expect_match '^programs executed \(3\)$' "$out" "programs executed: sh, cat, ls"
nf=$(q "SELECT count(*) FROM missing_paths WHERE kind = 'not-found'")
pl=$(q "SELECT count(*) FROM missing_paths WHERE kind = 'path-lookup'")
expect_match "^missing paths \\($nf not found, $pl PATH lookups, 0 loader searches\\)\$" "$out" \
	"missing paths: the counts by kind"
expect_ge 1 "$pl" "missing paths: the shell's search of PATH for cat and ls"
expect_match '^ +1  open +/nonexistent/sbrep$' "$out" "missing paths: the miss, its tries and op"
expect_match '^most used paths \(top [0-9]+\)$' "$out" "most used paths"
expect_match '^calls by process and operation' "$out" "per process table"
# per process: the totals are the sums of the operations' rows
cat_id=$(q "SELECT id FROM processes WHERE exe LIKE '%/cat' AND argv LIKE '%hostname%'")
procs=$(printf '%s\n' "$out" | sed -n '/^calls by process/,$p')
expect_match "^ +$cat_id +[0-9]+ +$(q "SELECT sum(count) FROM accesses WHERE process_id = $cat_id") +$(q "SELECT coalesce(sum(count), 0) FROM accesses WHERE process_id = $cat_id AND result <> 0") +$(q "SELECT count(DISTINCT path) FROM accesses WHERE process_id = $cat_id")  /usr/bin/cat\$" \
	"$procs" "per process: cat's calls, errors, paths"
expect_match "^ +$(q "SELECT sum(count) FROM accesses WHERE process_id = $cat_id AND op = 'open'") +0 +[0-9]+    open\$" \
	"$procs" "per process: cat's opens"

# -s: only the sections asked for
out=$(report -s read,missing "$DB")
expect_match '^files read' "$out" "-s read,missing: files read"
expect_match '^missing paths' "$out" "-s read,missing: missing paths"
expect_nomatch '^(process tree|files written|programs executed|most used|calls by)' "$out" \
	"-s read,missing: nothing else"
expect_match "^  $(q "SELECT count(*) FROM processes") processes, " "$out" \
	"-s read,missing: the header counts the processes all the same"
# -n: lists cut, saying how many were left out; -n 0: all
nread=$(q "SELECT count(*) FROM files_read")
out=$(report -s read -n 2 "$DB")
expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^  /')" "-n 2: two rows"
expect_match "^  \\.\\.\\. $((nread - 2)) more \\(-n 0 shows all\\)\$" "$out" "-n 2: how many more"
expect_eq "$nread" "$(report -s read -n 0 "$DB" | grep -c '^  /')" "-n 0: every row"
# -w: an argument vector cut to the width, with "..."; paths never
out=$(report -s tree -w 50 "$DB")
expect_match '^ +1 .{30,}\.\.\.$' "$out" "-w 50: the shell's long command line cut"
expect_match '^run 1: sh -c .{20,}\.\.\.$' "$out" "-w 50: the run's command line cut"
expect_eq "" "$(printf '%s\n' "$out" | grep -v '^  in ' | awk 'length($0) > 50')" \
	"-w 50: no line longer (but the one of the working directory)"

# runs: the last by default, one by id, or all
"$SBTRACE" -q -a -o "$DB" -- cat /etc/passwd >/dev/null
expect_match '^run 2: cat /etc/passwd$' "$(report -s read "$DB")" "the last run by default"
expect_match '^run 1: sh -c' "$(report -r 1 -s read "$DB")" "-r 1"
expect_nomatch '/etc/passwd' "$(report -r 1 -s read -n 0 "$DB")" "-r 1: its own files only"
out=$(report -r all -s executed "$DB")
expect_eq "run 1
run 2" "$(printf '%s\n' "$out" | sed -n 's/^\(run [0-9]*\):.*/\1/p')" "-r all: both runs, in order"

# the package column, when the packages table says
q "INSERT INTO packages VALUES ('/etc/passwd', 'base-files', '12.4', 'amd64')"
out=$(report -s read "$DB")
expect_match '^  base-files  /etc/passwd$' "$out" "package before the path"
expect_match '^  -  +/' "$out" "a dash where no package is known"

# a database being written: read through its WAL, the run without an end
"$SBTRACE" -q -o live.db -- sh -c 'cat /etc/hostname >/dev/null; touch started; sleep 3' &
spid=$!
wait_for_file started 10 || fail "the traced command did not start"
sleep 0.5
out=$("$SBTRACE" report -s read live.db)
expect_eq 0 "$?" "live database: exit status"
expect_match 'no end recorded' "$out" "live database: no end yet"
expect_match '^  /etc/hostname$' "$out" "live database: what is committed"
wait "$spid"

# version 1 and 2 databases (their own schema): read, never changed,
# no file made beside them
for v in 1 2; do
	old_db "$v" "$DB" "v$v.db" || fail "cannot make a version-$v database"
	sum=$(cksum <"v$v.db")
	out=$(report -r 1 -n 0 "v$v.db")
	expect_eq 0 "$?" "version $v: exit status"
	expect_match "^  open  $PWD/out\$" "$out" "version $v: files written through this version's views"
	expect_match "^missing paths \\($nf not found, $pl PATH lookups" "$out" "version $v: missing paths by kind"
	expect_match '^ +[0-9]+ +[0-9]+ exec +exit 0 +    /usr/bin/cat /etc/hostname$' "$out" \
		"version $v: the tree"
	expect_eq "$sum" "$(cksum <"v$v.db")" "version $v: the file unchanged"
	expect_eq "$v" "$(sqlite3 "v$v.db" 'PRAGMA user_version')" "version $v: not migrated"
	expect_eq "v$v.db" "$(ls v$v.db*)" "version $v: no -wal or -shm file made"
done

# a read-only directory (a mount of its own made read-only; root only):
# a finished database reads as well, with nothing made beside it
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir ro && cp "$DB" ro/t.db
	cat >ro.sh <<EOS
mount --bind '$PWD/ro' '$PWD/ro' && mount -o remount,bind,ro '$PWD/ro' || exit 99
'$SBTRACE' report -r 1 -s executed '$PWD/ro/t.db' >ro.out 2>ro.err
echo \$? >ro.rc
EOS
	unshare -m sh ro.sh
	if [ $? != 99 ]; then
		expect_eq 0 "$(cat ro.rc)" "read-only directory: exit status"
		expect_match '^programs executed \(3\)$' "$(cat ro.out)" "read-only directory: the report"
		expect_eq "" "$(cat ro.err)" "read-only directory: nothing to say"
		expect_eq "t.db" "$(ls ro)" "read-only directory: nothing made"
	fi
fi

# a run recorded in part (-e, --exclude-path) says so, with its filter
"$SBTRACE" -q -o part.db -e %lib -- cat /etc/hostname >/dev/null || fail "trace -e %lib"
out=$(report -s read part.db)
expect_match '^  recorded in part \(sbtrace -e, --exclude-path\): \{"trace":"%lib",' "$out" \
	"a filtered run: the filter in the header"
expect_nomatch 'recorded in part' "$(report -r 1 -s read "$DB")" "a whole run: no such line"
