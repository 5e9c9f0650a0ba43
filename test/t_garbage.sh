# A traced process that writes garbage into the FIFO does not crash or
# confuse sbtrace: it warns once, resyncs, and records the rest.
. "$SB_SRC/test/lib.sh"

# 20000 bytes without the magic (bytes 42 53), then real work.
trace sh -c '
	[ -p "$SBTRACE_FIFO" ] || exit 9
	awk "BEGIN { for (i = 0; i < 2000; i++) printf \"0123456789\" }" >"$SBTRACE_FIFO"
	cat /etc/hostname >/dev/null' 2>err
expect_eq 0 "$?" "exit status"
expect_match '^sbtrace: trace stream: 20000 bytes of garbage skipped, 0 false record headers' "$(cat err)" "warning"
expect_eq 1 "$(grep -c garbage err)" "warned once"
expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/cat' AND a.op = 'open' AND a.path = '/etc/hostname'")" \
	"cat's open after the garbage"
expect_eq ok "$(q "PRAGMA integrity_check")" "database integrity"
