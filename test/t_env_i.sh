# A child started with an empty environment (env -i) is still traced.
. "$SB_SRC/test/lib.sh"

trace_ok sh -c 'env -i /bin/cat /etc/hostname' >/dev/null
cat_row=$(q "SELECT id FROM processes WHERE exe LIKE '%/cat'")
expect_match '^[0-9]+$' "$cat_row" "a processes row for cat"
[ -n "$cat_row" ] || exit 1
expect_eq '["/bin/cat","/etc/hostname"]' "$(q "SELECT argv FROM processes WHERE id = $cat_row")" \
	"argv of cat"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE process_id = $cat_row
	 AND op = 'open' AND path = '/etc/hostname' AND result = 0")" \
	"open of /etc/hostname by cat"
expect_match '/env$' "$(q "SELECT p.exe FROM processes c JOIN processes p
	 ON p.id = c.parent_id WHERE c.id = $cat_row")" "parent of cat is env"
expect_ge 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/env' AND a.op = 'exec' AND a.path = '/bin/cat' AND a.result = 0")" \
	"env recorded its exec of /bin/cat"

# and the environment the program sees is still empty but for ours
out=$(trace env -i /usr/bin/env)
expect_eq 0 "$?" "exit status of env -i env"
expect_nomatch '^(PATH|HOME)=' "$out" "env -i leaves no user variables"
