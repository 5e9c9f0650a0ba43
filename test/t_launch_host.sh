# Host mode: bin/<entry> are symlinks to one static launcher; python3,
# perl and sh with sed and sort give the host's output; exit status and
# signals pass through; argv[0] is the name called; no LD_LIBRARY_PATH
# reaches a child; the bundle works moved and through a symlink on PATH;
# the shim runs payload programs executed by absolute path through the
# bundled loader, maps payload files, and keeps itself out of host
# programs.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3 perl
make_tools_bundle "$PWD"
b=$PWD/tools

# the layout: one static launcher, entries are relative links to it
expect_eq ".sidebundle-launcher" "$(readlink "$b/bin/python3")" "bin/python3 links to the launcher"
expect_eq ".sidebundle-launcher" "$(readlink "$b/bin/sh")" "bin/sh links to the launcher"
if command -v readelf >/dev/null 2>&1; then
	expect_eq 0 "$(readelf -lW "$b/bin/.sidebundle-launcher" | grep -c 'INTERP\|DYNAMIC')" \
		"the launcher is static"
fi
expect_eq "$(cat "$LAUNCHER" | od -An -tx1 | md5sum)" "$(od -An -tx1 <"$b/bin/.sidebundle-launcher" | md5sum)" \
	"the launcher is a copy of the built one"

check_programs host "$b"

# argv[0]: the name the entry was called by
expect_eq "$b/bin/sh" "$(in_mode host "$b" sh -c 'echo $0')" "argv[0] is the path called"
# no LD_LIBRARY_PATH, no loader variables reach a child process
got=$(in_mode host "$b" python3 -c 'import os, subprocess
print(os.environ.get("LD_LIBRARY_PATH"), os.environ.get("LD_PRELOAD"), flush=True)
subprocess.run(["/bin/sh", "-c", "echo ${LD_LIBRARY_PATH:-none}"])')
expect_eq $'None None\nnone' "$got" "no LD_LIBRARY_PATH in the entry nor its child"
# python finds its bundled standard library, not the host's
expect_eq "$b/payload/usr" "$(in_mode host "$b" python3 -c 'import sys; print(sys.prefix)')" \
	"python3's prefix is the payload's"
# the bundled loader runs it, with the bundled libc
maps=$(in_mode host "$b" sh -c 'cat /proc/$$/maps')
expect_match "$b/payload/.*ld-linux" "$maps" "the bundled ld.so is mapped"
expect_match "$b/payload/.*libc\\.so\\.6" "$maps" "the bundled libc is mapped"
expect_nomatch ' /(usr/)?lib/x86_64-linux-gnu/libc\.so' "$maps" "the host's libc is not mapped"

# the shim: a payload program executed by absolute path starts through
# the bundled loader with the shim; a host program gets neither the
# loader nor SIDEBUNDLE_PAYLOAD
expect_eq ".sidebundle-shim.so" "$(cd "$b/bin" && ls -A | grep shim)" "bin/ holds the shim"
maps=$(in_mode host "$b" sh -c 'exec /bin/sh -c "cat /proc/\$\$/maps"')
expect_match "$b/payload/.*ld-linux" "$maps" "/bin/sh executed by path runs through the bundled ld.so"
expect_match "$b/bin/\.sidebundle-shim\.so" "$maps" "... with the shim preloaded"
[ ! -e "$b/payload/usr/bin/printenv" ] || fail "printenv is in the payload: pick another host program"
expect_eq "none" "$(in_mode host "$b" python3 -c 'import subprocess
subprocess.run(["/bin/sh", "-c", "/usr/bin/printenv SIDEBUNDLE_PAYLOAD || echo none"])')" \
	"a host program started from a bundled shell does not see SIDEBUNDLE_PAYLOAD"
expect_match "^$b/payload:/usr/bin/python3:" "$(in_mode host "$b" python3 -c 'import os; print(os.environ["SIDEBUNDLE_PAYLOAD"])')" \
	"the entry gets SIDEBUNDLE_PAYLOAD"
# paths: the payload's file by absolute path, system() and popen()
expect_eq "$(cat "$b/payload/usr/lib/python3.11/os.py" | md5sum)" \
	"$(in_mode host "$b" sh -c 'cat /usr/lib/python3.11/os.py' | md5sum)" "a payload file read by absolute path"
expect_eq "yes yes" "$(in_mode host "$b" python3 -c 'import os, sys
os.system("grep -q " + sys.argv[1] + "/payload/.*ld-linux /proc/$$/maps && echo yes")
print(os.popen("grep -q " + sys.argv[1] + "/payload/.*ld-linux /proc/$$/maps && echo yes").read().strip(), flush=True)' "$b" | tr '\n' ' ' | sed 's/ $//')" \
	"os.system and os.popen run the bundled /bin/sh"
if [ -x "$b/bin/gcc" ]; then
	printf '%s\n' "$HELLO_C" >hello.c
	in_mode host "$b" gcc -o hello hello.c || fail "gcc in host mode"
	expect_eq "hello, world" "$(./hello)" "gcc builds hello world in host mode"
	expect_eq "/usr/lib/gcc/x86_64-linux-gnu" \
		"$(in_mode host "$b" gcc -print-prog-name=cc1 | grep -o '^/usr/lib/gcc/[^/]*')" \
		"gcc finds cc1 at its standard path, not relative to bin/"
fi

# --set-env values reach the program
"$SIDEBUNDLE" create -q --out-dir "$PWD" --name envb --from-host /bin/sh \
	--set-env GREETING=hello --set-env SIDEBUNDLE_NET=1 >create2.out 2>&1 ||
	fail "create: $(cat create2.out)"
expect_eq "hello/" "$(GREETING=bye envb/bin/sh -c 'echo $GREETING/$SIDEBUNDLE_NET')" \
	"--set-env overrides, SIDEBUNDLE_* settings are not exported"

# moved, then called through a symlink on PATH under another name
mv "$b" "$PWD/moved"
mkdir pathdir
ln -s "$PWD/moved/bin/sh" pathdir/mysh
expect_eq "moved mysh" "$(PATH=$PWD/pathdir:/usr/bin:/bin mysh -c 'echo moved $0')" \
	"a moved bundle through a symlink on PATH"
expect_eq "direct" "$("$PWD/moved/bin/.sidebundle-launcher" sh -c 'echo direct')" \
	"the launcher called directly takes the entry as its first argument"

# errors
rc=0
out=$(SIDEBUNDLE_RUN_MODE=nope "$PWD/moved/bin/sh" -c true 2>&1) || rc=$?
expect_eq 2 "$rc" "bad SIDEBUNDLE_RUN_MODE: exit 2"
expect_match 'SIDEBUNDLE_RUN_MODE=nope \(in the environment\): want host, bwrap or chroot' "$out" "bad mode message"
rc=0
out=$("$PWD/moved/bin/.sidebundle-launcher" nosuch 2>&1) || rc=$?
expect_eq 127 "$rc" "no such entry: exit 127"
expect_match 'no entry named nosuch' "$out" "no such entry message"
cp -a "$PWD/moved" broken
printf 'sidebundle-manifest\t9\n' >broken/manifest.lock
rc=0
out=$(broken/bin/sh -c true 2>&1) || rc=$?
expect_eq 126 "$rc" "unreadable manifest: exit 126"
expect_match 'manifest.lock: line 1: unsupported manifest version' "$out" "manifest version message"
exit 0
