# Errors about the database path: clear message naming the path, exit 1,
# command not run, file untouched.  Also an unknown -b and usage errors
# (-b ptrace refused: t_ptrace_denied.sh).
. "$SB_SRC/test/lib.sh"

# a path whose directory does not exist
err=$("$SBTRACE" -q -o /nonexistent/dir/x.db -- touch ran 2>&1)
expect_eq 1 "$?" "missing directory: exit status"
expect_match '/nonexistent/dir/x\.db' "$err" "missing directory: message names the path"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "missing directory: command not run"

# a file that is not a database, with -a
head -c 4096 /dev/urandom >corrupt.db
printf 'this is not a database' | dd of=corrupt.db conv=notrunc status=none
cp corrupt.db corrupt.orig
err=$("$SBTRACE" -q -a -o corrupt.db -- touch ran 2>&1)
expect_eq 1 "$?" "corrupt file: exit status"
expect_match 'corrupt\.db' "$err" "corrupt file: message names the path"
cmp -s corrupt.db corrupt.orig || _sb_bad "corrupt file" "left byte-identical" "changed"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "corrupt file: command not run"
expect_eq "" "$(ls corrupt.db-* 2>/dev/null)" "corrupt file: no -wal/-shm/-journal left"

# an SQLite database that is not an sbtrace database, with -a
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
cp other.db other.orig
err=$("$SBTRACE" -q -a -o other.db -- touch ran 2>&1)
expect_eq 1 "$?" "foreign database: exit status"
expect_match 'other\.db' "$err" "foreign database: message names the path"
cmp -s other.db other.orig || _sb_bad "foreign database" "left byte-identical" "changed"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "foreign database: command not run"

# an sbtrace database from a newer version, with -a
trace_ok true
q "PRAGMA user_version = 999" >/dev/null
cp "$DB" newer.orig
err=$("$SBTRACE" -q -a -o "$DB" -- touch ran 2>&1)
expect_eq 1 "$?" "newer database: exit status"
expect_match 'sb\.db' "$err" "newer database: message names the path"
cmp -s "$DB" newer.orig || _sb_bad "newer database" "left byte-identical" "changed"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "newer database: command not run"

# a directory given as the database
mkdir adir
err=$("$SBTRACE" -q -o adir -- touch ran 2>&1)
expect_eq 1 "$?" "directory as database: exit status"
expect_match 'adir' "$err" "directory as database: message names it"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "directory as database: command not run"

# -b bogus: exit 2, nothing run
err=$("$SBTRACE" -q -o x.db -b bogus -- touch ran 2>&1)
expect_eq 2 "$?" "-b bogus: exit status"
expect_match 'unknown backend: bogus' "$err" "-b bogus: message"

# usage errors
"$SBTRACE" >/dev/null 2>&1
expect_eq 2 "$?" "no command: exit status"
err=$("$SBTRACE" --no-such-option -- true 2>&1)
expect_eq 2 "$?" "unknown option: exit status"
expect_match '[Uu]sage' "$err" "unknown option: usage shown"
"$SBTRACE" --linger -1 -- true >/dev/null 2>&1
expect_eq 2 "$?" "--linger -1: exit status"
expect_eq no "$([ -e ran ] && echo yes || echo no)" "command never ran"
