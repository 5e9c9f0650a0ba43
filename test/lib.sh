# Helpers for the integration tests (test/t_*.sh); sourced, not run.
#
# test/run starts each script in a fresh empty directory with
#   SB_BUILD  absolute build directory (sbtrace, libsbtrace.so, test/progs/)
#   SB_SRC    absolute source tree
# A script exits 0 when it passes, 77 to skip, anything else fails.
# expect_* record a failure and carry on, so one run shows every broken
# assertion; the script then exits 1.  fail and skip stop at once.

set -u

: "${SB_BUILD:?SB_BUILD must name the build directory}"
: "${SB_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

SBTRACE=$SB_BUILD/sbtrace
PROGS=$SB_BUILD/test/progs
DB=$PWD/sb.db
export LC_ALL=C

_sb_failures=0

_sb_exit() {
	local rc=$?
	if [ "$rc" -eq 0 ] && [ "$_sb_failures" -gt 0 ]; then
		echo "$_sb_failures assertion(s) failed"
		exit 1
	fi
	exit "$rc"
}
trap _sb_exit EXIT

# fail MSG: stop the test as failed.
fail() {
	echo "FAIL: $*"
	exit 1
}

# skip REASON: stop the test as skipped (test/run shows the reason).
skip() {
	echo "$*"
	exit 77
}

# need CMD...: skip unless every command exists.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

_sb_bad() {
	_sb_failures=$((_sb_failures + 1))
	echo "FAIL: $1"
	echo "  expected: $2"
	echo "  got:      $3"
}

# expect_eq EXPECTED GOT [WHAT]
expect_eq() {
	[ "$1" = "$2" ] || _sb_bad "${3:-value}" "$(printf '%q' "$1")" "$(printf '%q' "$2")"
}

# expect_ne UNWANTED GOT [WHAT]
expect_ne() {
	[ "$1" != "$2" ] || _sb_bad "${3:-value}" "anything but $(printf '%q' "$1")" "$(printf '%q' "$2")"
}

# expect_match ERE GOT [WHAT]: some line of GOT matches ERE (grep -E).
expect_match() {
	printf '%s\n' "$2" | grep -Eq -- "$1" ||
		_sb_bad "${3:-value}" "a match for /$1/" "$(printf '%s' "$2" | head -c 2000)"
}

# expect_nomatch ERE GOT [WHAT]
expect_nomatch() {
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then
		_sb_bad "${3:-value}" "no match for /$1/" "$(printf '%s' "$2" | head -c 2000)"
	fi
}

# expect_ge MIN GOT [WHAT]: integer comparison.
expect_ge() {
	if ! [[ "$2" =~ ^-?[0-9]+$ ]] || [ "$2" -lt "$1" ]; then
		_sb_bad "${3:-value}" ">= $1" "$(printf '%q' "$2")"
	fi
}

# expect_le MAX GOT [WHAT]
expect_le() {
	if ! [[ "$2" =~ ^-?[0-9]+$ ]] || [ "$2" -gt "$1" ]; then
		_sb_bad "${3:-value}" "<= $1" "$(printf '%q' "$2")"
	fi
}

# trace ARGS...: run ARGS under sbtrace into $DB, returning its status.
trace() {
	"$SBTRACE" -q -o "$DB" -- "$@"
}

# trace_ok ARGS...: trace, and the command must exit 0.
trace_ok() {
	local rc=0
	trace "$@" || rc=$?
	[ "$rc" -eq 0 ] || _sb_bad "exit status of sbtrace $*" 0 "$rc"
	return "$rc"
}

# q SQL: query $DB, one row per line, columns separated by '|'.
q() {
	sqlite3 -batch -noheader "$DB" "$1"
}

# sqlstr S: S as an SQL string literal.
sqlstr() {
	printf "'%s'" "${1//\'/\'\'}"
}

# hexof FILE: the bytes of FILE as upper-case hex, like SQL hex().
hexof() {
	od -An -v -tx1 "$1" | tr -d ' \n' | tr a-f A-F
}

# hexstr S: the bytes of S as upper-case hex.
hexstr() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# marker_rows MARKER: processes rows whose argv holds MARKER as an element.
marker_rows() {
	q "SELECT count(DISTINCT p.id) FROM processes p, json_each(p.argv) j
	   WHERE j.value = $(sqlstr "$1")"
}

# now_ms: wall clock in milliseconds.
now_ms() {
	date +%s%3N
}

# wait_for_file FILE SECONDS: poll until FILE exists; false on timeout.
wait_for_file() {
	local end=$(($(now_ms) + $2 * 1000))
	while [ ! -e "$1" ]; do
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

[ -x "$SBTRACE" ] || fail "$SBTRACE is missing: run make tests"

# old_db VERSION SRC DST: DST becomes a database of schema VERSION, made
# from that version's own schema text (test/fixtures/schema-vN.sql, as it
# was released), holding SRC's rows in the columns that version has.
old_db() {
	local v=$1 src=$2 dst=$3 t cols copy=""
	rm -f "$dst" "$dst-wal" "$dst-shm"
	sqlite3 -batch "$dst" <"$SB_SRC/test/fixtures/schema-v$v.sql" || return 1
	for t in runs processes accesses; do
		cols=$(sqlite3 -batch -noheader "$dst" \
			"SELECT group_concat(name, ', ') FROM pragma_table_info('$t')") || return 1
		copy="$copy INSERT INTO main.$t ($cols) SELECT $cols FROM src.$t;"
	done
	sqlite3 -batch "$dst" >/dev/null <<EOS
PRAGMA journal_mode = WAL;
PRAGMA application_id = 1396855890;
PRAGMA user_version = $v;
INSERT OR REPLACE INTO meta (key, value) VALUES ('application', 'sbtrace');
ATTACH $(sqlstr "$src") AS src;
BEGIN;
$copy
COMMIT;
EOS
}

# make_b: the build directory as make check names it (relative to the
# source tree when it is inside it): a make run by a test with another
# spelling of the same directory would see other target names, relink
# programs other tests are running and write dependency files make check
# then misreads.
make_b() {
	case $SB_BUILD in
	"$SB_SRC"/*) printf '%s\n' "${SB_BUILD#"$SB_SRC"/}" ;;
	*) printf '%s\n' "$SB_BUILD" ;;
	esac
}
