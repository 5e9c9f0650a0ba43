# Messages that never end cannot take the collector's memory: 1,024
# message keys, each grown by 100 middle fragments (400 MiB in all), are
# held within the cap of 64 MiB by evicting the oldest, and a message of
# this process sent in three fragments in the middle of the flood still
# arrives whole.
. "$SB_SRC/test/lib.sh"

rc=0
trace sh -c "'$PROGS/fragflood' \"\$SBTRACE_FIFO\" 1024 100 '$PWD/nx'
	grep VmHWM /proc/\$PPID/status >hwm" 2>err || rc=$?
expect_eq 0 "$rc" "exit status"
expect_eq "stat|2|1" "$(q "SELECT a.op || '|' || a.result || '|' || a.count FROM accesses a
	 JOIN processes p ON p.id = a.process_id
	 WHERE p.exe = '$PROGS/fragflood' AND a.path = '$PWD/nx/' || replace(printf('%10000s', ''), ' ', 'x')")" \
	"the other message, 10,000 bytes of path in three fragments, arrived once"
msg=$(grep 'fragmented messages lost' err)
expect_match '^sbtrace: trace stream: 1024 fragmented messages lost \([0-9]+ bytes\), [1-9][0-9]* of them evicted to hold at most 1024 unfinished ones in 64 MiB' \
	"$msg" "every flooding message lost and counted, some evicted"
peak=$(printf '%s\n' "$msg" | sed -n 's/.*(\([0-9]*\) bytes held at most).*/\1/p')
# the cap, and at most one doubling of the buffer that crossed it
expect_le $(((64 + 8) << 20)) "${peak:-x}" "the bytes held, by sbtrace's own count"
# The sanitizer build's allocator keeps freed memory in quarantine.
if ! ldd "$SBTRACE" | grep -q libasan; then
	hwm=$(awk '{ print $2 }' hwm)
	expect_le $((160 * 1024)) "$hwm" "VmHWM of sbtrace in KiB, after 400 MiB of fragments"
fi
