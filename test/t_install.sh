# make install PREFIX= DESTDIR= puts sbtrace, libsbtrace.so,
# libsbtrace-audit.so and the man pages in place, and the installed sbtrace finds the installed library
# (not the build tree's), even when the tree is moved after DESTDIR.
# The bash completion goes to bash-completion's directory under PREFIX,
# under each command's name, and works from there; make uninstall
# removes every file install put in place.
. "$SB_SRC/test/lib.sh"
need make

dest=$PWD/dest
# make check runs us under make: keep its jobserver and level out.
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	make -s -C "$SB_SRC" B="$(make_b)" PREFIX=/opt/sb DESTDIR="$dest" install >install.log 2>&1 ||
	fail "make install: $(cat install.log)"

expect_eq yes "$([ -x "$dest/opt/sb/bin/sbtrace" ] && echo yes)" "bin/sbtrace installed"
expect_eq yes "$([ -f "$dest/opt/sb/lib/sidebundle/libsbtrace.so" ] && echo yes)" "libsbtrace.so installed"
expect_eq yes "$([ -f "$dest/opt/sb/lib/sidebundle/libsbtrace-audit.so" ] && echo yes)" \
	"libsbtrace-audit.so installed"
for m in sbtrace.1 sbtrace-report.1 libsbtrace.7 sbtrace-db.5 sbtrace-wire.5 sidebundle.1 \
	sidebundle-deps.1 sidebundle-show.1 sidebundle-manifest.5; do
	s=${m##*.}
	expect_eq yes "$([ -f "$dest/opt/sb/share/man/man$s/$m" ] && echo yes)" "man page $m"
done

# The installed tree, moved: sbtrace must use the library beside it.
mv "$dest/opt/sb" "$PWD/moved"
unset SBTRACE_LIB
"$PWD/moved/bin/sbtrace" -q -o "$DB" -- /bin/cat /etc/hostname >/dev/null ||
	fail "installed sbtrace failed"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"installed sbtrace traced cat"
# the tracer's own library is no load of the trace: the environment
# says which one the command got
env_out=$("$PWD/moved/bin/sbtrace" -q -o "$DB" -- /usr/bin/env)
expect_match "^LD_PRELOAD=$PWD/moved/lib/sidebundle/libsbtrace.so\$" "$env_out" \
	"the installed library was the one loaded"
expect_match "^LD_AUDIT=$PWD/moved/lib/sidebundle/libsbtrace-audit.so\$" "$env_out" \
	"the installed audit module was the one used"
expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE path LIKE '%/libsbtrace%'")" \
	"the installed library is not in the trace"

# --- the bash completion, and make uninstall
dest2=$PWD/dest2
mk() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$SB_SRC" B="$(make_b)" PREFIX=/opt/sb \
		DESTDIR="$dest2" "$@" >>install2.log 2>&1 || fail "make $*: $(cat install2.log)"
}
mk install
compdir=$(pkg-config --define-variable=prefix=/opt/sb --variable=completionsdir bash-completion \
	2>/dev/null) || compdir=/opt/sb/share/bash-completion/completions
[ -n "$compdir" ] || compdir=/opt/sb/share/bash-completion/completions
for c in sidebundle sbtrace .sidebundle-launcher; do
	expect_eq yes "$([ -f "$dest2$compdir/$c" ] && echo yes)" "completion installed as $c"
done
got=$(bash -c '. "$1"; COMP_WORDS=("$2" -b ""); COMP_CWORD=2; _sbtrace; echo "${COMPREPLY[*]}"' \
	sh "$dest2$compdir/sbtrace" "$dest2/opt/sb/bin/sbtrace")
expect_match '^auto preload ptrace( |$)' "$got" "the installed completion, with the installed sbtrace"
expect_ne "" "$(find "$dest2" ! -type d)" "install put files in place"
mk uninstall
expect_eq "" "$(find "$dest2" ! -type d)" "make uninstall leaves no file and no link"
expect_eq no "$([ -e "$dest2/opt/sb/lib/sidebundle" ] && echo yes || echo no)" \
	"make uninstall removes the library directory"
