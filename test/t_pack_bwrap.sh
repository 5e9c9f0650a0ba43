# A single-file bundle in bwrap mode: chosen at run time or by the
# bundle's run mode, it runs in the sandbox made of the extracted
# payload, which holds none of the host's files.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
need_bwrap

"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name tools --from-host /bin/sh \
	--from-host /usr/bin/sort >create.out 2>&1 || fail "create: $(cat create.out)"
"$SIDEBUNDLE" create -q --no-check --run-mode bwrap --out-dir "$PWD" --name bw \
	--from-host /bin/sh >create2.out 2>&1 || fail "create: $(cat create2.out)"
"$SIDEBUNDLE" pack -q -l 3 -o tools.pack tools || fail "pack"
"$SIDEBUNDLE" pack -q -l 3 -o bw.pack bw || fail "pack"
mkdir home
pk() {
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/cache" "$@"
}
probe='for p in /usr/bin/dash /usr/bin/python3 /etc/hostname; do [ -e $p ] && echo $p; done; printf "b\na\n" | sort'
[ -e /usr/bin/python3 ] || [ -e /etc/hostname ] || skip "the host has neither probe file"
expect_eq $'/usr/bin/dash\na\nb' "$(pk env SIDEBUNDLE_RUN_MODE=bwrap ./tools.pack -c "$probe")" \
	"SIDEBUNDLE_RUN_MODE=bwrap: the payload alone is /"
expect_eq "/usr/bin/dash" "$(pk ./bw.pack -c "$probe" 2>/dev/null | head -n 1)" \
	"a bundle made with --run-mode bwrap runs in bwrap"
rc=0
pk env SIDEBUNDLE_RUN_MODE=bwrap ./tools.pack -c 'exit 5' || rc=$?
expect_eq 5 "$rc" "bwrap mode: the exit status passes through"
ln -s tools.pack sort
expect_eq $'a\nb' "$(printf 'b\na\n' | pk env SIDEBUNDLE_RUN_MODE=bwrap ./sort)" \
	"bwrap mode, linked as sort: sort"
