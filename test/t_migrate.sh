# A database of version 2 (made from version 2's own schema text, as
# released) appended to with -a becomes version 3: runs.interrupted, the
# packages table, and the views rebuilt, so the old run's rows are seen
# through this version's views; what version 1 wrote gets there too.
. "$SB_SRC/test/lib.sh"

trace_ok sh -c 'echo a >w; echo b >>w; cat /etc/hostname >/dev/null' || exit 1
old_db 2 "$DB" v2.db || fail "cannot make a version-2 database"
v2() { sqlite3 -batch -noheader v2.db "$1"; }
expect_eq 2 "$(v2 'PRAGMA user_version')" "the fixture is version 2"
# version 2's own views: files_written had a row per (path, op, run)
expect_eq 0 "$(v2 "SELECT count(*) FROM pragma_table_info('missing_paths') WHERE name = 'kind'")" \
	"version 2's missing_paths has no kind"
expect_eq 0 "$(v2 "SELECT count(*) FROM sqlite_master WHERE name = 'packages'")" "no packages table in version 2"
expect_eq 1 "$(v2 "SELECT count(*) FROM files_written WHERE path = '$PWD/w'")" "w in version 2's files_written"

"$SBTRACE" -q -a -o v2.db -- cat /etc/hostname >/dev/null
expect_eq 0 "$?" "append to a version-2 database"
expect_eq 3 "$(v2 'PRAGMA user_version')" "migrated to version 3"
expect_eq "1|2" "$(v2 "SELECT group_concat(id, '|') FROM runs")" "the old run kept, the new one added"
expect_eq "|" "$(v2 "SELECT group_concat(coalesce(interrupted, ''), '|') FROM runs")" \
	"runs.interrupted, NULL in both"
expect_eq "path|package|version|architecture" \
	"$(v2 "SELECT group_concat(name, '|') FROM pragma_table_info('packages')")" "packages table"
expect_eq 1 "$(v2 "SELECT count(*) FROM pragma_table_info('missing_paths') WHERE name = 'kind'")" \
	"missing_paths.kind"

# the views are this version's, the same text as a new database's
"$SBTRACE" -q -o fresh.db -- true
views() {
	sqlite3 -batch -noheader "$1" "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"
}
expect_eq "$(views fresh.db)" "$(views v2.db)" "migrated views = new views"
cols() {
	local t
	for t in runs processes accesses packages; do
		sqlite3 -batch -noheader "$1" "SELECT '$t', group_concat(name || ' ' || type, ', ')
			FROM pragma_table_info('$t')"
	done
}
expect_eq "$(cols fresh.db)" "$(cols v2.db)" "migrated tables = new tables"
expect_eq "1|open|2|hostname" "$(v2 "SELECT run_id, op, (SELECT count(*) FROM files_read r WHERE r.path = '/etc/hostname'),
	 (SELECT replace(path, '/etc/', '') FROM files_read WHERE run_id = 2 AND path = '/etc/hostname')
	 FROM files_written WHERE path = '$PWD/w'")" "run 1 through the new views"

# version 1 goes through 2 to 3 in one transaction
old_db 1 "$DB" v1.db || fail "cannot make a version-1 database"
"$SBTRACE" -q -a -o v1.db -- true
expect_eq 0 "$?" "append to a version-1 database"
expect_eq 3 "$(sqlite3 v1.db 'PRAGMA user_version')" "version 1 migrated to 3"
expect_eq "$(views fresh.db)" "$(views v1.db)" "version 1: the new views"
expect_eq "$(cols fresh.db)" "$(cols v1.db)" "version 1: the new tables"

# a migration that cannot be made leaves the file as it was: a version-2
# database whose runs already has the column version 3 adds
old_db 2 "$DB" bad.db || fail "cannot make bad.db"
sqlite3 bad.db "ALTER TABLE runs ADD COLUMN interrupted INTEGER" || fail "cannot change bad.db"
cp bad.db bad.orig
err=$("$SBTRACE" -q -a -o bad.db -- touch ran 2>&1)
expect_eq 1 "$?" "failed migration: exit status"
expect_match '^sbtrace: .*bad\.db: migration failed: .*duplicate column' "$err" "failed migration: says why"
expect_eq 2 "$(sqlite3 bad.db 'PRAGMA user_version')" "failed migration: still version 2"
expect_eq "$(views bad.orig)" "$(views bad.db)" "failed migration: the old views kept"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "failed migration: command not run"
