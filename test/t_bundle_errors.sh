# Bad inputs: each gives a clear error naming the culprit, and nothing is
# written outside DIR/NAME (no DIR/NAME either when create fails).
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

# fails ERE WHAT CREATE-ARGS...: create exits 1 saying ERE, leaves no
# out/NAME, no temporary directory, nothing new in the test directory.
fails() {
	local ere=$1 what=$2 before after out rc=0
	shift 2
	before=$(tree_state .)
	out=$("$SIDEBUNDLE" create -q --out-dir out --name n "$@" 2>&1) || rc=$?
	after=$(tree_state .)
	expect_eq 1 "$rc" "exit status: $what"
	expect_match "$ere" "$out" "message: $what"
	expect_eq "" "$(ls -A out 2>/dev/null)" "nothing in out/: $what"
	expect_eq "$before" "$after" "nothing written outside: $what"
}

mkdir out
fails 'sidebundle: .*/nope: .*(No such file|not found|cannot)' "missing entry" \
	--from-host "$PWD/nope"
head -c 200 /bin/true >trunc
chmod 755 trunc
fails "trunc" "truncated ELF" --from-host "$PWD/trunc"
printf '\177ELF\002\001\001\000garbage-not-an-elf-header-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' >corrupt
chmod 755 corrupt
fails "corrupt" "corrupt ELF" --from-host "$PWD/corrupt"

need gcc
echo 'int foo(void) { return 1; }' >foo.c
echo 'int foo(void); int main(void) { return foo() - 1; }' >main.c
gcc -shared -fPIC -o libsbfoo.so foo.c && gcc -o usesfoo main.c -L. -lsbfoo ||
	fail "cannot build the test binaries"
rm libsbfoo.so
fails 'libsbfoo\.so: needed by .*/usesfoo: not found' "missing direct library" \
	--from-host "$PWD/usesfoo"

sqlite3 notsb.db 'CREATE TABLE t (x)' || fail "sqlite3"
fails 'notsb\.db: not an sbtrace database' "sqlite db that is not a trace" \
	--from-host /bin/sh --db "$PWD/notsb.db"
echo 'plain text' >text.db
fails 'text\.db: .*(not a database|file is not)' "text file as a db" \
	--from-host /bin/sh --db "$PWD/text.db"
fails 'absent\.db: No such file' "missing db" --from-host /bin/sh --db "$PWD/absent.db"

# usage errors: exit 2
for args in "--name n --from-host /bin/sh" "--out-dir out --from-host /bin/sh" \
	"--out-dir out --name n" "--out-dir out --name a/b --from-host /bin/sh" \
	"--out-dir out --name n --from-host /bin/sh --run-mode nope"; do
	rc=0
	out=$("$SIDEBUNDLE" create $args 2>&1) || rc=$?
	expect_eq 2 "$rc" "usage error: $args"
	expect_match '^usage: sidebundle create' "$out" "usage text: $args"
done
rc=0
out=$("$SIDEBUNDLE" create --out-dir out --name n --from-host /bin/sh --from-host /usr/bin/sh 2>&1) || rc=$?
expect_eq 2 "$rc" "two entries named sh"
expect_match 'same name sh' "$out" "duplicate entry message"

# A hostile trace in a mini root: ".." in a path and links that point
# out of the root are followed inside it only; links stay links.
mkdir -p root/etc root/data root/usr/bin
[ -x "$PROGS/static_hello" ] || skip "$PROGS/static_hello is missing: run make tests"
cp "$PROGS/static_hello" root/usr/bin/true
echo inside >root/etc/passwd
ln -s ../../../../../../../../etc root/data/up
ln -s /etc/passwd root/data/abs
cp "$SB_SRC/test/fixtures/schema-v2.sql" schema.sql
sqlite3 evil.db <<EOS || fail "cannot make evil.db"
$(cat schema.sql)
PRAGMA application_id = 1396855890;
PRAGMA user_version = 2;
INSERT INTO runs VALUES (1, '["x"]', '/', 0, 1, 'preload', 'h', 0, 0, NULL, 0, 't');
INSERT INTO processes VALUES (1, 1, NULL, 1, 0, '/x', '/x', '["x"]', '/', 0, 1, 0, NULL, 'preload', 'root', NULL);
INSERT INTO accesses VALUES (1, 1, 'open', '/../../../../etc/passwd', 'x', 1, 0, 1, 1);
INSERT INTO accesses VALUES (2, 1, 'open', '/data/up/passwd', 'x', 1, 0, 1, 2);
INSERT INTO accesses VALUES (3, 1, 'open', '/data/abs', 'x', 1, 0, 1, 3);
INSERT INTO accesses VALUES (4, 1, 'open', 'relative/path', 'x', 1, 0, 1, 4);
EOS
before=$(tree_state .)
rc=0
out=$("$SIDEBUNDLE" create -q -r "$PWD/root" --out-dir out --name evil --from-host /usr/bin/true \
	--db "$PWD/evil.db" 2>&1) || rc=$?
expect_eq 0 "$rc" "create from a hostile db: $out"
expect_eq "$before" "$(tree_state .)" "nothing written outside out/ (hostile db)"
expect_eq "inside" "$(cat out/evil/payload/etc/passwd)" "/etc/passwd is ROOT's"
# links are made relative and kept inside the payload, on disk too
expect_eq "../etc" "$(readlink out/evil/payload/data/up)" "a link climbing above / stops there"
expect_eq "../etc/passwd" "$(readlink out/evil/payload/data/abs)" "an absolute link made relative"
expect_eq "out/evil" "$(find out -mindepth 1 -maxdepth 1)" "only DIR/NAME in DIR"
"$SIDEBUNDLE" verify out/evil >/dev/null || _sb_bad "verify hostile bundle" ok "$("$SIDEBUNDLE" verify out/evil)"

# An existing bundle is replaced whole; a directory that is not a bundle
# is never touched.
echo stale >out/evil/payload/stale
"$SIDEBUNDLE" create -q -r "$PWD/root" --out-dir out --name evil --from-host /usr/bin/true \
	>/dev/null 2>&1 || _sb_bad "create over an existing bundle" 0 "$?"
expect_eq "" "$(ls out/evil/payload/stale 2>/dev/null)" "old bundle removed"
expect_eq "out/evil" "$(find out -mindepth 1 -maxdepth 1)" "no temporary directory left"
mkdir -p out/precious && echo keep >out/precious/data
rc=0
out=$("$SIDEBUNDLE" create -q --out-dir out --name precious --from-host /bin/sh 2>&1) || rc=$?
expect_eq 1 "$rc" "create over a directory that is not a bundle"
expect_match 'precious exists and is not a bundle' "$out" "refusal message"
expect_eq "keep" "$(cat out/precious/data)" "the directory is untouched"
# a temporary directory left by an interrupted build goes on the next run
mkdir out/.evil.tmp-abcdef
"$SIDEBUNDLE" create -q -r "$PWD/root" --out-dir out --name evil --from-host /usr/bin/true \
	>/dev/null 2>&1 || _sb_bad "create after an interrupted build" 0 "$?"
expect_eq "" "$(ls -d out/.evil.tmp-* 2>/dev/null)" "stale temporary directory removed"
