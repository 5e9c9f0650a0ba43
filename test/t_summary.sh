# Without -q, sbtrace ends with one summary line on stderr, its counts
# in the singular or the plural as they come; stdout is the command's
# alone.
. "$SB_SRC/test/lib.sh"

# counted N ONE MANY: "N ONE" or "N MANY"
counted() {
	if [ "$1" = 1 ]; then echo "1 $2"; else echo "$1 $3"; fi
}

out=$("$SBTRACE" -o "$DB" -- sh -c 'cat /etc/hostname >/dev/null; echo hi' 2>err)
expect_eq 0 "$?" "exit status"
expect_eq hi "$out" "stdout is the command's"
n=$(q "SELECT count(*) FROM processes")
m=$(q "SELECT count(*) FROM accesses")
expect_eq "sbtrace: $(counted "$n" process processes), $(counted "$m" access accesses) recorded in $DB (run 1)" \
	"$(cat err)" "summary line"

# one process, one access: a static command under -b preload is its
# exec row alone
S=$PROGS/static_hello
if ! ldd "$S" >/dev/null 2>&1; then
	"$SBTRACE" -b preload -o "$DB" -- "$S" >/dev/null 2>err
	expect_eq 1 "$(q "SELECT count(*) FROM processes")" "one process"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses")" "one access"
	expect_eq "sbtrace: 1 process, 1 access recorded in $DB (run 1)" "$(tail -n 1 err)" "singular"
fi

out=$("$SBTRACE" -q -o "$DB" -- true 2>&1)
expect_eq "" "$out" "-q: nothing from sbtrace"
