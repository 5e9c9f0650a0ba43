# gcc compiling hello world: every stage it runs is recorded.
. "$SB_SRC/test/lib.sh"

need gcc
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >hello.c
trace_ok gcc -o hello hello.c
expect_eq hi "$(./hello)" "the compiled program runs"
progs=$(q "SELECT path FROM programs_executed")
expect_match '/cc1$' "$progs" "programs_executed has cc1"
expect_match '/as$' "$progs" "programs_executed has as"
expect_match '/(collect2|ld|ld\.bfd|ld\.gold)$' "$progs" "programs_executed has collect2 or ld"
expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path = '$PWD/hello.c'")" \
	"files_read has hello.c"
expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%/stdio.h'")" \
	"files_read has stdio.h"
expect_ge 1 "$(q "SELECT count(*) FROM files_written WHERE path = '$PWD/hello'")" \
	"files_written has the output"
expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%crt1.o'")" \
	"files_read has crt1.o or Scrt1.o (read by ld)"
