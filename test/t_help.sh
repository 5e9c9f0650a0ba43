# --help and --version.
. "$SB_SRC/test/lib.sh"

out=$("$SBTRACE" --help 2>&1)
expect_eq 0 "$?" "--help: exit status"
expect_match '^[Uu]sage: sbtrace ' "$out" "--help: usage line"
for opt in -o -a --all -b --linger -q; do
	expect_match "$opt" "$out" "--help mentions $opt"
done
version=$(sed -n 's/^VERSION := //p' "$SB_SRC/GNUmakefile")
out=$("$SBTRACE" --version 2>&1)
expect_eq 0 "$?" "--version: exit status"
expect_match "^sbtrace .*$version" "$out" "--version"
