# A program that ld.so refuses after it has loaded its libraries (a
# symbol version the library it finds does not have: the usual failure
# of a program taken to an older system) ends in _exit with no audit
# callback after the loads: the libraries it loaded, and how it found
# them, must be in the trace all the same.
. "$SB_SRC/test/lib.sh"
need cc

mkdir -p new old
printf 'int f(void) { return 1; }\n' >f.c
printf 'V1 { global: f; local: *; };\nV2 { } V1;\n' >new.map
printf 'V1 { global: f; local: *; };\n' >old.map
printf 'int f(void);\nint main(void) { return f() - 1; }\n' >main.c
cc -shared -fPIC -Wl,--version-script=new.map -Wl,-soname,libf.so -o new/libf.so f.c &&
	cc -shared -fPIC -Wl,--version-script=old.map -Wl,-soname,libf.so -o old/libf.so f.c &&
	cc -o prog main.c -Lnew -lf -Wl,-rpath,"$PWD/old" || fail "could not build the test program"
# bind f to V2: what the old library lacks
sed -i 's/V1 { global: f;/V1 { global: g;/; s/V2 { }/V2 { global: f; }/' new.map
printf 'int f(void) { return 1; }\nint g(void) { return 0; }\n' >f.c
cc -shared -fPIC -Wl,--version-script=new.map -Wl,-soname,libf.so -o new/libf.so f.c &&
	cc -o prog main.c -Lnew -lf -Wl,-rpath,"$PWD/old" || fail "could not build the test program"

rc=0
err=$("$SBTRACE" -q -o "$DB" -- ./prog 2>&1) || rc=$?
expect_eq 1 "$rc" "ld.so refuses it"
expect_match "version .V2. not found" "$err" "... for the version the old library lacks"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND result = 0
	AND path = '$PWD/old/libf.so'")" "the library it loaded is in the trace"
expect_eq 1 "$(q "SELECT count(*) > 0 FROM accesses WHERE op = 'load' AND result = 0
	AND path LIKE '%/libc.so.6'")" "libc's load too"
exit 0
