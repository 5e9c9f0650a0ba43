# sidebundle --help and each subcommand's --help and -h: exit 0, the
# usage line as sidebundle(1)'s SYNOPSIS has it, every option with a
# line of its own; an unknown option or command: exit 2, getopt's
# message naming the program as "sidebundle", not by its path.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

out=$("$SIDEBUNDLE" --help)
expect_eq 0 "$?" "--help: exit status"
for c in deps create verify check show pack; do
	expect_match "^  $c +[a-z]" "$out" "--help names $c with what it does"
	expect_match "^(usage:|      ) sidebundle $c " "$out" "--help: the usage of $c"
done

# opts CMD OPTION...: CMD --help lists each OPTION at a line's start
opts() {
	local c=$1 h o
	shift
	for h in --help -h; do
		out=$("$SIDEBUNDLE" "$c" "$h" 2>&1)
		expect_eq 0 "$?" "$c $h: exit status"
		expect_match "^usage: sidebundle $c" "$out" "$c $h: the usage line"
	done
	for o in "$@"; do
		expect_match "^  $o( |,)" "$out" "$c --help: $o has a line"
	done
	expect_match '^  -h, --help ' "$out" "$c --help: -h"
}
opts deps -l '-r ROOT'
opts create '--out-dir DIR' '--name NAME' '--from-host PATH\[::trace=ARGS\]' "--trace 'SHELL COMMAND'" \
	'--db TRACE\.db' '--trace-backend B' '--run-mode M' '--copy-dir SRC\[:DEST\]' \
	'--include GLOB' '--exclude GLOB' '--set-env K=V' '--check' '-r ROOT' '-q' '-v' \
	--run-no-net --run-clean-env '--run-bind SRC\[:DEST\]' '--run-ro-bind SRC\[:DEST\]' \
	'--run-workspace DIR' '--from-image REF\[::PATH\]\[::trace\[=ARGS\]\]' '--image-max-size BYTES'
opts verify
opts check -v
opts show --json '-n N'
opts pack '-o FILE' '-e ENTRY' '-l LEVEL' -q

# every usage line, as the man page's SYNOPSIS (mandoc renders it)
if command -v mandoc >/dev/null; then
	# compared without blanks: mandoc spaces "FILE ..." and wraps lines
	syn=$(mandoc -T ascii "$SB_SRC/man/sidebundle.1" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' |
		tr -d ' \t\n')
	for c in deps verify check show pack; do
		u=$("$SIDEBUNDLE" "$c" --help | head -1 | sed 's/^usage: //' | tr -d ' ')
		case $syn in
		*"$u"*) ;;
		*) _sb_bad "$c: the usage line in sidebundle(1)" "$u" "$syn" ;;
		esac
	done
fi

for c in deps create verify check show pack; do
	rc=0
	"$SIDEBUNDLE" "$c" -Z x >/dev/null 2>err || rc=$?
	expect_eq 2 "$rc" "$c -Z: exit status"
	expect_match "^sidebundle: invalid option -- 'Z'$" "$(cat err)" "$c -Z: getopt names sidebundle"
	expect_nomatch "$SB_BUILD|^$c:" "$(cat err)" "$c -Z: not by its path, nor the command's name"
done
rc=0
"$SIDEBUNDLE" show --bogus x >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "--bogus: exit status"
expect_match "^sidebundle: unrecognized option '--bogus'$" "$(cat err)" "--bogus: said"
rc=0
"$SIDEBUNDLE" frobnicate >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "an unknown command"
expect_match '^sidebundle: unknown command frobnicate$' "$(cat err)" "an unknown command: said"
exit 0
