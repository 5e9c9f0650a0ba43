# What the C library reads for the program (locale data, catalogs, time
# zones, NSS and resolver files, iconv's configuration, ld.so.cache) is
# recorded by the library without ptrace, with SB_M_LIBC.  The ptrace
# backend, which sees every syscall, is the oracle: for each class every
# path it shows glibc opening or looking for must be in the preload
# trace too, with the same result.
. "$SB_SRC/test/lib.sh"

need python3
[ -x "$PROGS/libcalls" ] || skip "$PROGS/libcalls is missing: run make tests"
LIBC=65536 # SB_M_LIBC
ENV=(env -i PATH=/usr/bin:/bin)

# A message catalog of our own: domain sbtest, "hello" -> "hallo" in de.
mkdir -p locale/de/LC_MESSAGES
python3 - locale/de/LC_MESSAGES/sbtest.mo <<'EOF'
import struct, sys
orig, trans = b"hello", b"hallo"
hdr = struct.pack("<7I", 0x950412de, 0, 1, 28, 36, 0, 44)
o_off = 44
t_off = o_off + len(orig) + 1
tabs = struct.pack("<2I", len(orig), o_off) + struct.pack("<2I", len(trans), t_off)
open(sys.argv[1], "wb").write(hdr + tabs + orig + b"\0" + trans + b"\0")
EOF

ptrace_ok=0
"$SBTRACE" -q -b ptrace -o probe.db -- true 2>/dev/null && ptrace_ok=1

# rows DB GLOBS...: "op|path|result" of the opens, stats and accesses of
# paths matching one of GLOBS, distinct, sorted.
rows() {
	local db=$1 where="0" glob
	shift
	for glob in "$@"; do where="$where OR path GLOB $(sqlstr "$glob")"; done
	sqlite3 "$db" "SELECT DISTINCT op || '|' || path || '|' || result FROM accesses
		WHERE op IN ('open', 'stat', 'access') AND ($where) ORDER BY 1"
}

# oracle CLASS 'GLOB ...' EXPECTED_OUTPUT CMD...: trace CMD both ways;
# every row of the ptrace trace matching GLOB must be in the preload
# trace, which must have at least one such row marked SB_M_LIBC; both
# runs print EXPECTED_OUTPUT (empty: not checked).
oracle() {
	local class=$1 globs=$2 want=$3 out missing n_pt n_pl
	shift 3
	# shellcheck disable=SC2086
	set -f
	local -a g=($globs)
	set +f
	out=$("$SBTRACE" -q -b preload -o "pl-$class.db" -- "$@" 2>&1)
	[ -z "$want" ] || expect_eq "$want" "$out" "$class: output under -b preload"
	rows "pl-$class.db" "${g[@]}" >"pl-$class.rows"
	n_pl=$(wc -l <"pl-$class.rows")
	expect_ge 1 "$(sqlite3 "pl-$class.db" "SELECT count(*) FROM accesses WHERE mode & $LIBC")" \
		"$class: rows marked as read by the C library"
	if [ "$ptrace_ok" = 1 ]; then
		out=$("$SBTRACE" -q -b ptrace -o "pt-$class.db" -- "$@" 2>&1)
		[ -z "$want" ] || expect_eq "$want" "$out" "$class: output under -b ptrace"
		rows "pt-$class.db" "${g[@]}" >"pt-$class.rows"
		n_pt=$(wc -l <"pt-$class.rows")
		expect_ge 1 "$n_pt" "$class: the ptrace trace shows glibc reading"
		missing=$(comm -23 "pt-$class.rows" "pl-$class.rows")
		expect_eq "" "$missing" "$class: what ptrace saw glibc read and the library did not"
		echo "$class: ptrace $n_pt, preload $n_pl, missing $(printf '%s' "$missing" | grep -c .)"
	else
		expect_ge 1 "$n_pl" "$class: the preload trace shows glibc reading"
		echo "$class: preload $n_pl (ptrace not permitted here: no oracle)"
	fi
}

oracle locale '/usr/lib/locale/* /usr/share/locale/locale.alias' '' \
	"${ENV[@]}" LANG=C.UTF-8 /usr/bin/python3 -c pass
# python coerces the C locale to C.UTF-8 by itself
oracle coercion '/usr/lib/locale/*' '' "${ENV[@]}" /usr/bin/python3 -c pass
expect_match '\|/usr/lib/locale/C.utf8/LC_CTYPE\|0' "$(cat pl-coercion.rows)" "C.UTF-8 coercion seen"
oracle tz '/usr/share/zoneinfo/* /etc/localtime' '01:00-CET' \
	"${ENV[@]}" TZ=Europe/Berlin date -d @0 +%H:%M-%Z
oracle nss '/etc/passwd /etc/group /etc/nsswitch.conf' "$(id -un)" "${ENV[@]}" id -un
oracle resolver '/etc/hosts /etc/resolv.conf /etc/host.conf /etc/gai.conf /etc/services' \
	'127.0.0.1' "${ENV[@]}" "$PROGS/libcalls" gai localhost
oracle iconv '*/gconv/*' 'ok' "${ENV[@]}" "$PROGS/libcalls" iconv UTF-16 LATIN1
oracle gettext '*.mo' 'hallo' "${ENV[@]}" LANG=C.UTF-8 LANGUAGE=de \
	"$PROGS/libcalls" gettext "$PWD/locale" sbtest hello
expect_match "\|$PWD/locale/de/LC_MESSAGES/sbtest.mo\|0" "$(cat pl-gettext.rows)" "the catalog itself"
oracle ldcache '/etc/ld.so.cache' '' "${ENV[@]}" /bin/true

# The traced program behaves as it does untraced.
for args in "errno nosuchuser-sb" sigsys filter; do
	# shellcheck disable=SC2086
	want=$("${ENV[@]}" "$PROGS/libcalls" $args 2>&1)
	# shellcheck disable=SC2086
	got=$("$SBTRACE" -q -b preload -o "b.db" -- "${ENV[@]}" "$PROGS/libcalls" $args 2>&1)
	expect_eq "$want" "$got" "libcalls $args: traced as untraced"
done
expect_eq "root blocked=1 handler=1
sigsys handled=1" "$("${ENV[@]}" "$PROGS/libcalls" sigsys)" "the sigsys case itself"
# under a filter of its own the program is no longer trapped (a filter
# may kill on the prctl): its getpwuid reads are not recorded
"$SBTRACE" -q -b preload -o filter.db -- "${ENV[@]}" "$PROGS/libcalls" filter >/dev/null
expect_eq 0 "$(sqlite3 filter.db "SELECT count(*) FROM accesses
	WHERE path = '/etc/passwd' AND mode & $LIBC")" "no trap after the program's seccomp filter"

# Threads and signals while calls are trapped: a signal handler that
# blocks every signal and opens a file runs in the middle of them.
out=$("$SBTRACE" -q -b preload -o stress.db -- "${ENV[@]}" "$PROGS/libcalls" stress 4 2>&1)
expect_eq 0 "$?" "stress: exit status"
expect_eq "bad=0 signals=handled" "$out" "stress: every call right, signals handled"
expect_eq 3 "$(sqlite3 stress.db "SELECT count(DISTINCT path) FROM accesses WHERE result = 0
	AND mode & $LIBC AND path IN ('/etc/passwd', '/etc/group', '/etc/hosts')")" \
	"stress: passwd, group and hosts recorded"
