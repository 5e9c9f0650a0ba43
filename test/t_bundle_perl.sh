# perl -MPOSIX bundled from a trace runs in an empty root.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

[ -x /usr/bin/perl ] || skip "/usr/bin/perl is not installed"
code='print floor(7.5), " ", strftime("%Y-%m-%d", gmtime(86400)), " ", POSIX::INT_MAX, "\n"'
"$SIDEBUNDLE" create -q --out-dir out --name perl \
	--from-host "/usr/bin/perl::trace=-MPOSIX -e '$code'" >create.out 2>&1 ||
	fail "create: $(cat create.out)"
expect_match $'^file\t[^\t]*/POSIX\\.so\t' "$(cat out/perl/manifest.lock)" "POSIX.so bundled"

need_bwrap
host=$(on_host /usr/bin/perl -MPOSIX -e "$code" 2>&1)
got=$(in_empty_root out/perl/payload -- /usr/bin/perl -MPOSIX -e "$code" 2>&1)
expect_eq "$host" "$got" "perl -MPOSIX in an empty root"
expect_eq "7 1970-01-02 2147483647" "$got" "perl output"
