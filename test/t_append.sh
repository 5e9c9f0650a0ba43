# -a appends a run; without -a the database is replaced.
. "$SB_SRC/test/lib.sh"

trace_ok cat /etc/hostname >/dev/null
"$SBTRACE" -q -a -o "$DB" -- cat /etc/passwd >/dev/null
expect_eq 0 "$?" "exit status with -a"
expect_eq "1
2" "$(q "SELECT id FROM runs ORDER BY id")" "two runs"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.run_id = 1 AND a.path = '/etc/hostname' AND a.op = 'open'")" "run 1 has hostname"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.run_id = 2 AND a.path = '/etc/passwd' AND a.op = 'open'")" "run 2 has passwd"
expect_eq 0 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.run_id = 2 AND a.path = '/etc/hostname' AND a.op = 'open'")" "run 2 has no hostname"
expect_eq 1 "$(q "SELECT count(DISTINCT run_id) FROM files_read WHERE path = '/etc/passwd'")" \
	"files_read run_id"

# -a on a file that does not exist yet creates it
"$SBTRACE" -q -a -o new.db -- true
expect_eq 0 "$?" "-a on a new file"
expect_eq 1 "$(sqlite3 new.db 'SELECT count(*) FROM runs')" "-a on a new file: one run"

# without -a: replaced, also the WAL files of the old one
trace_ok true
expect_eq 1 "$(q "SELECT count(*) FROM runs")" "replaced: one run"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path = '/etc/passwd'")" "replaced: old rows gone"

# A new database is a copy of the template made at build time; an empty
# SQLite file given with -a gets its schema made at run time.  Both must
# be the same database.
need sqlite3
sqlite3 empty.db 'CREATE TABLE t (x); DROP TABLE t' || fail "sqlite3 cannot make empty.db"
expect_ne 0 "$(stat -c %s empty.db)" "empty.db has a header"
"$SBTRACE" -q -a -o empty.db -- true
expect_eq 0 "$?" "-a on an empty SQLite file"
"$SBTRACE" -q -o fresh.db -- true
dbshape() {
	sqlite3 "$1" 'PRAGMA application_id' 'PRAGMA user_version' 'PRAGMA journal_mode' \
		"SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name" \
		'SELECT key, value FROM meta ORDER BY key'
}
expect_eq "$(dbshape empty.db)" "$(dbshape fresh.db)" "template and run-time schema agree"
expect_match 'CREATE TABLE processes' "$(dbshape fresh.db)" "the template has the schema"
