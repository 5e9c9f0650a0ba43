# A bundle made here (Debian 12, glibc 2.36) runs in host mode on Debian
# 11 (bullseye, glibc 2.31): a debootstrap --variant=minbase root, cached
# in $SB_CACHE (default /var/cache/sidebundle-test) and built once per
# machine, entered with bwrap with the bundle bound in.  python3 starts
# /bin/sh as a subprocess (the bundle's, through the shim); perl -MPOSIX
# uses the bundled modules, not bullseye's perl-base; gcc builds a hello
# world from headers, crt files and tools that only the payload has.
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
	# within test/run's per-test timeout; .ci/run makes it beforehand
	SB_MKROOT_TIMEOUT=80 "$SB_SRC/test/mkroot-bullseye" "$root" ||
		skip "debootstrap of bullseye failed (no Debian mirror?): see $root.log"
fi

make_tools_bundle "$PWD"
# The root has python3 for t_oldglibc_trace.sh; here it is hidden (its
# program and its library), so that the bundled python3 cannot lean on it.
hide=
for p in /usr/bin/python3.9 /usr/lib/python3.9; do
	if [ -d "$root$p" ]; then
		hide="$hide --tmpfs $p"
	elif [ -e "$root$p" ]; then
		hide="$hide --ro-bind /dev/null $p"
	fi
done
# in_bullseye CMD...: CMD in the bullseye root, the bundle at /opt (an empty directory there)
in_bullseye() {
	# shellcheck disable=SC2086 # $hide is a list of bwrap options
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME=/root \
		bwrap --ro-bind "$root" / $hide --proc /proc --dev /dev --tmpfs /tmp \
		--ro-bind "$PWD/tools" /opt --chdir / "$@"
}
expect_match 'GLIBC 2\.31' "$(in_bullseye ldd --version 2>&1 | head -1)" "the root is glibc 2.31"
expect_eq "no python3" "$(in_bullseye /bin/sh -c 'python3 -c "print(1)" 2>/dev/null || echo no python3')" \
	"bullseye's own python3 cannot run"

expect_eq "$(on_host /usr/bin/python3 -c "$PY_CODE" x 2>&1)" \
	"$(in_bullseye /opt/bin/python3 -c "$PY_CODE" x 2>&1)" "python3 and its /bin/sh child on bullseye"
expect_eq "$(on_host /usr/bin/perl -MPOSIX -e "$PL_CODE" 2>&1)" \
	"$(in_bullseye /opt/bin/perl -MPOSIX -e "$PL_CODE" 2>&1)" "perl -MPOSIX on bullseye"
expect_eq "$(on_host /bin/sh -c "$SH_CODE" 2>&1)" \
	"$(in_bullseye /opt/bin/sh -c "$SH_CODE" 2>&1)" "sh with sort and sed on bullseye"
rc=0
in_bullseye /opt/bin/sh -c 'kill -TERM $$' || rc=$?
expect_eq 143 "$rc" "killed by SIGTERM on bullseye: 128+15"
# python's /bin/sh child is the bundle's sh, started through the
# bundled loader by the shim (bullseye's own loader would refuse the
# Debian 12 libraries)
got=$(in_bullseye /opt/bin/python3 -c 'import subprocess
subprocess.run(["/bin/sh", "-c", "echo ${LD_LIBRARY_PATH:-none}; grep -o \"/[^ ]*/l[di][^ ]*[.]so[^ ]*\" /proc/$$/maps | sort -u"])')
expect_match '^none' "$got" "no LD_LIBRARY_PATH in python's /bin/sh child"
expect_match '/opt/payload/usr/lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2' "$got" \
	"python's /bin/sh child runs through the bundled ld.so"
expect_nomatch 'libc-2\.31' "$got" "python's /bin/sh child does not map bullseye's libc"
# a program the payload lacks is bullseye's own, with bullseye's libc and
# nothing of the bundle in its environment
for p in tac printenv; do
	[ ! -e "$PWD/tools/payload/usr/bin/$p" ] || fail "$p is in the payload: pick another host program"
done
got=$(in_bullseye /opt/bin/python3 -c 'import subprocess
subprocess.run(["/usr/bin/printenv", "LD_LIBRARY_PATH", "SIDEBUNDLE_PAYLOAD"])
subprocess.run(["/bin/sh", "-c", "exec /usr/bin/tac /proc/self/maps | grep -o \"/[^ ]*/libc[.-][^ ]*\" | sort -u"])')
expect_eq '/usr/lib/x86_64-linux-gnu/libc-2.31.so' "$got" \
	"a host program gets bullseye's libc, no LD_LIBRARY_PATH, no SIDEBUNDLE_PAYLOAD"

# the acid test: gcc in host mode on a system without gcc.  It executes
# cc1, as, collect2 and ld by path and reads headers, crt*.o and the
# libc.so linker script by absolute path, all from the payload; each of
# them must start through the bundled loader.  The program it links uses
# the bundled glibc (2.36), so it is run by the bundle's loader.
if [ -x tools/bin/gcc ]; then
	expect_eq "no gcc" "$(in_bullseye /bin/sh -c 'command -v gcc cc cpp as ld || echo no gcc')" \
		"bullseye minbase has no compiler"
	ldso=$(cd tools/payload && find . -name 'ld-linux-x86-64.so.2' -type f | head -1)
	libpath=$(awk -F '\t' '$1 == "libdir" { printf "%s/opt/payload%s", sep, $2; sep = ":" }' tools/manifest.lock)
	got=$(in_bullseye /opt/bin/sh -c 'printf "%s\n" "$1" >/tmp/hello.c &&
		/opt/bin/gcc -o /tmp/hello /tmp/hello.c && "$2" --inhibit-cache --library-path "$3" /tmp/hello' \
		sh "$HELLO_C" "/opt/payload/${ldso#./}" "$libpath" 2>&1)
	expect_eq "hello, world" "$got" "gcc builds hello world in host mode on bullseye"
	got=$(in_bullseye /opt/bin/sh -c 'printf "%s\n" "$1" >/tmp/hello.c &&
		/opt/bin/gcc -v -c -o /tmp/hello.o /tmp/hello.c 2>&1 | grep -c "^ /usr/lib/gcc/x86_64-linux-gnu/[0-9]*/cc1 "' sh "$HELLO_C")
	expect_eq 1 "$got" "gcc runs cc1 from its standard path"
fi
exit 0
