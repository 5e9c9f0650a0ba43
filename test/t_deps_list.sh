# sidebundle deps -l: the flat list, one path a line as lddtree -l
# prints it: the file first, each path once (across FILEs too), the
# same paths as the tree; a #! script with its interpreter's; a missing
# library said on stderr with exit 1; a name with a newline escaped.
. "$SB_SRC/test/lib.sh"

SB=$SB_BUILD/sidebundle
[ -x "$SB" ] || fail "$SB is missing"

out=$("$SB" deps -l /bin/sh 2>err)
expect_eq 0 "$?" "exit status"
expect_eq "" "$(cat err)" "nothing on stderr"
expect_eq /bin/sh "$(head -1 <<<"$out")" "the file first"
expect_match '^/lib64/ld-linux-x86-64\.so\.2$' "$out" "the interpreter"
expect_match '^/lib/x86_64-linux-gnu/libc\.so\.6$' "$out" "libc"
expect_eq "" "$(printf '%s\n' "$out" | grep -v '^/')" "only absolute paths"
expect_eq "" "$(printf '%s\n' "$out" | sort | uniq -d)" "each path once"

# the same paths as the tree shows
need python3
tree_paths() {
	"$SB" deps "$@" | python3 -c '
import re, sys
paths = set()
for l in sys.stdin:
    l = l.rstrip("\n")
    if not l.startswith(" "):
        paths.add(l.split(" (")[0])
    m = re.match(r" +.*? => (/\S+)", l)
    if m:
        paths.add(m.group(1))
    for m in re.finditer(r"\(interpreter => (/[^)]*)\)", l):
        paths.add(m.group(1))
print("\n".join(sorted(paths)))'
}
for f in /bin/sh /usr/bin/python3 /bin/ls; do
	[ -e "$f" ] || continue
	expect_eq "$(tree_paths "$f")" "$("$SB" deps -l "$f" | sort)" "$f: the tree's paths"
done

# two files: what the first listed is not listed again
both=$("$SB" deps -l /bin/sh /bin/ls)
expect_eq "" "$(printf '%s\n' "$both" | sort | uniq -d)" "each path once over two files"
expect_match '^/bin/ls$' "$both" "the second file"
expect_eq 1 "$(printf '%s\n' "$both" | grep -c 'libc\.so\.6$')" "libc once"

# a script: itself, its interpreter and the interpreter's needs
printf '#!/bin/sh\necho hi\n' >script
chmod +x script
out=$("$SB" deps -l script)
expect_eq "$PWD/script" "$(head -1 <<<"$out")" "the script first"
expect_match '^/bin/sh$' "$out" "its interpreter"
expect_match 'libc\.so\.6$' "$out" "the interpreter's libc"

# a missing library: the rest listed, the need said, exit 1
need cc
mkdir lib
printf 'int sbmissing(void) { return 0; }\n' >lib/m.c
cc -shared -fPIC -o lib/libsbmissing.so lib/m.c || fail "cc lib"
printf 'int sbmissing(void);\nint main(void) { return sbmissing(); }\n' >prog.c
cc -o prog prog.c -Llib -lsbmissing || fail "cc prog"
rc=0
out=$("$SB" deps -l ./prog 2>err) || rc=$?
expect_eq 1 "$rc" "a missing direct need: exit 1"
expect_match "^sidebundle: $PWD/prog: libsbmissing\\.so not found \\(a direct need\\)\$" "$(cat err)" \
	"the missing need said"
expect_match '^/lib/x86_64-linux-gnu/libc\.so\.6$' "$out" "the rest listed"
expect_nomatch 'libsbmissing' "$out" "nothing printed for it"

# a newline in a name cannot forge a line
cp /bin/true "$(printf 'two\nlines')"
out=$("$SB" deps -l "$(printf 'two\nlines')")
expect_eq "$PWD/two\\nlines" "$(head -1 <<<"$out")" "a newline escaped"

# usage
rc=0
"$SB" deps -l >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "-l without FILE"
expect_match '^usage: sidebundle deps \[-l\] \[-r ROOT\] FILE\.\.\.$' "$(cat err)" "the usage"
exit 0
