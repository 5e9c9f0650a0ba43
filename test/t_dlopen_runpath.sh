# A library that dlopens a bare name finds it through its own RUNPATH
# ($ORIGIN/sub here): the C library learns the caller from dlopen's
# return address, so the wrapper must not stand in between.  Traced,
# the load still shows (the audit module's search and load rows).
. "$SB_SRC/test/lib.sh"
need cc
mkdir -p lib/sub
cat >b.c <<'EOS'
int b_value(void) { return 42; }
EOS
cat >a.c <<'EOS'
#include <dlfcn.h>
int a_value(void)
{
	void *h = dlopen("libb.so", RTLD_NOW);
	int (*f)(void) = h ? (int (*)(void))dlsym(h, "b_value") : 0;
	return f ? f() : -1;
}
EOS
cat >main.c <<'EOS'
#include <stdio.h>
int a_value(void);
int main(void) { printf("%d\n", a_value()); return 0; }
EOS
cc -shared -fPIC -o lib/sub/libb.so b.c || fail "cc libb"
cc -shared -fPIC -o lib/liba.so a.c -Wl,-rpath,'$ORIGIN/sub' -Wl,--enable-new-dtags -ldl ||
	fail "cc liba"
cc -o main main.c -Llib -la -Wl,-rpath,"$PWD/lib" || fail "cc main"
expect_eq 42 "$(./main)" "untraced, liba finds libb by its RUNPATH"
expect_eq 42 "$(trace ./main)" "traced, the same"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND path = '$PWD/lib/sub/libb.so'")" \
	"the load of libb recorded"
# a path is still called and recorded by the wrapper
cat >abs.c <<EOS
#include <dlfcn.h>
#include <stdio.h>
int main(void) { printf("%s\\n", dlopen("$PWD/nothere.so", RTLD_NOW) ? "found" : "missing"); return 0; }
EOS
cc -o abs abs.c -ldl || fail "cc abs"
expect_eq missing "$(trace ./abs)" "dlopen of a missing path"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'dlopen' AND path = '$PWD/nothere.so'
	AND result = 2")" "its dlopen row, ENOENT"

# The same in a bundle run in host mode, where host mode's shim wraps
# dlopen: the bare name still goes by liba's RUNPATH, in the payload.
if [ -x "$SB_BUILD/sidebundle" ] && [ -x "$SB_BUILD/sidebundle-launcher" ]; then
	# what the trace reads under the test directory (/tmp, the trace's
	# cwd) is left out: the libraries go in with --copy-dir
	"$SB_BUILD/sidebundle" create -q --no-check --out-dir out --name m --from-host "$PWD/main" \
		--copy-dir "$PWD/lib" --run-mode host >create.log 2>&1 || fail "create: $(cat create.log)"
	mv lib lib.away # only the payload's copies are there now
	expect_eq 42 "$(out/m/bin/main)" "host mode: liba finds libb by its RUNPATH in the payload"
	mv lib.away lib
fi
