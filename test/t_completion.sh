# Bash completion (completion/sidebundle.bash) for sbtrace, sidebundle
# and a bundle's launcher, called as bash calls it (COMP_WORDS,
# COMP_CWORD; COMPREPLY checked): options, subcommands, the values of
# options (backends, run modes, files, directories, setting names), the
# launcher's entries, the command after sbtrace's --.  And that it cannot
# drift: every option each --help names, and every subcommand of the man
# pages' SYNOPSIS, is offered; the setting names are layout.h's.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

need bash
comp=$SB_SRC/completion/sidebundle.bash
[ -f "$comp" ] || fail "$comp is missing"
# shellcheck source=../completion/sidebundle.bash
. "$comp"

# offered FN WORD...: COMPREPLY for the last WORD, sorted, one line
offered() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# every_option HELP-TEXT: the options it names (before a description,
# which follows two spaces), found independently of the completion's own
# reading (bracketed groups of flags split)
every_option() {
	sed -E 's/^[[:space:]]*//; s/  .*//' <<<"$1" |
		grep -oE -- '(^|[][ ,|(])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[][ ,|(]//' |
		while read -r o; do
			case $o in
			--*) echo "$o" ;;
			*) for ((i = 1; i < ${#o}; i++)); do echo "-${o:i:1}"; done ;;
			esac
		done | sort -u
}

# has_all WHAT WANTED GOT: every word of WANTED is in GOT
has_all() {
	local w
	for w in $2; do
		[[ " $3 " == *" $w "* ]] || _sb_bad "$1" "$w among the words offered" "$3"
	done
}

SBT=$SB_BUILD/sbtrace
SB=$SB_BUILD/sidebundle

# --- sbtrace
got=$(offered _sbtrace "$SBT" -)
has_all "sbtrace -<TAB>: every option of --help" "$(every_option "$("$SBT" --help)")" "$got"
has_all "sbtrace -<TAB>: the usual ones" "-o -a --all -b --linger -q" "$got"
expect_eq "--linger" "$(offered _sbtrace "$SBT" --lin)" "sbtrace --lin<TAB>"
# the backends as the first -b A|B|C of --help lists them
backends=$("$SBT" --help | grep -oE -- '-b [a-z]+(\|[a-z]+)+' | head -1 | cut -c4- | tr '|' '\n' |
	sort | tr '\n' ' ' | sed 's/ $//')
has_all "sbtrace --help lists the backends" "auto preload ptrace" "$backends"
expect_eq "$backends" "$(offered _sbtrace "$SBT" -b '')" "sbtrace -b <TAB>: the backends"
expect_eq "ptrace" "$(offered _sbtrace "$SBT" -q -b pt)" "sbtrace -q -b pt<TAB>"
mkdir -p dir.d && touch trace.db other.txt
expect_eq "trace.db" "$(offered _sbtrace "$SBT" -o tr)" "sbtrace -o <TAB>: files"
expect_eq "" "$(offered _sbtrace "$SBT" --linger '')" "sbtrace --linger <TAB>: nothing to offer"
has_all "sbtrace -- <TAB>: commands" "cat sh" "$(offered _sbtrace "$SBT" -q -- '')"
has_all "sbtrace COMMAND: commands" "cat" "$(offered _sbtrace "$SBT" -o x.db ca)"
has_all "sbtrace -- cat <TAB>: its arguments, files" "trace.db other.txt" \
	"$(offered _sbtrace "$SBT" -- cat '')"
# subcommands: those of the man page's SYNOPSIS (".Nm" then ".Cm NAME")
subs() {
	awk '/^\.Sh SYNOPSIS/ { s = 1; next } /^\.Sh/ { s = 0 }
	s && prev == ".Nm" && $1 == ".Cm" { print $2 } { prev = $0 }' "$1" | sort -u | tr '\n' ' '
}
has_all "sbtrace <TAB>: the subcommands of sbtrace(1)" "$(subs "$SB_SRC/man/sbtrace.1")" \
	"$(offered _sbtrace "$SBT" '')"

# --- sidebundle
got=$(offered _sidebundle "$SB" '')
has_all "sidebundle <TAB>: the subcommands of sidebundle(1)" "$(subs "$SB_SRC/man/sidebundle.1")" "$got"
has_all "sidebundle <TAB>: the usual ones" "deps create verify check --help --version" "$got"
for sub in $(subs "$SB_SRC/man/sidebundle.1"); do
	has_all "sidebundle $sub -<TAB>: every option of its --help" \
		"$(every_option "$("$SB" "$sub" --help 2>&1 | grep -v 'invalid option')")" \
		"$(offered _sidebundle "$SB" "$sub" -)"
done
got=$(offered _sidebundle "$SB" create --run-)
has_all "create --run-<TAB>" "--run-mode --run-no-net --run-clean-env --run-bind --run-ro-bind --run-workspace" "$got"
expect_eq "bwrap chroot host" "$(offered _sidebundle "$SB" create --run-mode '')" \
	"create --run-mode <TAB>: the modes"
expect_eq "auto off preload ptrace" "$(offered _sidebundle "$SB" create -q --trace-backend '')" \
	"create --trace-backend <TAB>"
expect_eq "dir.d" "$(offered _sidebundle "$SB" create --out-dir d)" "create --out-dir <TAB>: directories"
expect_eq "dir.d" "$(offered _sidebundle "$SB" create --run-workspace d)" "create --run-workspace <TAB>"
expect_eq "trace.db" "$(offered _sidebundle "$SB" create --db tr)" "create --db <TAB>: files"
expect_eq "SIDEBUNDLE_NET=" "$(offered _sidebundle "$SB" create --set-env SIDEBUNDLE_N)" \
	"create --set-env SIDEBUNDLE_N<TAB>: the setting"
expect_eq "dir.d" "$(offered _sidebundle "$SB" verify d)" "verify <TAB>: a bundle directory"
expect_eq "other.txt" "$(offered _sidebundle "$SB" deps -r / ot)" "deps -r / <TAB>: files"

# the settings offered are layout.h's
want=$(sed -nE 's/^#define SB_ENV_[A-Z_]+ "(SIDEBUNDLE_[A-Z_]+)".*/\1/p' "$SB_SRC/common/layout.h" |
	grep -v '^SIDEBUNDLE_PAYLOAD$' | sort | tr '\n' ' ')
expect_eq "$want" "$(printf '%s\n' $_sb_settings | sort | tr '\n' ' ')" \
	"the completion's settings are common/layout.h's"

# --- a bundle's launcher
"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name b --from-host /bin/true \
	--from-host /bin/sh >create.out 2>&1 || fail "create: $(cat create.out)"
L=$PWD/b/bin/.sidebundle-launcher
got=$(offered _sidebundle_launcher "$L" -)
has_all "launcher -<TAB>: every option of its --help" "$(every_option "$("$L" --help)")" "$got"
has_all "launcher -<TAB>" "--mode --no-net --clean-env --bind --ro-bind --workspace --home" "$got"
expect_eq "sh true" "$(offered _sidebundle_launcher "$L" '')" "launcher <TAB>: the bundle's entries"
expect_eq "sh true" "$(offered _sidebundle_launcher "$L" --no-net --bind /a /b '')" \
	"launcher options <TAB>: the entries after --bind's two arguments"
expect_eq "bwrap chroot host" "$(offered _sidebundle_launcher "$L" --mode '')" "launcher --mode <TAB>"
expect_eq "dir.d" "$(offered _sidebundle_launcher "$L" --workspace d)" "launcher --workspace <TAB>"
expect_eq "other.txt" "$(offered _sidebundle_launcher "$L" --ro-bind ot)" "launcher --ro-bind <TAB>: SRC"
expect_eq "other.txt" "$(offered _sidebundle_launcher "$L" sh ot)" "launcher ENTRY <TAB>: its arguments"
# through a path with ~, as typed
rel=${L#"$HOME"}
if [ "$rel" != "$L" ]; then
	expect_eq "sh true" "$(offered _sidebundle_launcher "~$rel" '')" "launcher typed with ~"
fi

# registered for each name
expect_match '_sbtrace sbtrace$' "$(complete -p sbtrace)" "complete -F _sbtrace sbtrace"
expect_match '_sidebundle sidebundle$' "$(complete -p sidebundle)" "complete -F _sidebundle sidebundle"
expect_match '_sidebundle_launcher' "$(complete -p .sidebundle-launcher)" "the launcher's name"
exit 0
