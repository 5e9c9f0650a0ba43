# posix_spawn and posix_spawnp leave errno as the real call left it:
# a program that prints errno after a failed spawn prints the same
# traced and untraced (Bear's test: errno 0 traced, 2 untraced).
. "$SB_SRC/test/lib.sh"

"$PROGS/spawnerr" >native || fail "spawnerr failed untraced"
trace_ok "$PROGS/spawnerr" >traced
expect_eq "$(cat native)" "$(cat traced)" "errno after failed spawns, traced"
expect_match 'posix_spawnp: 2, errno: [1-9]' "$(cat native)" "untraced, errno is set (the test means something)"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND result = 2
	 AND path = '/nonexistent/sbtrace-no-such-program'")" "the failed spawn still recorded"
