#!/bin/bash
# sidebundle deps on bad input: truncated and corrupt ELF files, files
# that are neither ELF nor script, a directory, a dangling symlink, a
# missing file, bad #! lines, usage errors.  Clear message naming the
# file, exit 1 (2 for usage), never a crash (the ASan build runs this).
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"

# bad FILE ERE: deps FILE exits 1 with a message matching ERE on stderr
# and nothing on stdout.
bad() {
	local rc=0 out
	out=$("$SB" deps "$1" 2>err) || rc=$?
	expect_eq 1 "$rc" "exit status for $1"
	expect_eq "" "$out" "stdout for $1"
	expect_match "$2" "$(cat err)" "message for $1"
	expect_nomatch 'Sanitizer|runtime error' "$(cat err)" "sanitizer report for $1"
}

cp /usr/bin/ls ls.orig
for n in 0 3 4 15 16 40 63 64 100 500 1000 4096 20000 100000; do
	head -c "$n" ls.orig >"trunc$n"
done
bad trunc0 "/trunc0: not an ELF file or a #! script$"
bad trunc3 "/trunc3: not an ELF file or a #! script$"
bad trunc4 "/trunc4: truncated ELF header"
bad trunc15 "/trunc15: truncated ELF header"
for n in 16 40 63 64 100 500 1000 4096 20000 100000; do
	bad "trunc$n" "/trunc$n: .*(truncated|corrupt|outside)"
done

# Corrupt headers: phoff far away, a huge phnum, PT_DYNAMIC pointing
# past the end, a DT_NEEDED offset outside the string table.
poke() { # FILE OFFSET HEXBYTES
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp ls.orig bad-phoff && poke bad-phoff 32 '\xff\xff\xff\xff\xff\xff\x00\x00'
bad bad-phoff "/bad-phoff: "
cp ls.orig bad-phnum && poke bad-phnum 56 '\xff\xfe'
bad bad-phnum "/bad-phnum: "
cp ls.orig bad-class && poke bad-class 4 '\x07'
bad bad-class "/bad-class: .*ELF"
# Random garbage after a valid identity, same size as ls.
{ head -c 16 ls.orig; head -c 200000 /dev/urandom; } >garbage
rc=0
"$SB" deps garbage >/dev/null 2>err || rc=$?
expect_ne 0 "$rc" "garbage ELF fails"
expect_nomatch 'Sanitizer|runtime error' "$(cat err)" "garbage: no sanitizer report"

# Dynamic section entries: point every DT_NEEDED string offset out of
# the string table.  Found with readelf so the test follows the file.
cp ls.orig bad-needed
dynoff=$(readelf -lW ls.orig | awk '$1 == "DYNAMIC" { print $2 }')
if [ -n "$dynoff" ]; then
	off=$((dynoff))
	# each Elf64_Dyn: 8-byte tag, 8-byte value; DT_NEEDED = 1
	for i in $(seq 0 40); do
		tag=$(od -An -tu8 -j $((off + i * 16)) -N 8 ls.orig | tr -d ' ')
		[ "$tag" = 0 ] && break
		[ "$tag" = 1 ] && poke bad-needed $((off + i * 16 + 8)) '\xff\xff\xff\x7f\x00\x00\x00\x00'
	done
	bad bad-needed "/bad-needed: DT_NEEDED string offset .* outside the string table"
fi

printf 'just text\n' >text
bad text "/text: not an ELF file or a #! script$"
mkdir adir
bad adir "/adir: is a directory$"
ln -s does-not-exist dangling
bad dangling "/dangling: No such file or directory$"
bad /nonexistent/file "/nonexistent/file: No such file or directory$"

# Bad #! lines.
printf '#!\n' >empty-shebang
bad empty-shebang "/empty-shebang: #! line names no interpreter"
{ printf '#!/'; head -c 300 /dev/zero | tr '\0' a; printf '\n'; } >long-shebang
bad long-shebang "/long-shebang: #! interpreter path longer than the kernel reads"
# A long argument is fine: the kernel truncates it.
{ printf '#!/bin/sh '; head -c 300 /dev/zero | tr '\0' a; printf '\n'; } >long-arg
rc=0
"$SB" deps long-arg >out 2>err || rc=$?
expect_eq 0 "$rc" "a long #! argument is truncated, not an error"
# The kernel keeps bytes 2..254 of its 256-byte buffer: 253, plus \n.
expect_eq 254 "$(head -1 out | sed 's/.*(script: //; s/)$//' | wc -c)" "truncated to what the kernel reads"

# One bad FILE among good ones: the others are still printed.
rc=0
out=$("$SB" deps /bin/sh text /bin/sh 2>err) || rc=$?
expect_eq 1 "$rc" "exit status with one bad file"
expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^/bin/sh ')" "both good trees printed"

# Usage.
rc=0
"$SB" deps >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "no FILE"
expect_match '^usage: sidebundle deps \[-l\] \[-r ROOT\] FILE\.\.\.$' "$(cat err)" "usage line"
expect_match '^sidebundle: deps: which file\?$' "$(cat err)" "no FILE said"
rc=0
"$SB" deps -x /bin/sh >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "unknown option"
# getopt names the program as err(3) does, not the path it was run by
expect_match "^sidebundle: invalid option -- 'x'$" "$(cat err)" "unknown option said"
expect_nomatch "$SB_BUILD" "$(cat err)" "... without the program's path"
rc=0
"$SB" deps -r /nonexistent-root /bin/sh >/dev/null 2>err || rc=$?
expect_eq 1 "$rc" "missing root"
expect_match "/nonexistent-root" "$(cat err)" "missing root named"
