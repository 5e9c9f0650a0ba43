# Record-time filters: -e keeps the accesses of the operations it names
# (names, system calls, classes, !, none), --exclude-path drops those
# under a directory (by whole components), every process row is kept
# either way, the filter is kept in meta, the summary says how many
# calls were left out, and -f/-ff change nothing.  Bad filters:
# t_filter_errors.sh.
. "$SB_SRC/test/lib.sh"

mkdir x xfoo
echo a >x/a
echo b >xfoo/b
W=$PWD
SCRIPT='cat /etc/hostname >/dev/null; test -e /etc/passwd; ls x xfoo >/dev/null
	cat x/a xfoo/b >/dev/null; ls /nonexistent-sb 2>/dev/null; exit 0'
run() {
	"$SBTRACE" -q -o "$DB" "$@" -- sh -c "$SCRIPT"
}
ops() {
	q "SELECT group_concat(op, ' ') FROM (SELECT DISTINCT op FROM accesses ORDER BY op)"
}
# procs: the process tree, by how each row came to be and its parent's
procs() {
	q "SELECT group_concat(x, ' ') FROM (SELECT c.started_by || ':' || coalesce(p.started_by, '-') AS x
	   FROM processes c LEFT JOIN processes p ON p.id = c.parent_id ORDER BY c.id)"
}

run
all_ops=$(ops)
tree=$(procs)
expect_match 'exec .*open.*stat' "$all_ops" "unfiltered: the operations of the script"
expect_match '^root:- ' "$tree" "unfiltered: a tree"

run -e trace=open
expect_eq open "$(ops)" "-e trace=open: open rows only"
expect_eq "$tree" "$(procs)" "-e trace=open: every process row"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/hostname' AND result = 0")" \
	"-e trace=open: the open of /etc/hostname"

# the same opens as without a filter: run 2 appended unfiltered
"$SBTRACE" -q -a -o "$DB" -- sh -c "$SCRIPT"
expect_eq "" "$(q "SELECT a.path FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE a.op = 'open' GROUP BY a.path, a.result HAVING count(DISTINCT p.run_id) != 2")" \
	"-e trace=open: the same open rows as an unfiltered run"
expect_eq "1|{\"trace\":\"trace=open\",\"ops\":[\"open\"]}" \
	"$(q "SELECT id, filter FROM runs WHERE filter IS NOT NULL")" "runs.filter: run 1's, none for run 2"

run -e '!open'
expect_eq "$(printf '%s\n' $all_ops | grep -vx open | tr '\n' ' ' | sed 's/ $//')" "$(ops)" \
	"-e !open: everything but open"
expect_eq "$tree" "$(procs)" "-e !open: every process row"

run -e %process
expect_eq exec "$(ops)" "-e %process: exec rows only"
expect_match '/ls$' "$(q "SELECT path FROM programs_executed")" "-e %process: programs_executed"

run -e trace=lstat
expect_eq stat "$(ops)" "-e trace=lstat: the stat operation"

run -e %file
expect_eq "$all_ops" "$(ops)" "-e %file: everything"

run -e open,stat -e access
expect_eq access "$(ops)" "the last -e replaces the one before"

rc=0
err=$("$SBTRACE" -o "$DB" -e none -- sh -c "$SCRIPT" 2>&1) || rc=$?
expect_eq 0 "$rc" "-e none: exit status"
expect_eq 0 "$(q "SELECT count(*) FROM accesses")" "-e none: no access"
expect_eq "$tree" "$(procs)" "-e none: the process tree is whole"
n=$(q "SELECT count(*) FROM processes")
expect_match "^sbtrace: $n processes, 0 accesses recorded in $DB \(run 1\); [1-9][0-9]* calls filtered out$" \
	"$err" "-e none: summary"

# --exclude-path: whole components, a trailing slash or none
for p in "$W/x" "$W/x/" "$W//x/."; do
	run --exclude-path "$p"
	expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path = '$W/x' OR path LIKE '$W/x/%'")" \
		"--exclude-path $p: nothing under x"
	expect_eq "$W/xfoo $W/xfoo/b" "$(q "SELECT group_concat(path, ' ') FROM
		 (SELECT DISTINCT path FROM accesses WHERE path LIKE '$W/xfoo%' ORDER BY path)")" \
		"--exclude-path $p: xfoo is not under x"
	expect_eq "$tree" "$(procs)" "--exclude-path $p: every process row"
done
expect_eq "{\"exclude_path\":[\"$W/x\"]}" "$(q "SELECT filter FROM runs WHERE id = 1")" \
	"runs.filter: the prefix, normalised"

run --exclude-path /usr --exclude-path /etc -e '!load'
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '/usr/%' OR path LIKE '/etc/%'
	 OR op = 'load'")" "two prefixes and -e"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE path = '$W/x/a'")" "two prefixes: the rest kept"

# with --all, every call kept is its own row
"$SBTRACE" -q --all -o "$DB" -e stat -- sh -c "$SCRIPT"
expect_eq stat "$(ops)" "--all -e stat"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE count != 1")" "--all: a row per call"

# -f and -ff are strace's: accepted, nothing changes
for f in -f -ff; do
	rc=0
	"$SBTRACE" -q $f -o "$DB" -- sh -c "$SCRIPT" || rc=$?
	expect_eq 0 "$rc" "$f: exit status"
	expect_eq "$tree" "$(procs)" "$f: the same tree"
	expect_eq "$all_ops" "$(ops)" "$f: the same operations"
done

# the filter is the collector's, so it holds for the ptrace backend too
if "$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null; then
	"$SBTRACE" -q -b ptrace -o "$DB" -e open --exclude-path "$W/x" -- sh -c "$SCRIPT"
	expect_eq open "$(ops)" "-b ptrace -e open"
	expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '$W/x/%'")" \
		"-b ptrace --exclude-path"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE path = '$W/xfoo/b'")" "-b ptrace: xfoo/b kept"
	expect_eq "$tree" "$(procs)" "-b ptrace: every process row"
fi
