# A filter sbtrace cannot make sense of is a usage error: exit 2, a
# message naming what it did not understand, the usage, no command run
# and no database made.
. "$SB_SRC/test/lib.sh"

# bad EXPECTED-MESSAGE-ERE ARGS...: sbtrace ARGS -- touch ran fails so.
bad() {
	local want=$1 rc=0 err
	shift
	err=$("$SBTRACE" -q -o "$DB" "$@" -- touch ran 2>&1) || rc=$?
	expect_eq 2 "$rc" "$*: exit status"
	expect_match "$want" "$(printf '%s\n' "$err" | head -n 1)" "$*: message"
	expect_match '^usage: sbtrace ' "$err" "$*: usage shown"
	expect_eq no "$([ -e ran ] && echo yes || echo no)" "$*: command not run"
	expect_eq no "$([ -e "$DB" ] && echo yes || echo no)" "$*: no database"
}

bad '^sbtrace: -e %foo: unknown class %foo \(see sbtrace\(1\) for the classes\)$' -e %foo
bad '^sbtrace: -e trace=open,%bar: unknown class %bar' -e trace=open,%bar
bad '^sbtrace: -e trace=%network: %network holds no call that sbtrace records' -e trace=%network
bad '^sbtrace: -e %desc: %desc holds no call' -e %desc
bad '^sbtrace: -e read: unknown operation or system call read' -e read
bad '^sbtrace: -e trace=open,fstat: unknown operation or system call fstat' -e trace=open,fstat
bad '^sbtrace: -e signal=all: sbtrace knows only the trace= qualifier, not signal=$' -e signal=all
bad '^sbtrace: -e trace=/open: /open: regular expressions are not supported' -e trace=/open
bad '^sbtrace: -e : no operation given$' -e ''
bad '^sbtrace: -e trace=: no operation given$' -e trace=
bad '^sbtrace: -e !: no operation given$' -e '!'
bad '^sbtrace: --exclude-path tmp: not an absolute path$' --exclude-path tmp
bad '^sbtrace: --exclude-path : not an absolute path$' --exclude-path ''
bad '^sbtrace: --exclude-path \./x: not an absolute path$' --exclude-path /tmp --exclude-path ./x
# a good -e does not excuse a bad one after it
bad '^sbtrace: -e %nope: unknown class' -e open -e %nope

# -e without its argument is getopt's error, named by the program's name
rc=0
err=$("$SBTRACE" -q -o "$DB" -e 2>&1) || rc=$?
expect_eq 2 "$rc" "-e without an argument: exit status"
expect_match "^sbtrace: option requires an argument -- 'e'$" "$(printf '%s\n' "$err" | head -n 1)" \
	"-e without an argument: message"
