# The tracer's own files are not the program's: the preload library and
# the audit module are no load of any process, and the channel directory
# (sbtrace.XXXXXX with the FIFO and the lock) is not in the trace when a
# program lists, stats or walks the directory it was made in.  A program
# that reads the library itself is still recorded doing so, and the
# bundler still bundles from such a trace.
. "$SB_SRC/test/lib.sh"

mkdir tmp
export TMPDIR=$PWD/tmp
touch tmp/mine
trace_ok sh -c 'ls -la "$TMPDIR" >ls.out; find "$TMPDIR" >find.out; stat "$TMPDIR"/sbtrace.* >/dev/null 2>&1; exit 0' ||
	exit 1
# the program did see it: it is in the directory while sbtrace runs
expect_match "^$PWD/tmp/sbtrace\.[A-Za-z0-9]{6}/fifo\$" "$(cat find.out)" "find saw the channel"
expect_match ' sbtrace\.[A-Za-z0-9]{6}$' "$(cat ls.out)" "ls saw the channel"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '$PWD/tmp/sbtrace.%'")" \
	"nothing under the channel directory in the trace"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'opendir' AND path = '$PWD/tmp'")" \
	"the listing of TMPDIR itself is kept"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE path = '$PWD/tmp/mine'")" \
	"the user's file beside it is kept"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '%/libsbtrace%'")" \
	"no row of libsbtrace.so or libsbtrace-audit.so"
expect_eq 0 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%/libsbtrace%'")" \
	"files_read without the tracer"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND path LIKE '%/libc.so.6'")" \
	"the program's own loads are kept"

# ... the same with the library as the audit module (no lean one beside it)
mkdir alone
cp "$SB_BUILD/libsbtrace.so" alone/
rm -f "$DB"
SBTRACE_LIB=$PWD/alone/libsbtrace.so trace_ok cat /etc/hostname >/dev/null
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '%/libsbtrace%'")" \
	"SBTRACE_LIB: no row of the library"

# a program that reads the library itself: that is the program's
rm -f "$DB"
trace_ok cp "$SB_BUILD/libsbtrace.so" copy.so
expect_eq 1 "$(q "SELECT count(*) FROM files_read WHERE path = '$SB_BUILD/libsbtrace.so'")" \
	"cp of the library: read"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND path = '$SB_BUILD/libsbtrace.so'")" \
	"cp of the library: still no load of it"

# the bundler reads such a trace: cat bundles with its libraries
[ -x "$SB_BUILD/sidebundle" ] || exit 0
rm -f "$DB"
trace_ok /bin/cat /etc/hostname >/dev/null
rc=0
out=$("$SB_BUILD/sidebundle" create -q --no-check --out-dir "$PWD/out" --name c --db "$DB" \
	--from-host /bin/cat 2>&1) || rc=$?
expect_eq 0 "$rc" "sidebundle create from the trace: $out"
expect_match 'libc\.so\.6' "$(cat out/c/manifest.lock 2>/dev/null)" "the bundle has libc"
expect_nomatch 'libsbtrace' "$(cat out/c/manifest.lock 2>/dev/null)" "the bundle has no tracer library"
