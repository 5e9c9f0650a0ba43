# --help and -h, --version, and getopt's own errors named by the
# program's name rather than the path it was run by.
. "$SB_SRC/test/lib.sh"

out=$("$SBTRACE" --help 2>&1)
expect_eq 0 "$?" "--help: exit status"
expect_match '^[Uu]sage: sbtrace ' "$out" "--help: usage line"
# every option on a line of its own, with what it does
for opt in '-o FILE.db' '-a' '--all' '-b BACKEND' '-e EXPR' \
	'--exclude-path PREFIX' '-p PID' '-f' '--linger SECONDS' '-q' '-h, --help' '--version'; do
	expect_match "^  $opt +[a-z(][a-z]* " "$out" "--help describes $opt"
done
expect_match '^  sbtrace report DB +.*sbtrace-report\(1\)' "$out" "--help names the report subcommand"
expect_eq "$out" "$("$SBTRACE" -h 2>&1)" "-h is --help"
"$SBTRACE" -h >/dev/null 2>&1
expect_eq 0 "$?" "-h: exit status"

version=$(sed -n 's/^VERSION := //p' "$SB_SRC/GNUmakefile")
out=$("$SBTRACE" --version 2>&1)
expect_eq 0 "$?" "--version: exit status"
expect_match "^sbtrace .*$version" "$out" "--version"

# getopt's messages: "sbtrace: ...", not "/path/to/build/sbtrace: ..."
rc=0
err=$("$SBTRACE" -x -- true 2>&1) || rc=$?
expect_eq 2 "$rc" "-x: exit status"
expect_eq "sbtrace: invalid option -- 'x'" "$(printf '%s\n' "$err" | head -n 1)" "-x: message"
rc=0
err=$("$SBTRACE" --bogus -- true 2>&1) || rc=$?
expect_eq 2 "$rc" "--bogus: exit status"
expect_eq "sbtrace: unrecognized option '--bogus'" "$(printf '%s\n' "$err" | head -n 1)" "--bogus: message"
rc=0
err=$("$SBTRACE" -o 2>&1) || rc=$?
expect_eq 2 "$rc" "-o without its argument: exit status"
expect_eq "sbtrace: option requires an argument -- 'o'" "$(printf '%s\n' "$err" | head -n 1)" \
	"-o without its argument: message"
