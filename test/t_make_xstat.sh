# Debian 12's make still calls the old __xstat ABI: its stats of the
# makefile's prerequisites are recorded.
. "$SB_SRC/test/lib.sh"

need make nm
nm -D "$(command -v make)" 2>/dev/null | grep -q ' U __xstat' || skip "this make does not call __xstat"
touch dep.c
printf 'all: out\nout: dep.c missing.c\n\t@echo built\nmissing.c:\n\t@true\n' >Makefile
# make check runs us under make: an inherited MAKELEVEL would make the
# inner make print "Entering directory".
out=$(trace env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -f Makefile)
expect_eq 0 "$?" "exit status of make"
expect_eq built "$out" "make output"
expect_ge 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/make' AND a.op = 'stat' AND a.path = '$PWD/dep.c' AND a.result = 0")" \
	"make's stat of dep.c"
expect_ge 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/make' AND a.op = 'stat' AND a.path = '$PWD/missing.c' AND a.result = 2")" \
	"make's stat of missing.c (ENOENT)"
expect_ge 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/make' AND a.op = 'stat' AND a.path = '$PWD/out' AND a.result = 2")" \
	"make's stat of the target"
