# sbtrace --packages and sbtrace packages DB: each path a run used gets
# the Debian package that owns it, from dpkg's database read directly,
# as dpkg -S says; a directory many packages list, or a path none lists,
# gets no row; without a dpkg database the trace is whole and says why.
. "$SB_SRC/test/lib.sh"
[ -s /var/lib/dpkg/status ] || skip "not a Debian system (no /var/lib/dpkg/status)"
need dpkg-query

owner() { # PATH: the package dpkg -S names for PATH, as dpkg-query prints it
	# (dpkg lists /bin/ls where merged /usr has /usr/bin/ls: ask for both)
	{ dpkg-query -S "$1" || dpkg-query -S "${1#/usr}"; } 2>/dev/null | sed -n '1s/: .*//p'
}
pkg() { # PATH: our packages row for PATH
	q "SELECT package FROM packages WHERE path = $(sqlstr "$1")"
}

ls=$(readlink -f /usr/bin/ls)
rc=0
"$SBTRACE" --packages -o "$DB" -- sh -c 'ls / >/dev/null; cat /etc/hostname >/dev/null' \
	2>err.txt || rc=$?
expect_eq 0 "$rc" "sbtrace --packages: exit status"
expect_match '; [0-9]+ of [0-9]+ paths with their package$' "$(cat err.txt)" "the summary counts them"
expect_eq "$(owner "$ls")" "$(pkg "$ls")" "ls: the package dpkg -S names"
expect_eq coreutils "$(q "SELECT package FROM packages WHERE path = $(sqlstr "$ls")" | sed 's/:.*//')" \
	"ls is coreutils'"
libc=$(q "SELECT path FROM accesses WHERE op = 'load' AND path LIKE '%/libc.so.6' LIMIT 1")
expect_match '^libc6(:amd64)?$' "$(pkg "$libc")" "libc.so.6 is libc6's, reached as $libc"
expect_eq "" "$(pkg /usr/lib)" "a directory many packages list has no row"
expect_eq "" "$(pkg /etc/hostname)" "a file no package lists has no row"
expect_eq 1 "$(q "SELECT count(*) > 0 FROM packages WHERE version IS NOT NULL
	 AND architecture IS NOT NULL")" "rows have a version and an architecture"
expect_eq "$(pkg "$ls")" "$(q "SELECT package FROM programs_executed WHERE path = $(sqlstr "$ls")")" \
	"the views show the package"
expect_match "$ls .*$(pkg "$ls")|$(pkg "$ls").*$ls" "$("$SBTRACE" report -s executed "$DB")" \
	"sbtrace report shows the package"

# sbtrace packages DB: a trace made without --packages, afterwards
"$SBTRACE" -q -o plain.db -- sh -c 'ls / >/dev/null'
expect_eq 0 "$(sqlite3 plain.db 'SELECT count(*) FROM packages')" "without --packages: no rows"
rc=0
"$SBTRACE" packages plain.db 2>err.txt || rc=$?
expect_eq 0 "$rc" "sbtrace packages: exit status"
expect_match '^sbtrace: [0-9]+ of [0-9]+ paths attributed to a package in plain\.db$' \
	"$(cat err.txt)" "sbtrace packages: its summary"
expect_eq "$(owner "$ls")" "$(sqlite3 plain.db "SELECT package FROM packages WHERE path = $(sqlstr "$ls")")" \
	"sbtrace packages: ls"
n=$(sqlite3 plain.db 'SELECT count(*) FROM packages')
"$SBTRACE" packages -q plain.db
expect_eq "$n" "$(sqlite3 plain.db 'SELECT count(*) FROM packages')" "a second time adds nothing"
expect_eq 1 "$(sqlite3 plain.db 'SELECT count(*) FROM runs')" "and no run"

# bad input: exit 2 for usage, 1 for a database that cannot be used
rc=0; "$SBTRACE" packages 2>err.txt || rc=$?
expect_eq 2 "$rc" "no DB: usage"
expect_match '^usage: sbtrace packages' "$(cat err.txt)" "no DB: the usage line"
rc=0; "$SBTRACE" packages -r x plain.db 2>err.txt || rc=$?
expect_eq 2 "$rc" "-r x: usage"
rc=0; "$SBTRACE" packages -r 9 plain.db 2>err.txt || rc=$?
expect_eq 1 "$rc" "-r 9: no such run"
expect_match 'plain\.db: no run 9$' "$(cat err.txt)" "-r 9: the message"
rc=0; "$SBTRACE" packages missing.db 2>err.txt || rc=$?
expect_eq 1 "$rc" "a missing database"
expect_match 'missing\.db: No such file or directory$' "$(cat err.txt)" "... named"
[ -e missing.db ] && _sb_bad "no database is made" absent present
echo 'not sqlite' >junk.db
rc=0; "$SBTRACE" packages junk.db 2>err.txt || rc=$?
expect_eq 1 "$rc" "not a database"
expect_eq "not sqlite" "$(cat junk.db)" "... left as it was"
expect_eq "usage: sbtrace packages [-q] [-r RUN] DB" "$("$SBTRACE" packages --help | head -n 1)" \
	"--help"

# no dpkg database (an empty directory over /var/lib/dpkg, in a mount
# namespace of our own): the trace is whole, and says why it has no
# packages
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir empty
	rc=0
	unshare -m sh -c 'mount --bind "$1" /var/lib/dpkg && shift && exec "$@"' sh "$PWD/empty" \
		"$SBTRACE" --packages -o nodpkg.db -- ls / >/dev/null 2>err.txt || rc=$?
	expect_eq 0 "$rc" "no dpkg database: exit status"
	expect_match '^sbtrace: --packages: no package attribution: .*status' "$(cat err.txt)" \
		"no dpkg database: the warning names the file"
	expect_eq 0 "$(sqlite3 nodpkg.db 'SELECT count(*) FROM packages')" "no dpkg database: no rows"
	expect_eq 1 "$(sqlite3 nodpkg.db "SELECT count(*) > 0 FROM accesses a JOIN processes p
		 ON p.id = a.process_id WHERE p.exe = $(sqlstr "$ls")")" "no dpkg database: the trace is whole"
fi
