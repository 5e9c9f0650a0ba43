# Absolute symbolic links inside the payload are made relative, from the
# link's real directory, so they lead inside the payload on any host: a
# library reached through a Debian-alternatives chain (lib -> /etc/
# alternatives/... -> /lib/.../real, /lib itself a link to usr/lib) in a
# -r ROOT loads in host mode here and in the Debian 11 root of
# test/mkroot-bullseye, which has no such chain; the manifest records
# the text written in the payload, and verify agrees.  With real Debian
# alternatives (libblas.so.3) when the host has them.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need gcc
outside_dir
lib=usr/lib/x86_64-linux-gnu
[ -d "/$lib" ] && [ -e /lib64/ld-linux-x86-64.so.2 ] || skip "not an x86_64 Debian layout"
R=$outside/root
mkdir -p "$R/$lib/sbalt" "$R/etc/alternatives" "$R/usr/bin" "$R/lib64" || fail mkdir
ln -s usr/lib "$R/lib"
echo 'const char *sbalt(void) { return "from the alternative"; }' >alt.c
printf '#include <stdio.h>\nconst char *sbalt(void);\nint main(void) { puts(sbalt()); return 0; }\n' >prog.c
gcc -shared -fPIC -Wl,-soname,libsbalt.so.1 -o "$R/$lib/sbalt/libsbalt.so.1" alt.c || fail "gcc alt.c"
gcc -o "$R/usr/bin/sbaltprog" prog.c "$R/$lib/sbalt/libsbalt.so.1" || fail "gcc prog.c"
# the chain as update-alternatives makes it, the last step through /lib
ln -s /lib/x86_64-linux-gnu/sbalt/libsbalt.so.1 "$R/etc/alternatives/libsbalt.so.1"
ln -s /etc/alternatives/libsbalt.so.1 "$R/$lib/libsbalt.so.1"
cp -L "/$lib/libc.so.6" "/lib64/ld-linux-x86-64.so.2" "$R/$lib/" || fail "cp libc"
ln -s "../$lib/ld-linux-x86-64.so.2" "$R/lib64/ld-linux-x86-64.so.2"

"$SIDEBUNDLE" create -q -r "$R" --out-dir "$outside" --name alt --from-host /usr/bin/sbaltprog \
	>create.out 2>&1 || fail "create: $(cat create.out)"
b=$outside/alt
m=$(cat "$b/manifest.lock")
expect_match $'^symlink\t/usr/lib/x86_64-linux-gnu/libsbalt\\.so\\.1\t\\.\\./\\.\\./\\.\\./etc/alternatives/libsbalt\\.so\\.1\telf$' \
	"$m" "the library's link, relative"
expect_match $'^symlink\t/etc/alternatives/libsbalt\\.so\\.1\t\\.\\./\\.\\./usr/lib/x86_64-linux-gnu/sbalt/libsbalt\\.so\\.1\telf$' \
	"$m" "the alternative's link, relative to the real /usr/lib (not through /lib)"
expect_match $'^symlink\t/lib\tusr/lib\telf$' "$m" "a relative link is kept as it is"
expect_eq "../../../etc/alternatives/libsbalt.so.1" "$(readlink "$b/payload/$lib/libsbalt.so.1")" \
	"the payload holds what the manifest says"
expect_eq "$b/payload/$lib/sbalt/libsbalt.so.1" "$(realpath "$b/payload/$lib/libsbalt.so.1")" \
	"the chain ends inside the payload on disk"
"$SIDEBUNDLE" verify "$b" >verify.out || _sb_bad "verify" ok "$(cat verify.out)"
[ ! -e /etc/alternatives/libsbalt.so.1 ] || fail "the host has the test's alternative"
expect_eq "from the alternative" "$(in_mode host "$b" sbaltprog 2>&1)" "host mode here, where /etc/alternatives has no such link"

# the Debian 11 root (t_launch_oldroot.sh makes and explains it)
root=${SB_CACHE:-/var/cache/sidebundle-test}/bullseye
in_bullseye() {
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME=/root \
		bwrap --ro-bind "$root" / --proc /proc --dev /dev --tmpfs /tmp \
		--ro-bind "$1" /opt --chdir / "${@:2}"
}
if [ -x "$root/bin/sh" ] && bwrap --ro-bind / / true 2>/dev/null; then
	expect_eq "from the alternative" "$(in_bullseye "$b" /opt/bin/sbaltprog 2>&1)" \
		"host mode on Debian 11"
	# real alternatives: libblas.so.3 -> /etc/alternatives/... -> blas/
	blas=/$lib/libblas.so.3
	if [ -L "$blas" ] && readlink "$blas" | grep -q '^/etc/alternatives/' &&
		[ ! -e "$root$blas" ]; then
		printf '%s\n' '#include <stdio.h>' \
			'double ddot_(const int *, const double *, const int *, const double *, const int *);' \
			'int main(void) { double x[] = {1, 2, 3}, y[] = {4, 5, 6}; int n = 3, one = 1;' \
			'printf("%g\n", ddot_(&n, x, &one, y, &one)); return 0; }' >blas.c
		mkdir -p "$outside/bin" && gcc -o "$outside/bin/blasdot" blas.c "$blas" || fail "gcc blas.c"
		"$SIDEBUNDLE" create -q --out-dir "$outside" --name blas --from-host "$outside/bin/blasdot" \
			>blas.out 2>&1 || fail "create blas: $(cat blas.out)"
		expect_eq "32" "$(in_bullseye "$outside/blas" /opt/bin/blasdot 2>&1)" \
			"libblas.so.3 through Debian alternatives, host mode on Debian 11"
	fi
else
	echo "no Debian 11 root in $root (test/mkroot-bullseye makes one): only this host checked"
fi
exit 0
