# The table of C library calls already traced (the SBTRACE_ALIVE file,
# sbtrace-wire(5)) is written by traced processes through a shared
# mapping, and a write to a hole or past the end of a file is a SIGBUS.
# So the collector allocates the table's blocks when it makes it, and
# the library maps only a table that is whole: a command that fills its
# TMPDIR, or a table cut short, must not kill the next program that
# calls setlocale (each was "Bus error" before), and its C library
# reads are still recorded.  The full file system needs root.
. "$SB_SRC/test/lib.sh"

LIBC=65536 # SB_M_LIBC
# ls calls setlocale(LC_ALL, ""), which opens the locale's files
locale_rows() {
	q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
	   WHERE p.argv = '[\"ls\",\"/\"]' AND a.mode & $LIBC AND a.path LIKE '%locale%'"
}

# allocated, not a hole: 64 KiB in 512-byte blocks
trace_ok sh -c 'stat -c "%s %b %B" "$SBTRACE_ALIVE"' >sizes
read -r size blocks bsize <sizes
expect_eq 65536 "$size" "the table's size"
expect_ge 65536 "$((blocks * bsize))" "the table's blocks are allocated"

# a table cut short (an older collector's, or truncated): not mapped
rc=0
trace sh -c 'truncate -s 0 "$SBTRACE_ALIVE"; LC_ALL=C.UTF-8 ls / >/dev/null; echo "ls $?" >ls-rc' ||
	rc=$?
expect_eq 0 "$rc" "a short table: exit status"
expect_eq "ls 0" "$(cat ls-rc)" "a short table: ls was not killed"
expect_ge 1 "$(locale_rows)" "a short table: ls's locale reads are still recorded"

[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
mkdir small
# the command: fill TMPDIR, then run ls under a locale
cat >cmd.sh <<'EOF'
dd if=/dev/zero of="$TMPDIR/fill" bs=4k 2>/dev/null
df -k "$TMPDIR" | awk 'NR == 2 { print $4 }' >avail
LC_ALL=C.UTF-8 ls / >/dev/null
echo "ls $?" >ls-rc
EOF
cat >inner.sh <<'EOF'
mount -t tmpfs -o size=256k none "$PWD/small" || exit 99
rc=0
TMPDIR=$PWD/small "$1" -q -o "$2" -- sh cmd.sh || rc=$?
echo "$rc" >rc
EOF
rm -f ls-rc
unshare -m sh inner.sh "$SBTRACE" "$DB" || fail "the private tmpfs could not be mounted"
expect_eq 0 "$(cat avail)" "the command filled its TMPDIR"
expect_eq 0 "$(cat rc)" "a full TMPDIR: exit status"
expect_eq "ls 0" "$(cat ls-rc)" "a full TMPDIR: ls was not killed"
expect_ge 1 "$(locale_rows)" "a full TMPDIR: ls's locale reads are recorded"
