# Without -q, sbtrace ends with one summary line on stderr; stdout is
# the command's alone.
. "$SB_SRC/test/lib.sh"

out=$("$SBTRACE" -o "$DB" -- sh -c 'cat /etc/hostname >/dev/null; echo hi' 2>err)
expect_eq 0 "$?" "exit status"
expect_eq hi "$out" "stdout is the command's"
n=$(q "SELECT count(*) FROM processes")
m=$(q "SELECT count(*) FROM accesses")
expect_eq "sbtrace: $n processes, $m accesses recorded in $DB (run 1)" "$(cat err)" "summary line"

out=$("$SBTRACE" -q -o "$DB" -- true 2>&1)
expect_eq "" "$out" "-q: nothing from sbtrace"
