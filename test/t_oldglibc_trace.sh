# The install tree, copied to Debian 11 (glibc 2.31), traces there: the
# static sbtrace runs, libsbtrace.so and libsbtrace-audit.so load into
# its programs, and the rows are the kind Debian 12 gives, python3
# included.  The Debian 11 root is test/mkroot-bullseye's, entered
# read-only with bwrap.
. "$SB_SRC/test/lib.sh"
need bwrap make
case $SB_BUILD in
*san*) skip "sanitizer build: not made for old hosts" ;;
esac
root=${SB_CACHE:-/var/cache/sidebundle-test}/bullseye
[ -x "$root/bin/sh" ] || skip "no Debian 11 root in $root (test/mkroot-bullseye makes it)"

dest=$PWD/dest
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$SB_SRC" B="$(make_b)" PREFIX=/opt \
	DESTDIR="$dest" install >install.log 2>&1 || fail "make install: $(cat install.log)"
mkdir out
# in_bullseye CMD...: run CMD in the Debian 11 root, the install tree
# copied in as /opt (a directory the root has: bwrap cannot make one in
# a read-only root), ./out as /mnt
in_bullseye() {
	env -i PATH=/usr/bin:/bin HOME=/root bwrap --ro-bind "$root" / --proc /proc --dev /dev \
		--tmpfs /tmp --ro-bind "$dest/opt" /opt --bind "$PWD/out" /mnt --chdir / "$@"
}
in_bullseye true 2>/dev/null || skip "bwrap cannot make a sandbox here"
expect_match 'GLIBC 2\.31' "$(in_bullseye ldd --version 2>&1 | head -n 1)" "the root's glibc is 2.31"
expect_eq ok "$(in_bullseye env LD_PRELOAD=/opt/lib/sidebundle/libsbtrace.so \
	LD_AUDIT=/opt/lib/sidebundle/libsbtrace-audit.so /bin/sh -c 'echo ok' 2>&1)" \
	"both libraries load into the root's sh"

out=$(in_bullseye /opt/bin/sbtrace -q -b preload -o /mnt/sh.db -- /bin/sh -c \
	'ls / >/dev/null; perl -e "stat q{/etc/passwd}; open F, q{/etc/hostname}"' 2>&1)
expect_eq 0 "$?" "sbtrace on Debian 11: $out"
DB=$PWD/out/sh.db
expect_eq "/usr/bin/dash /usr/bin/ls /usr/bin/perl" \
	"$(q "SELECT group_concat(exe, ' ') FROM (SELECT DISTINCT exe FROM processes ORDER BY exe)")" \
	"process images"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'
	AND result = 0")" "perl's open, through Debian 11's C library"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '/etc/passwd'")" \
	"perl's stat (__xstat64 on glibc 2.31)"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND path LIKE '%/libc.so.6'")" \
	"the audit module's load rows"

if in_bullseye test -x /usr/bin/python3; then
	out=$(in_bullseye /opt/bin/sbtrace -q -b preload -o /mnt/py.db -- /usr/bin/python3 -c \
		'import json, subprocess; subprocess.run(["ls", "/usr"], stdout=subprocess.DEVNULL)' 2>&1)
	expect_eq 0 "$?" "python3 traced on Debian 11: $out"
	DB=$PWD/out/py.db
	expect_ge 3 "$(q "SELECT count(*) FROM processes")" "python3, its fork and ls"
	expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '/usr/bin/ls'
		AND result = 0")" "the exec of ls"
	expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%/json/__pycache__/__init__.%'")" \
		"the json module read"
fi
