# create -r ROOT takes the packages from ROOT's dpkg database, not the
# host's: a merged /usr root whose list says /bin/busybox attributes
# /usr/bin/busybox, with the root's version; a diversion moves a file
# to the package that shipped it; a root without a database makes a
# bundle without packages and says nothing; a malformed one a warning
# that says what happened, and the bundle all the same.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

bb=$(command -v busybox) || skip "busybox is not installed"
file -L "$bb" | grep -q 'statically linked' || skip "$bb is not static"

R=$PWD/root
mkdir -p "$R/usr/bin" "$R/usr/share/doc/sbtest" "$R/var/lib/dpkg/info"
ln -s usr/bin "$R/bin"
cp "$bb" "$R/usr/bin/busybox"
printf 'real\n' >"$R/usr/share/doc/sbtest/notes.distrib"
printf 'mine\n' >"$R/usr/share/doc/sbtest/notes"
cat >"$R/var/lib/dpkg/status" <<'EOF'
Package: busybox-static
Status: install ok installed
Architecture: amd64
Version: 1:9.99-sbtest
Description: a test
 of a continuation line

Package: sbdocs
Status: install ok installed
Architecture: all
Version: 2.0

Package: sbdivert
Status: install ok installed
Architecture: all
Version: 3.0
EOF
printf '/.\n/bin\n/bin/busybox\n' >"$R/var/lib/dpkg/info/busybox-static.list"
printf '/usr/share/doc/sbtest/notes\n' >"$R/var/lib/dpkg/info/sbdocs.list"
printf '/usr/share/doc/sbtest/notes\n' >"$R/var/lib/dpkg/info/sbdivert.list"
printf '/usr/share/doc/sbtest/notes\n/usr/share/doc/sbtest/notes.distrib\nsbdivert\n' \
	>"$R/var/lib/dpkg/diversions"

"$SIDEBUNDLE" create --no-check -r "$R" --out-dir out --name bb --from-host /bin/busybox \
	--include /usr/share/doc/sbtest >create.out 2>&1 || fail "create: $(cat create.out)"
expect_nomatch 'attributed' "$(cat create.out)" "no word about packages"
m=$(cat out/bb/manifest.lock)
expect_match $'^file\t/usr/bin/busybox\t0755\t[0-9]+\t[0-9a-f]{64}\telf\tbusybox-static$' "$m" \
	"the root's list says /bin/busybox: /usr/bin/busybox is busybox-static's"
expect_match $'^package\tbusybox-static\t1:9\\.99-sbtest$' "$m" "the root's version, not the host's"
# sbdivert diverted sbdocs' notes to notes.distrib and ships its own
expect_match $'^file\t/usr/share/doc/sbtest/notes\t.*\tinclude\tsbdivert$' "$m" \
	"the diverting package keeps the path"
expect_match $'^file\t/usr/share/doc/sbtest/notes\\.distrib\t.*\tinclude\tsbdocs$' "$m" \
	"the diverted file is the shipping package's"
expect_match $'^symlink\t/bin\tusr/bin\telf$' "$m" "a link to a directory: no package"
out=$("$SIDEBUNDLE" show out/bb)
expect_match '^ +[0-9]+  busybox-static +/usr/bin/busybox  \(entry busybox\)$' "$out" "show"
expect_match ' /usr/share/doc/sbtest/notes  \(--include /usr/share/doc/sbtest\)$' "$out" \
	"show: the reason of an --include"
expect_match '1 file +busybox-static 1:9\.99-sbtest$' "$out" "show: the package and version"

# no database: no packages, no message
rm -r "$R/var/lib/dpkg"
"$SIDEBUNDLE" create --no-check -r "$R" --out-dir out --name none --from-host /usr/bin/busybox \
	>create.out 2>&1 || fail "create without dpkg: $(cat create.out)"
expect_nomatch 'attributed|dpkg' "$(cat create.out)" "nothing said of a root without dpkg"
expect_nomatch $'^package\t' "$(cat out/none/manifest.lock)" "no package records"
expect_match $'^file\t/usr/bin/busybox\t0755\t[0-9]+\t[0-9a-f]{64}\telf$' \
	"$(cat out/none/manifest.lock)" "no package field"
expect_match '^packages: +none recorded' "$("$SIDEBUNDLE" show out/none)" "show says so"
"$SIDEBUNDLE" create --no-check -v -r "$R" --out-dir out --name none --from-host /usr/bin/busybox \
	>create.out 2>&1 || fail "create -v without dpkg: $(cat create.out)"
expect_match "^sidebundle: no dpkg database \\($R/var/lib/dpkg: No such file or directory\\): files are not attributed to packages\$" \
	"$(cat create.out)" "-v says why"

# a malformed database: a warning, and the bundle without packages
mkdir -p "$R/var/lib/dpkg"
printf 'Package: x\nnot a field\n' >"$R/var/lib/dpkg/status"
"$SIDEBUNDLE" create --no-check -r "$R" --out-dir out --name bad --from-host /usr/bin/busybox \
	>create.out 2>&1 || fail "create with a bad status: $(cat create.out)"
expect_match "^sidebundle: warning: files are not attributed to packages: $R/var/lib/dpkg/status line 2: not a field; the bundle is made without them\$" \
	"$(cat create.out)" "a malformed status: the warning"
expect_nomatch $'^package\t' "$(cat out/bad/manifest.lock)" "a malformed status: no packages"
"$SIDEBUNDLE" verify out/bad >/dev/null || _sb_bad "verify" "ok" "differences"
exit 0
