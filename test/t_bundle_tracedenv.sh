# The glibc rules follow the traced environment (processes.env, schema
# 2), not sidebundle's own: a database whose processes ran with LC_ALL,
# LOCPATH and TZ bundles that locale (from LOCPATH) and that zoneinfo
# file while our environment names others; where the trace does not say
# (env NULL, or a version-1 database), our own environment stands in.
# TZ forms: a name, ":/absolute/path", a POSIX rule (posixrules).  A
# database of a version newer than we know is refused.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
[ -f /usr/share/zoneinfo/Europe/Berlin ] && [ -f /usr/share/zoneinfo/Asia/Tokyo ] ||
	skip "no zoneinfo (tzdata) on this host"
outside_dir

trace_ok /usr/bin/python3 -c 'import time' || fail "trace"
# version 2 (its own schema), whatever the collector writes now
old_db 2 "$DB" v2.db || fail "to version 2"
DB=$PWD/v2.db
expect_eq 2 "$(q 'PRAGMA user_version')" "the database is version 2"

# setdb JSON: every process ran with that environment (NULL: unknown)
setdb() {
	cp "$DB" "$PWD/$2.db"
	sqlite3 "$PWD/$2.db" "UPDATE processes SET env = $1" || fail "setdb $1"
}
# bundle NAME DB [VAR=VALUE...]: create from DB with only VARs in our env
bundle() {
	local name=$1 db=$2
	shift 2
	env -i PATH=/usr/bin:/bin "$@" "$SIDEBUNDLE" create -q --no-check --out-dir out --name "$name" \
		--db "$PWD/$db.db" --from-host /usr/bin/python3 >"$name.out" 2>&1 ||
		fail "create $name: $(cat "$name.out")"
	manifest_paths "out/$name"
}

loc=""
if command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/de_DE ]; then
	mkdir -p "$outside/loc"
	localedef -i de_DE -f UTF-8 "$outside/loc/de_DE.UTF-8" >/dev/null 2>&1 && loc=$outside/loc
fi
setdb "json_object('TZ', 'Europe/Berlin', 'LC_ALL', 'de_DE.UTF-8', 'LOCPATH', '${loc:-/nonexistent}')" traced
got=$(bundle traced traced TZ=Asia/Tokyo LC_ALL=C)
expect_match '^/usr/share/zoneinfo/Europe/Berlin$' "$got" "the traced TZ's zoneinfo"
expect_nomatch 'Asia/Tokyo' "$got" "not our own TZ's"
expect_match '^/usr/lib/locale/C\.utf8/LC_CTYPE$' "$got" "C.UTF-8 always"
if [ -n "$loc" ]; then
	expect_match "^$loc/de_DE\\.UTF-8/LC_CTYPE\$" "$got" "the traced LC_ALL, in the traced LOCPATH"
	expect_match $'^file\t'"$loc/de_DE\\.UTF-8/LC_TIME"$'\t[^\t]*\t[^\t]*\t[^\t]*\trule$' \
		"$(cat out/traced/manifest.lock)" "... by rule"
fi

# not recorded: our own environment stands in
setdb NULL unknown
got=$(bundle unknown unknown TZ=Asia/Tokyo)
expect_match '^/usr/share/zoneinfo/Asia/Tokyo$' "$got" "env unknown: our TZ"
expect_nomatch 'Europe/Berlin' "$got" "env unknown: not another"

# the forms of TZ
setdb "json_object('TZ', ':/usr/share/zoneinfo/Asia/Tokyo')" abs
expect_match '^/usr/share/zoneinfo/Asia/Tokyo$' "$(bundle abs abs)" "TZ=:/absolute/path"
if [ -e /usr/share/zoneinfo/posixrules ]; then
	setdb "json_object('TZ', 'CET-1CEST')" posix
	expect_match '^/usr/share/zoneinfo/posixrules$' "$(bundle posix posix)" "a POSIX rule reads posixrules"
fi
# (what the trace itself read, /etc/localtime where the library records
# glibc's reads, is bundled whatever the rule says)
setdb "json_object('TZ', '')" utc
expect_nomatch 'Asia/Tokyo' "$(bundle utc utc TZ=Asia/Tokyo)" "TZ empty: UTC, not our own TZ"

# newer than we know (this tree writes version 3)
cp "$DB" v4.db && sqlite3 v4.db 'PRAGMA user_version = 4'
rc=0
out=$("$SIDEBUNDLE" create -q --out-dir out --name v4 --db "$PWD/v4.db" --from-host /usr/bin/python3 2>&1) || rc=$?
expect_eq 1 "$rc" "version 4: refused"
expect_match 'sbtrace database version 4, this sidebundle reads 1 to 3' "$out" "version 4: says so"
exit 0
