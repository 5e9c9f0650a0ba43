# bash completion for sbtrace(1), sidebundle(1) and a bundle's launcher
# (DIR/NAME/bin/.sidebundle-launcher, sidebundle-launcher(7)).
#
# The options, the values of those that take a list (-b auto|preload|ptrace)
# and the subcommands are read from the program's own --help (and
# `PROG SUBCOMMAND --help`) the first time they are needed, so they follow
# the program as it changes; only the kind of value a metavariable names
# (DIR: directories, FILE: files, PID: processes) and the launcher's
# setting names are written here.  Installed once and linked as sbtrace
# and .sidebundle-launcher, so bash-completion's loader finds it by any
# of the three names.  Works without bash-completion too.

# The SIDEBUNDLE_* settings, offered for create --set-env; test/t_completion.sh
# checks them against common/layout.h.
_sb_settings="SIDEBUNDLE_RUN_MODE SIDEBUNDLE_BWRAP SIDEBUNDLE_NET SIDEBUNDLE_BIND_HOME
SIDEBUNDLE_BIND_CWD SIDEBUNDLE_USER SIDEBUNDLE_CLEAN_ENV SIDEBUNDLE_BIND SIDEBUNDLE_RO_BIND
SIDEBUNDLE_WORKSPACE"

declare -gA _sb_help_cache

# _sb_help_parse NAME: read --help text on stdin, print one line per item:
# "opt OPTION NARGS METAVAR" and "sub SUBCOMMAND" (NAME is the program's
# name, as its usage lines start).
_sb_help_parse() {
	awk -v name="$1" '
	function meta(t) {
		sub(/^\[/, "", t)
		sub(/(\]|,|\.\.\.)+$/, "", t)
		if (t ~ /^[A-Z]/ || t ~ /^'\''/ || t ~ /^[a-z0-9_]+(\|[a-z0-9_]+)+$/ ||
		    t ~ /^[a-z]+=\]?[A-Z]/)
			return t
		return ""
	}
	{
		line = $0
		sub(/^[ \t]*(usage:)?[ \t]*/, "", line)
		# a metavariable in quotes (SHELL COMMAND) is one word
		while (match(line, /'\''[^'\'' ]* [^'\'']*'\''/)) {
			q = substr(line, RSTART, RLENGTH)
			gsub(/ /, "_", q)
			line = substr(line, 1, RSTART - 1) q substr(line, RSTART + RLENGTH)
		}
		# a description follows two spaces: only what comes before names options
		i = index(line, "  ")
		if (i > 0)
			line = substr(line, 1, i - 1)
		n = split(line, f, /[ \t]+/)
		if (n >= 2 && f[1] == name && f[2] ~ /^[a-z][a-z-]*$/)
			print "sub", f[2]
		for (k = 1; k <= n; k++) {
			t = f[k]
			sub(/^[\[(]+/, "", t)
			closed = t ~ /[\])]/
			sub(/[\]),|.]+$/, "", t)
			if (t !~ /^--?[A-Za-z][A-Za-z0-9-]*(=.*)?$/)
				continue
			if (t ~ /^--/) {
				sub(/=.*/, "", t)
				opts[1] = t
				no = 1
			} else {
				no = 0
				for (c = 2; c <= length(t); c++)
					opts[++no] = "-" substr(t, c, 1)
			}
			nargs = 0
			mv = ""
			while (!closed && no == 1 && k < n && (m = meta(f[k + 1])) != "") {
				if (nargs == 0)
					mv = m
				nargs++
				k++
				closed = f[k] ~ /\]/
			}
			for (c = 1; c <= no; c++)
				print "opt", opts[c], nargs, (mv == "" ? "-" : mv)
		}
	}'
}

# _sb_load CMD...: the parsed --help of CMD into the globals
# _sb_opts (options), _sb_subs (subcommands), _sb_nargs[OPT], _sb_meta[OPT].
_sb_load() {
	local key="$*" kind a b c
	if [ -z "${_sb_help_cache[$key]+set}" ]; then
		local name=${1##*/}
		_sb_help_cache[$key]=$("$@" --help 2>&1 </dev/null | _sb_help_parse "$name")
	fi
	_sb_opts=() _sb_subs=()
	declare -gA _sb_nargs=() _sb_meta=()
	while read -r kind a b c; do
		case $kind in
		opt)
			[ -n "${_sb_nargs[$a]+set}" ] && continue
			_sb_opts+=("$a")
			_sb_nargs[$a]=$b
			_sb_meta[$a]=$c
			;;
		sub) [[ " ${_sb_subs[*]} " == *" $a "* ]] || _sb_subs+=("$a") ;;
		esac
	done <<<"${_sb_help_cache[$key]}"
}

# _sb_files [-d]: files (or directories) matching $cur.
_sb_files() {
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	if [ "${1:-}" = -d ]; then
		COMPREPLY+=($(compgen -d -- "$cur"))
	else
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}

# _sb_value OPT: complete the value of OPT from its metavariable.
_sb_value() {
	local mv=${_sb_meta[$1]:-}
	case $mv in
	*'|'*) COMPREPLY=($(compgen -W "${mv//|/ }" -- "$cur")) ;;
	K=V) COMPREPLY=($(compgen -S = -W "$_sb_settings" -- "$cur")) && compopt -o nospace 2>/dev/null ;;
	PID*) COMPREPLY=($(compgen -W "$(cd /proc && printf '%s\n' [0-9]*)" -- "$cur")) ;;
	*DIR* | ROOT* | PREFIX*) _sb_files -d ;;
	*FILE* | *.db* | DB* | PATH* | SRC* | GLOB* | DEST* | TRACE*) _sb_files ;;
	*) ;; # NAME, SECONDS, EXPR, ARGS: nothing to offer
	esac
}

# _sb_scan FROM: walk the words from FROM up to the current one; sets
# _sb_pos (the index of the first operand, or -1) and _sb_argof (the
# option whose value the current word is, or "").
_sb_scan() {
	local i=$1 w n
	_sb_pos=-1 _sb_argof=
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		if [ "$w" = -- ]; then
			[ $((i + 1)) -le "$COMP_CWORD" ] && _sb_pos=$((i + 1))
			return
		fi
		case $w in
		--*=*) ;;
		-?*)
			n=${_sb_nargs[$w]:-0}
			if [ $((i + n)) -ge "$COMP_CWORD" ]; then
				_sb_argof=$w
				return
			fi
			i=$((i + n))
			;;
		*)
			_sb_pos=$i
			return
			;;
		esac
		i=$((i + 1))
	done
}

# _sb_command FROM: complete a command line that starts at word FROM.
_sb_command() {
	if [ "$COMP_CWORD" -eq "$1" ]; then
		COMPREPLY=($(compgen -c -- "$cur"))
	elif declare -F _command_offset >/dev/null; then
		_command_offset "$1"
	else
		_sb_files
	fi
}

_sb_prog() {
	local p=${COMP_WORDS[0]}
	[[ $p == "~"* ]] && p=$HOME${p#"~"}
	printf '%s' "$p"
}

_sbtrace() {
	local cur=${COMP_WORDS[COMP_CWORD]} prog
	COMPREPLY=()
	prog=$(_sb_prog)
	_sb_load "$prog"
	_sb_scan 1
	if [ -n "$_sb_argof" ]; then
		_sb_value "$_sb_argof"
	elif [ "$_sb_pos" -lt 0 ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "${_sb_opts[*]}" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "${_sb_subs[*]}" -- "$cur") $(compgen -c -- "$cur"))
		fi
	elif [ "${COMP_WORDS[_sb_pos - 1]}" != -- ] &&
		[[ " ${_sb_subs[*]} " == *" ${COMP_WORDS[_sb_pos]} "* ]]; then
		# a subcommand: its own options, then files (the database)
		local sub=$_sb_pos
		_sb_load "$prog" "${COMP_WORDS[sub]}"
		_sb_scan $((sub + 1))
		if [ -n "$_sb_argof" ]; then
			_sb_value "$_sb_argof"
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "${_sb_opts[*]}" -- "$cur"))
		else
			_sb_files
		fi
	else
		_sb_command "$_sb_pos"
	fi
}

_sidebundle() {
	local cur=${COMP_WORDS[COMP_CWORD]} prog sub
	COMPREPLY=()
	prog=$(_sb_prog)
	_sb_load "$prog"
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "${_sb_subs[*]} --help --version" -- "$cur"))
		return
	fi
	sub=${COMP_WORDS[1]}
	[[ " ${_sb_subs[*]} " == *" $sub "* ]] || return
	_sb_load "$prog" "$sub"
	_sb_scan 2
	if [ -n "$_sb_argof" ]; then
		_sb_value "$_sb_argof"
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${_sb_opts[*]}" -- "$cur"))
	elif [ "$sub" = deps ]; then
		_sb_files
	else
		_sb_files -d # DIR/NAME, a bundle
	fi
}

# The launcher: its options, then an entry of its bundle (the names
# beside it in bin/), then the entry's arguments.
_sidebundle_launcher() {
	local cur=${COMP_WORDS[COMP_CWORD]} prog bin
	COMPREPLY=()
	prog=$(_sb_prog)
	[ -x "$prog" ] || prog=$(command -v "$prog") || return
	_sb_load "$prog"
	_sb_scan 1
	if [ -n "$_sb_argof" ]; then
		_sb_value "$_sb_argof"
	elif [ "$_sb_pos" -lt 0 ] || [ "$_sb_pos" -eq "$COMP_CWORD" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "${_sb_opts[*]}" -- "$cur"))
		else
			bin=${prog%/*}
			COMPREPLY=($(cd "$bin" 2>/dev/null && compgen -W "$(printf '%s\n' [!.]*)" -- "$cur"))
		fi
	else
		_sb_files
	fi
}

complete -F _sbtrace sbtrace
complete -F _sidebundle sidebundle
complete -F _sidebundle_launcher .sidebundle-launcher sidebundle-launcher
