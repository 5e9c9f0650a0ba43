# -b ptrace on dynamic programs: the same files as -b preload, modulo
# what the dynamic linker and libc read on their own (ld.so.cache,
# locale files), which the library cannot see and ptrace can.
. "$SB_SRC/test/lib.sh"

"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null || skip "ptrace not permitted here"
# what the library itself needs (the sanitizer build's libubsan, ...)
# is loaded only under preload
ldd "$SB_BUILD/libsbtrace.so" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' >libdeps.txt
cmd=(sh -c 'cat /etc/hostname >/dev/null; ls /etc/ssl >/dev/null; cp /etc/hostname h; rm h; exit 6')
for b in preload ptrace; do
	rc=0
	"$SBTRACE" -q -b "$b" -o "$b.db" -- "${cmd[@]}" || rc=$?
	expect_eq 6 "$rc" "$b: exit status"
	sqlite3 "$b.db" "SELECT DISTINCT path FROM files_read UNION SELECT path FROM files_written
		UNION SELECT path FROM programs_executed ORDER BY 1" |
		grep -Ev '/libsbtrace\.so$|^/lib64/ld-linux' | grep -vxFf libdeps.txt >"$b.txt"
	sqlite3 "$b.db" "SELECT group_concat(backend) FROM (SELECT DISTINCT backend FROM processes)" >"$b.backend"
done
expect_eq preload "$(cat preload.backend)" "preload rows"
expect_eq ptrace "$(cat ptrace.backend)" "ptrace rows"
expect_eq "" "$(comm -23 preload.txt ptrace.txt)" "files seen by preload but not by ptrace"
expect_eq "" "$(comm -13 preload.txt ptrace.txt | grep -Ev '^/etc/ld\.so\.cache$|^/usr/lib/locale/|/gconv/|^/usr/share/locale/')" \
	"files seen by ptrace only, beyond ld.so and libc internals"
expect_match "^$PWD/h$" "$(cat ptrace.txt)" "written file"
expect_eq "$(sqlite3 preload.db "SELECT group_concat(started_by, ' ') FROM (SELECT started_by FROM processes ORDER BY id)")" \
	"$(sqlite3 ptrace.db "SELECT group_concat(started_by, ' ') FROM (SELECT started_by FROM processes ORDER BY id)")" \
	"the same process tree"
