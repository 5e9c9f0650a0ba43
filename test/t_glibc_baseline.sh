# What must work on any glibc from 2.17 on needs no newer symbol
# version: libsbtrace.so (loaded into every traced program),
# libsbtrace-audit.so (no C library at all) and sbtrace (static).  A
# sanitizer build is exempt: its runtime needs this machine's glibc.
. "$SB_SRC/test/lib.sh"
need readelf objdump cc
case $SB_BUILD in
*san*) skip "sanitizer build: not made for old hosts" ;;
esac
out=$("$SB_SRC/test/glibc-baseline" "$SB_BUILD/libsbtrace.so" "$SB_BUILD/libsbtrace-audit.so" \
	"$SB_BUILD/sbtrace" 2>&1)
expect_eq 0 "$?" "glibc-baseline: $out"
expect_nomatch 'NEEDED' "$(readelf -d "$SB_BUILD/libsbtrace-audit.so")" "the audit module needs no library"
expect_nomatch 'INTERP|NEEDED' "$(readelf -ld "$SB_BUILD/sbtrace")" "sbtrace is static"
# the check catches a newer version: a program built here needs 2.34
printf 'int main(void) { return 0; }\n' >m.c
cc -o m m.c || fail "cc"
out=$("$SB_SRC/test/glibc-baseline" m 2>&1)
expect_eq 1 "$?" "a program built on glibc 2.36 fails the check"
expect_match 'needs GLIBC_2\.3[4-9].*__libc_start_main' "$out" "and the check names the symbol"
