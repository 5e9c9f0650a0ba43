# processes.env: the variables that change what glibc reads, as each
# image started with them, from both backends; a version-1 database
# appended to is migrated, its old rows keeping NULL.
. "$SB_SRC/test/lib.sh"

env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TZ=Europe/Berlin LC_TIME=C HOME=/nowhere \
	"$SBTRACE" -q -o "$DB" -- sh -c 'date >/dev/null; env -u TZ ls / >/dev/null'
expect_eq 0 "$?" "exit status"
# envq EXE: LANG|TZ|LC_TIME|number of variables of EXE's row
envq() {
	q "SELECT json_extract(env, '\$.LANG'), json_extract(env, '\$.TZ'),
	   json_extract(env, '\$.LC_TIME'), (SELECT count(*) FROM json_each(env))
	   FROM processes WHERE exe LIKE '%/$1'"
}
expect_eq 'C.UTF-8|Europe/Berlin|C|3' "$(envq date)" "date's env: glibc's variables only"
expect_eq 'C.UTF-8||C|2' "$(envq ls)" "ls ran without TZ"
expect_eq 0 "$(q "SELECT count(*) FROM processes WHERE env LIKE '%HOME%' OR env LIKE '%PATH%'")" \
	"HOME and PATH are not recorded"

if "$SBTRACE" -b ptrace -q -o probe.db -- true 2>/dev/null; then
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 TZ=UTC "$SBTRACE" -b ptrace -q -o pt.db -- date >/dev/null
	expect_eq '{"LANG":"C.UTF-8","TZ":"UTC"}' "$(sqlite3 pt.db "SELECT env FROM processes")" \
		"the ptrace backend records the same"
fi

# a version-1 database (its own schema): no env column
old_db 1 "$DB" v1.db || fail "cannot make a version-1 database"
expect_eq 0 "$(sqlite3 v1.db "SELECT count(*) FROM pragma_table_info('processes') WHERE name = 'env'")" \
	"version 1 has no env column"
env -i PATH=/usr/bin:/bin LANG=C "$SBTRACE" -q -a -o v1.db -- true
expect_eq 0 "$?" "append to a version-1 database"
expect_eq 3 "$(sqlite3 v1.db "PRAGMA user_version")" "migrated to version 3"
expect_eq '1||{"LANG":"C"}' "$(sqlite3 v1.db "SELECT min(run_id), max(CASE WHEN run_id = 1 THEN env END),
	 max(CASE WHEN run_id = 2 THEN env END) FROM processes")" "old rows NULL, the new run's env kept"
