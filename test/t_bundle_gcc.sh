# gcc bundled from a trace of a hello-world build compiles and links in an
# empty root: cc1, as, collect2 and ld come from the trace, their
# libraries from static analysis of what the trace ran.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

need gcc
printf '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n' >hello.c
"$SIDEBUNDLE" create -q --out-dir out --name gcc --from-host /usr/bin/gcc --from-host /bin/sh \
	--trace "gcc -o $PWD/hello $PWD/hello.c && $PWD/hello" >create.out 2>&1 ||
	fail "create: $(cat create.out)"
m=$(cat out/gcc/manifest.lock)
expect_match $'^file\t[^\t]*/cc1\t' "$m" "cc1 bundled"
expect_match $'^file\t[^\t]*/stdio\\.h\t' "$m" "stdio.h bundled"
expect_match $'^file\t[^\t]*crt1\\.o\t' "$m" "crt1.o or Scrt1.o bundled"
expect_nomatch "$PWD/hello" "$m" "the build's output and input (under /tmp) are left out"

need_bwrap
host=$(./hello)
got=$(in_empty_root out/gcc/payload --ro-bind "$PWD/hello.c" /tmp/hello.c -- \
	/bin/sh -c 'cd /tmp && gcc -o x hello.c && ./x' 2>&1)
expect_eq "$host" "$got" "gcc builds and runs hello in an empty root"
