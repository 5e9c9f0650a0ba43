# The trace channel (a FIFO and a lock in a private directory) does not
# need a writable /tmp: a TMPDIR that does not exist, a read-only /tmp
# and /dev/shm, an XDG_RUNTIME_DIR that is missing, each is passed over
# for the next place, up to the database's directory.  When none works
# sbtrace names every path it tried, exits 1 before running the command
# and leaves no database.  The read-only cases need root.
. "$SB_SRC/test/lib.sh"

# TMPDIR names a directory that does not exist: /tmp does
rc=0
TMPDIR=$PWD/missing "$SBTRACE" -q -o "$DB" -- cat /etc/hostname >/dev/null 2>err || rc=$?
expect_eq 0 "$rc" "missing TMPDIR: exit status"
expect_eq "" "$(cat err)" "missing TMPDIR: nothing to say"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"missing TMPDIR: traced"

[ "$(id -u)" = 0 ] || skip "needs root for a read-only /tmp"
unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
mkdir db ro
# /tmp read-only but this directory (which may be under it) writable:
# a mount of its own first, then /tmp bound again with its submounts and
# only that top mount made read-only
cat >inner.sh <<EOF
mount --bind '$PWD' '$PWD' && mount --rbind /tmp /tmp && mount -o remount,bind,ro /tmp || exit 99
mount -t tmpfs -o ro none /dev/shm || exit 99
touch /tmp/sbtrace-rw-probe 2>/dev/null && exit 98
unset TMPDIR
export XDG_RUNTIME_DIR='$PWD/no-xdg'
cd '$PWD'
# the database's directory is left
'$SBTRACE' -q -o '$PWD/db/t.db' -- sh -c 'echo "\$SBTRACE_FIFO" >fifo-path; cat /etc/hostname' \\
	>/dev/null 2>err1
echo \$? >rc1
ls -A '$PWD/db' >left1
# no place at all: the database's directory is read-only too
mount -t tmpfs -o ro none '$PWD/ro' || exit 99
'$SBTRACE' -q -o '$PWD/ro/t.db' -- touch ran 2>err2
echo \$? >rc2
exit 0
EOF
unshare -m sh inner.sh
case $? in
99) skip "cannot make /tmp and /dev/shm read-only" ;;
98) fail "/tmp is still writable" ;;
esac

expect_eq 0 "$(cat rc1)" "read-only /tmp and /dev/shm: exit status"
expect_eq "" "$(cat err1)" "read-only /tmp and /dev/shm: nothing to say"
expect_match "^$PWD/db/sbtrace\.[A-Za-z0-9]{6}/fifo\$" "$(cat fifo-path)" \
	"the channel in the database's directory, by an absolute path"
expect_eq "t.db" "$(cat left1)" "the private directory removed after"
DB=$PWD/db/t.db
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"read-only /tmp and /dev/shm: traced"

expect_eq 1 "$(cat rc2)" "no place for the channel: exit status"
err=$(cat err2)
expect_match "^sbtrace: cannot make the trace channel: $PWD/no-xdg/sbtrace\.XXXXXX: No such file or directory; /dev/shm/sbtrace\.XXXXXX: Read-only file system; /tmp/sbtrace\.XXXXXX: Read-only file system; $PWD/ro/sbtrace\.XXXXXX: Read-only file system\$" \
	"$err" "no place for the channel: every path tried, and why"
if [ -e ran ]; then
	_sb_bad "no place for the channel" "the command not run" "it ran"
fi
