# sbtrace report's bad inputs: each says what is wrong, naming the file
# or the option, and exits 2 for a usage error and 1 for an error; the
# files are left as they were and nothing is made in their place.
. "$SB_SRC/test/lib.sh"

# expect_report STATUS ERE WHAT ARGS...: sbtrace report ARGS exits
# STATUS, says something matching ERE on stderr and nothing on stdout.
expect_report() {
	local want=$1 ere=$2 what=$3 rc=0
	shift 3
	"$SBTRACE" report "$@" >out 2>err || rc=$?
	expect_eq "$want" "$rc" "$what: exit status"
	expect_match "$ere" "$(cat err)" "$what: message"
	expect_eq "" "$(cat out)" "$what: nothing on standard output"
}
usage_re='^usage: sbtrace report \[-r RUN'

trace_ok true || exit 1

# usage: 2, the message and the usage line
expect_report 2 '^sbtrace report: no database given$' "no database"
expect_report 2 "$usage_re" "no database: usage"
expect_report 2 '^sbtrace report: one database only: b\.db$' "two databases" a.db b.db
expect_report 2 '^sbtrace report: unknown option --bogus$' "unknown long option" --bogus "$DB"
expect_report 2 '^sbtrace report: unknown option -x$' "unknown option" -x "$DB"
expect_report 2 '^sbtrace report: option -r needs an argument$' "-r without its argument" "$DB" -r
expect_report 2 '^sbtrace report: -r abc: a run id, "last" or "all"' "-r abc" -r abc "$DB"
expect_report 2 '^sbtrace report: -r 0: a run id' "-r 0" -r 0 "$DB"
expect_report 2 '^sbtrace report: -n -1: too small$' "-n -1" -n -1 "$DB"
expect_report 2 '^sbtrace report: -w x: invalid$' "-w x" -w x "$DB"
expect_report 2 '^sbtrace report: unknown section "files" \(tree, read, written' "-s files" -s files "$DB"
expect_report 2 '^sbtrace report: --json and --csv exclude each other$' "--json --csv" --json --csv "$DB"
expect_report 2 "$usage_re" "--json --csv: usage" --json --csv "$DB"

# errors: 1
expect_report 1 '^sbtrace report: missing\.db: No such file or directory$' "missing database" missing.db
expect_eq no "$([ -e missing.db ] && echo yes || echo no)" "missing database: not created"
mkdir adir
expect_report 1 '^sbtrace report: adir: not a regular file$' "a directory" adir
echo 'not a database' >text.db
expect_report 1 '^sbtrace report: text\.db: not an sbtrace database \(file is not a database\)$' \
	"a text file" text.db
: >empty.db
expect_report 1 '^sbtrace report: empty\.db: not an sbtrace database$' "an empty file" empty.db
sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1)' || fail "cannot make other.db"
sum=$(cksum <other.db)
expect_report 1 '^sbtrace report: other\.db: not an sbtrace database$' "another SQLite database" other.db
expect_eq "$sum" "$(cksum <other.db)" "another SQLite database: unchanged"
cp "$DB" newer.db && sqlite3 newer.db 'PRAGMA user_version = 4' || fail "cannot make newer.db"
sum=$(cksum <newer.db)
expect_report 1 '^sbtrace report: newer\.db: database schema version 4 is newer than this sbtrace reads \(1 to 3\)$' \
	"a newer schema" newer.db
expect_eq "$sum" "$(cksum <newer.db)" "a newer schema: unchanged"
expect_report 1 "^sbtrace report: $DB: no run 7 \\(1 run, the last is 1\\)\$" "a run that does not exist" -r 7 "$DB"
cp "$DB" noruns.db && sqlite3 noruns.db 'DELETE FROM accesses; DELETE FROM processes; DELETE FROM runs' ||
	fail "cannot make noruns.db"
expect_report 1 '^sbtrace report: noruns\.db: no runs recorded$' "no runs" noruns.db

# --help: the usage and every option, on standard output, exit 0
rc=0
out=$("$SBTRACE" report --help 2>&1) || rc=$?
expect_eq 0 "$rc" "--help: exit status"
expect_match "$usage_re" "$out" "--help: usage"
for opt in -r -s -n -w --json --csv --help; do
	expect_match "^ +(-[a-z], )?$opt" "$out" "--help describes $opt"
done
# the usage line is the man page's SYNOPSIS
expect_match 'sbtrace-report\(1\)' "$out" "--help: names the man page"

# "sbtrace -- report" still traces a program of that name
mkdir bin
printf '#!/bin/sh\necho traced-report\n' >bin/report && chmod +x bin/report
out=$(PATH=$PWD/bin:$PATH "$SBTRACE" -q -o "$DB" -- report)
expect_eq traced-report "$out" "sbtrace -- report runs the program"
