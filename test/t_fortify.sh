# _FORTIFY_SOURCE programs call __open_2 and __openat_2: recorded too.
. "$SB_SRC/test/lib.sh"

need nm
nm -D "$PROGS/fortify" | grep -q ' U __open_2' || skip "fortify was not built with __open_2"
echo x >f
trace_ok "$PROGS/fortify" "$PWD/f" 0
expect_eq 2 "$(q "SELECT sum(count) FROM accesses WHERE op = 'open' AND path = '$PWD/f' AND result = 0")" \
	"__open_2 and __openat_2 calls"
