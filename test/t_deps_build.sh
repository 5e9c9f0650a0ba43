#!/bin/bash
# sidebundle deps on binaries built here: $ORIGIN in RUNPATH and RPATH,
# RPATH inherited along the loading chain (RUNPATH is not), a missing
# direct and a missing indirect library, a symlinked executable, and
# glibc-hwcaps subdirectories.
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"
need gcc

golden() {
	local f=$SB_SRC/test/golden/deps/$1 got
	got=$(printf '%s\n' "$2" | sed "s|$PWD|@PWD@|g")
	if [ "${SB_UPDATE_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$got" >"$f"
	fi
	expect_eq "$(cat "$f")" "$got" "deps output vs golden/deps/$1"
}

mkdir -p app/bin app/lib other
cat >baz.c <<'C'
int baz(void) { return 3; }
C
cat >bar.c <<'C'
int baz(void);
int bar(void) { return baz() + 2; }
C
cat >foo.c <<'C'
int foo(void) { return 1; }
C
cat >main.c <<'C'
int foo(void);
int bar(void);
int main(void) { return foo() + bar() == 6 ? 0 : 1; }
C
gcc -shared -fPIC -o other/libbaz.so.1 -Wl,-soname,libbaz.so.1 baz.c || fail "gcc baz"
# libbar finds libbaz only through its loaders' RPATH.
gcc -shared -fPIC -o app/lib/libbar.so.1 -Wl,-soname,libbar.so.1 bar.c \
	-Lother -l:libbaz.so.1 || fail "gcc bar"
gcc -shared -fPIC -o app/lib/libfoo.so.1 -Wl,-soname,libfoo.so.1 foo.c || fail "gcc foo"
# RUNPATH ($ORIGIN), the Debian default.  It does not apply to libbar's
# own needs, so libbaz (in other/ only) is not found: an indirect miss,
# exit 0, exactly as the loader fails.
gcc -o app/bin/prog main.c -Lapp/lib -l:libfoo.so.1 -l:libbar.so.1 -Wl,-rpath-link,other \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib' || fail "gcc prog"
readelf -d app/bin/prog | grep -q RUNPATH || fail "no RUNPATH in prog"
rc=0
app/bin/prog 2>/dev/null || rc=$?
expect_ne 0 "$rc" "the loader does not find libbaz either"
rc=0
out=$("$SB" deps app/bin/prog 2>err) || rc=$?
expect_eq 0 "$rc" "a missing indirect library does not fail"
golden runpath.out "$out"
expect_match "libbaz.so.1 not found \(needed by $PWD/app/lib/libbar.so.1\)" "$(cat err)" "who needs it"

# A symlink to the executable: $ORIGIN is the real directory.
ln -s ../app/bin/prog other/prog-link
out=$("$SB" deps other/prog-link 2>/dev/null)
expect_match "libfoo.so.1 => $PWD/app/lib/libfoo.so.1" "$out" "\$ORIGIN of a symlinked executable"

# RPATH is inherited along the loading chain: libbar finds libbaz
# through prog-rpath's RPATH.
gcc -o app/bin/prog-rpath main.c -Lapp/lib -l:libfoo.so.1 -l:libbar.so.1 -Wl,-rpath-link,other \
	-Wl,--disable-new-dtags,-rpath,'${ORIGIN}/../lib:$ORIGIN/../../other' || fail "gcc prog-rpath"
readelf -d app/bin/prog-rpath | grep -q RPATH || fail "no RPATH in prog-rpath"
app/bin/prog-rpath || fail "prog-rpath does not run"
rc=0
out=$("$SB" deps app/bin/prog-rpath 2>err) || rc=$?
expect_eq 0 "$rc" "exit status, RPATH"
expect_eq "" "$(cat err)" "stderr, RPATH"
golden rpath.out "$out"

# A missing direct library: exit 1, the whole tree still printed.
rm app/lib/libfoo.so.1
rc=0
out=$("$SB" deps app/bin/prog-rpath 2>err) || rc=$?
expect_eq 1 "$rc" "exit status, missing direct library"
golden missing.out "$out"
expect_match 'libfoo.so.1 not found \(a direct need\)' "$(cat err)" "message for a missing direct need"

# glibc-hwcaps: a variant for a level this CPU has is what ld.so loads;
# the baseline is kept next to it.
gcc -shared -fPIC -o app/lib/libfoo.so.1 -Wl,-soname,libfoo.so.1 foo.c
if /lib64/ld-linux-x86-64.so.2 --help 2>/dev/null | grep -q 'x86-64-v2 (supported, searched)'; then
	mkdir -p app/lib/glibc-hwcaps/x86-64-v2
	cp app/lib/libfoo.so.1 app/lib/glibc-hwcaps/x86-64-v2/
	out=$("$SB" deps app/bin/prog 2>/dev/null)
	expect_match "^    libfoo.so.1 => $PWD/app/lib/glibc-hwcaps/x86-64-v2/libfoo.so.1\$" "$out" "hwcaps variant chosen"
	expect_match "^    libfoo.so.1 => $PWD/app/lib/libfoo.so.1 \(hwcaps alternative\)\$" "$out" "baseline kept"
	# What the loader really loads.
	expect_match "glibc-hwcaps/x86-64-v2/libfoo.so.1" \
		"$(LD_TRACE_LOADED_OBJECTS=1 /lib64/ld-linux-x86-64.so.2 app/bin/prog 2>&1)" "ld.so picks the variant"
	rm -r app/lib/glibc-hwcaps
fi

# A library of the wrong class in the RUNPATH directory is skipped.
if echo 'int foo(void){return 1;}' | gcc -m32 -shared -fPIC -x c -o wrong.so - 2>/dev/null; then
	mv app/lib/libfoo.so.1 other/libfoo.so.1
	mv wrong.so app/lib/libfoo.so.1
	out=$("$SB" deps app/bin/prog 2>/dev/null)
	expect_match '^    libfoo.so.1 => not found$' "$out" "32-bit library skipped"
fi
