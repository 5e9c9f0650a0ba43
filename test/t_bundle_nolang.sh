# python3 bundled from an environment without LANG (env -i, as in CI or
# cron) starts in an empty root and in host, bwrap and chroot modes:
# Python coerces the C locale to C.UTF-8, after which glibc reads
# /usr/lib/locale/C.utf8 by itself, and the bundle always has it.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
[ -d /usr/lib/locale/C.utf8 ] || skip "no C.UTF-8 locale on this host"
code='import json, sys; print(sys.getfilesystemencoding(), sys.stdout.encoding, json.dumps(["é"]))'
env -i PATH=/usr/bin:/bin HOME=/nonexistent "$SIDEBUNDLE" create -q --no-check --out-dir out --name py \
	--from-host "/usr/bin/python3::trace=-c 'import json'" >create.out 2>&1 ||
	fail "create: $(cat create.out)"
b=$PWD/out/py
# by rule (or by the trace, where the library records glibc's reads)
expect_match $'^dir\t/usr/lib/locale/C\\.utf8\t[0-7]+\t(rule|trace)$' "$(cat "$b/manifest.lock")" \
	"C.UTF-8 is bundled, with no LANG anywhere"
expect_match $'^file\t/usr/lib/locale/C\\.utf8/LC_CTYPE\t' "$(cat "$b/manifest.lock")" "... with its LC_CTYPE"

want='utf-8 utf-8 ["\u00e9"]'
expect_eq "$want" "$(on_host /usr/bin/python3 -c "$code" 2>&1)" "python3 on the host (LC_ALL=C)"
need_bwrap
expect_eq "$want" "$(in_empty_root "$b/payload" --unsetenv LC_ALL -- /usr/bin/python3 -c "$code" 2>&1)" \
	"python3 in an empty root, no LANG"
for mode in host bwrap; do
	got=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent SIDEBUNDLE_RUN_MODE=$mode \
		"$b/bin/python3" -c "$code" 2>&1)
	expect_eq "$want" "$got" "python3 in $mode mode, no LANG"
done
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	got=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent SIDEBUNDLE_RUN_MODE=chroot \
		"$b/bin/python3" -c "$code" 2>&1)
	expect_eq "$want" "$got" "python3 in chroot mode, no LANG"
fi

exit 0
