# A bundle made here (Debian 12, glibc 2.36) runs in host mode on Debian
# 11 (bullseye, glibc 2.31): a debootstrap --variant=minbase root, cached
# in $SB_CACHE (default /var/cache/sidebundle-test) and built once per
# machine, entered with bwrap with the bundle bound in.  python3 starts
# the bullseye /bin/sh as a subprocess; perl -MPOSIX uses the bundled
# modules, not bullseye's perl-base.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3 perl
need_bwrap
cache=${SB_CACHE:-/var/cache/sidebundle-test}
root=$cache/bullseye
if [ ! -x "$root/bin/sh" ]; then
	# the launcher is never sanitized: the sanitizer pass only reuses
	# a root the plain pass made, it does not spend half a minute on one
	case $SB_BUILD in
	*san*) skip "no cached bullseye root in $cache (the plain build's pass makes it)" ;;
	esac
	need debootstrap flock
	mkdir -p "$cache" || skip "cannot make $cache"
	(
		flock 9
		if [ ! -x "$root/bin/sh" ]; then
			rm -rf "$root.tmp"
			debootstrap --variant=minbase bullseye "$root.tmp" http://deb.debian.org/debian \
				>"$cache/debootstrap.log" 2>&1 && mv "$root.tmp" "$root"
		fi
	) 9>"$cache/.lock"
	[ -x "$root/bin/sh" ] ||
		skip "debootstrap of bullseye failed (no Debian mirror?): see $cache/debootstrap.log"
fi

make_tools_bundle "$PWD"
# in_bullseye CMD...: CMD in the bullseye root, the bundle at /opt (an empty directory there)
in_bullseye() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME=/root \
		bwrap --ro-bind "$root" / --proc /proc --dev /dev --tmpfs /tmp \
		--ro-bind "$PWD/tools" /opt --chdir / "$@"
}
expect_match 'GLIBC 2\.31' "$(in_bullseye ldd --version 2>&1 | head -1)" "the root is glibc 2.31"
expect_eq "no python3" "$(in_bullseye /bin/sh -c 'command -v python3 || echo no python3')" \
	"bullseye minbase has no python3"

expect_eq "$(on_host /usr/bin/python3 -c "$PY_CODE" x 2>&1)" \
	"$(in_bullseye /opt/bin/python3 -c "$PY_CODE" x 2>&1)" "python3 and its /bin/sh child on bullseye"
expect_eq "$(on_host /usr/bin/perl -MPOSIX -e "$PL_CODE" 2>&1)" \
	"$(in_bullseye /opt/bin/perl -MPOSIX -e "$PL_CODE" 2>&1)" "perl -MPOSIX on bullseye"
expect_eq "$(on_host /bin/sh -c "$SH_CODE" 2>&1)" \
	"$(in_bullseye /opt/bin/sh -c "$SH_CODE" 2>&1)" "sh with sort and sed on bullseye"
rc=0
in_bullseye /opt/bin/sh -c 'kill -TERM $$' || rc=$?
expect_eq 143 "$rc" "killed by SIGTERM on bullseye: 128+15"
# the child of the bundled python is bullseye's own sh with bullseye's
# libc: no loader variable leaked into it
got=$(in_bullseye /opt/bin/python3 -c 'import subprocess
subprocess.run(["/bin/sh", "-c", "echo ${LD_LIBRARY_PATH:-none}; grep -o \"/[^ ]*/libc[.-][^ ]*\" /proc/$$/maps | sort -u"])')
expect_eq $'none\n/usr/lib/x86_64-linux-gnu/libc-2.31.so' "$got" "the child runs with bullseye's libc, no LD_LIBRARY_PATH"
exit 0
