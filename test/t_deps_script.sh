#!/bin/bash
# sidebundle deps on #! scripts: a direct interpreter with an argument,
# /usr/bin/env NAME, env -S with arguments and settings, a script whose
# interpreter is a script, too many levels, a missing interpreter.
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"
need bash python3

mk() { # NAME FIRST-LINE
	printf '%s\necho hi\n' "$2" >"$1"
	chmod +x "$1"
}
# the children lines of the top level of a tree
top() { printf '%s\n' "$1" | grep -E '^    [^ ]'; }

mk direct '#!/bin/sh -e'
out=$("$SB" deps direct)
expect_eq "$PWD/direct (script: /bin/sh -e)" "$(head -1 <<<"$out")" "direct header"
expect_eq "    /bin/sh => /bin/sh (interpreter => /lib64/ld-linux-x86-64.so.2)" "$(top "$out")" "direct child"

mk viaenv '#!/usr/bin/env bash'
out=$("$SB" deps viaenv)
expect_eq "$PWD/viaenv (script: /usr/bin/env bash)" "$(head -1 <<<"$out")" "env header"
expect_eq "$(printf '    bash => /usr/bin/bash (interpreter => /lib64/ld-linux-x86-64.so.2)\n    /usr/bin/env => /usr/bin/env (interpreter => /lib64/ld-linux-x86-64.so.2)')" \
	"$(top "$out")" "env children: the interpreter, then env"
expect_match '^        libtinfo.so.6 => ' "$out" "bash's libraries"

mk envs '#!/usr/bin/env -S A=1 python3 -u -X dev'
out=$("$SB" deps envs)
expect_eq "$PWD/envs (script: /usr/bin/env -S A=1 python3 -u -X dev)" "$(head -1 <<<"$out")" "env -S header"
expect_match '^    python3 => /usr/bin/python3 ' "$out" "env -S command found"
[ "$(./envs 2>&1)" = "" ] || true # it is a python script of shell text: not run

mk nested "#!$PWD/viaenv -x"
out=$("$SB" deps nested)
expect_eq "$PWD/nested (script: $PWD/viaenv -x)" "$(head -1 <<<"$out")" "nested header"
expect_match "^    $PWD/viaenv => $PWD/viaenv \\(script: /usr/bin/env bash\\)\$" "$out" "nested interpreter is a script"
expect_match '^        bash => /usr/bin/bash' "$out" "its interpreter below it"

mk l2 "#!$PWD/nested"
mk l3 "#!$PWD/l2"
mk l4 "#!$PWD/l3"
rc=0
"$SB" deps l3 >/dev/null 2>err || rc=$?
expect_eq 0 "$rc" "four levels are fine"
rc=0
"$SB" deps l4 >out 2>err || rc=$?
expect_match "more than 4 levels of #! interpreters" "$(cat err)" "five levels refused"

mk noint '#!/no/such/interpreter'
rc=0
out=$("$SB" deps noint 2>err) || rc=$?
expect_eq 1 "$rc" "missing interpreter: exit 1"
expect_eq "$(printf '%s\n' "$PWD/noint (script: /no/such/interpreter)" '    /no/such/interpreter => not found')" "$out" "missing interpreter tree"
expect_match '/no/such/interpreter not found \(a direct need\)' "$(cat err)" "missing interpreter message"

mk nocmd '#!/usr/bin/env no-such-command-here'
rc=0
out=$("$SB" deps nocmd 2>err) || rc=$?
expect_eq 1 "$rc" "env command missing: exit 1"
expect_match '^    no-such-command-here => not found$' "$out" "env command not found"
