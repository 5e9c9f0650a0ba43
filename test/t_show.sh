# sidebundle show: real bundles of sh (traced), python3 (traced) and a C
# program listed by origin with their packages (dash owns /bin/sh,
# coreutils /usr/bin/ls, also where dpkg -S finds nothing under a merged
# /usr), why each path is there, the packages and the largest files,
# the totals; and the same as JSON.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

dpkg_ok=0
[ -r /var/lib/dpkg/status ] && command -v dpkg-query >/dev/null && dpkg_ok=1

"$SIDEBUNDLE" create --no-check --out-dir out --name sh \
	--from-host "/bin/sh::trace=-c 'ls /usr >/dev/null; cat /proc/self/stat >/dev/null'" \
	>create.out 2>&1 || fail "create sh: $(cat create.out)"
# the left-out counts say what to do next
expect_match '^sidebundle: left out [0-9]+ paths? under /proc /sys /dev /run /tmp \(a sandbox mounts its own there; --copy-dir SRC:DEST bundles a tree from there; -v lists them\)$' \
	"$(cat create.out)" "the /proc path left out, and what to do"

out=$("$SIDEBUNDLE" show out/sh 2>err)
expect_eq 0 "$?" "show: exit status"
expect_eq "" "$(cat err)" "show: nothing on stderr"
m=out/sh/manifest.lock
nfiles=$(grep -c $'^file\t' $m)
ndirs=$(grep -c $'^dir\t' $m)
nlinks=$(grep -c $'^symlink\t' $m)
bytes=$(awk -F '\t' '$1 == "file" { n += $4 } END { print n }' $m)
expect_match '^bundle: +out/sh \(sh, run mode host\)$' "$out" "the bundle"
expect_match '^entry: +sh -> /bin/sh \(elf-dynamic, interpreter /lib64/ld-linux-x86-64\.so\.2\)$' \
	"$out" "the entry"
expect_match "^files: +$nfiles, $bytes bytes \\(" "$out" "files and bytes as the manifest has them"
expect_match "^directories: +$ndirs$" "$out" "directories"
expect_match "^symlinks: +$nlinks$" "$out" "symlinks"
# why each is there, by origin
expect_match '^elf: [0-9]+ files' "$out" "an elf group"
expect_match '^trace: [0-9]+ files' "$out" "a trace group"
expect_match '^rule: [0-9]+ files?' "$out" "a rule group"
expect_match ' /usr/bin/dash  \(entry sh\)$' "$out" "dash: the entry"
expect_match ' /usr/lib/x86_64-linux-gnu/libc\.so\.6  \(DT_NEEDED of /bin/sh\)$' "$out" \
	"libc: a DT_NEEDED of the entry"
expect_match ' /usr/lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2  \(PT_INTERP of /bin/sh\)$' \
	"$out" "ld.so: the PT_INTERP"
expect_match ' /usr/bin/ls  \(traced exec by pid [0-9]+ dash\)$' "$out" "ls: traced, with its pid"
expect_match ' /usr/lib/x86_64-linux-gnu/libselinux\.so\.1  \(DT_NEEDED of /usr/bin/ls\)$' \
	"$out" "a library of a traced program: its DT_NEEDED"
expect_match ' /etc/nsswitch\.conf  \(rule: NSS configuration\)$' "$out" "a rule"
expect_match '^ +link  .* /usr/bin/sh -> dash  \(entry sh\)$' "$out" "a link and its target"
# the groups in the manifest's order of origins, each sorted by path
expect_eq "elf trace rule" "$(printf '%s\n' "$out" | sed -n 's/^\([a-z]*\): [0-9]* files\{0,1\} (.*/\1/p' | tr '\n' ' ' | sed 's/ $//')" \
	"origins in order"
# the largest files, largest first
expect_match '^largest files:$' "$out" "largest files"
first=$(printf '%s\n' "$out" | sed -n '/^largest files:$/{n;p}' | awk '{ print $3 }')
big=$(awk -F '\t' '$1 == "file" { print $4, $2 }' $m | sort -k1,1nr -k2,2 | head -1 | cut -d' ' -f2)
expect_eq "$big" "$first" "the largest file first"
expect_eq 10 "$(printf '%s\n' "$out" | sed -n '/^largest files:$/,$p' | grep -c '^  ')" "ten by default"
out3=$("$SIDEBUNDLE" show -n 3 out/sh)
expect_eq 3 "$(printf '%s\n' "$out3" | sed -n '/^largest files:$/,$p' | grep -c '^  ')" "-n 3"
expect_nomatch '^largest files' "$("$SIDEBUNDLE" show -n 0 out/sh)" "-n 0: none"

if [ "$dpkg_ok" = 1 ]; then
	expect_match '^ +[0-9]+  dash +/usr/bin/dash  ' "$out" "/usr/bin/dash: dash"
	expect_match '^ +link  dash +/usr/bin/sh -> dash' "$out" "the link /usr/bin/sh: dash"
	expect_match '^ +[0-9]+  coreutils +/usr/bin/ls  ' "$out" "/usr/bin/ls: coreutils"
	expect_match '^ +[0-9]+  libc6:amd64 +/usr/lib/x86_64-linux-gnu/libc\.so\.6  ' "$out" \
		"libc.so.6 under /usr, where dpkg lists /lib: libc6:amd64"
	expect_match '^ +[0-9]+  - +/etc/ld\.so\.cache  ' "$out" "a file of no package"
	expect_match $'^file\t/usr/bin/dash\t.*\telf\tdash$' "$(cat $m)" "the manifest's package field"
	expect_match $'^package\tdash\t'"$(dpkg-query -W -f='${Version}' dash)"'$' "$(cat $m)" \
		"the manifest's package record with dpkg's version"
	expect_match "^ +[0-9.]+ [KMG]?i?B +1 file +dash $(dpkg-query -W -f='${Version}' dash | sed 's/[.+]/\\&/g')\$" \
		"$out" "dash in the packages, with its version"
	expect_match '^ +[0-9.]+ [KMG]?i?B +[0-9]+ files? +\(no package\)$' "$out" "the files of none"
	# every file dpkg -S attributes, show attributes alike
	awk -F '\t' '$1 == "file" && NF == 7 { print $2 "\t" $7 }' $m | while IFS=$'\t' read -r p k; do
		s=$(dpkg-query -S "$p" 2>/dev/null | grep -v '^diversion' | sed 's/: .*//; s/, /,/g')
		[ -z "$s" ] || [ "$s" = "$k" ] || echo "$p: dpkg says $s, the manifest $k"
	done >mismatch
	expect_eq "" "$(cat mismatch)" "the manifest agrees with dpkg -S"
fi

# --- python3, traced ----------------------------------------------------
if command -v python3 >/dev/null; then
	"$SIDEBUNDLE" create -q --no-check --out-dir out --name py \
		--from-host "/usr/bin/python3::trace=-c 'import json'" >create.out 2>&1 ||
		fail "create py: $(cat create.out)"
	out=$("$SIDEBUNDLE" show out/py)
	py=$(readlink -f /usr/bin/python3)
	expect_match "^entry: +python3 -> /usr/bin/python3 \\(elf-dynamic, interpreter " "$out" \
		"python's entry"
	expect_match "^ +link  .*/usr/bin/python3 -> ${py##*/}  \\(entry python3\\)\$" "$out" \
		"the link python3 -> python3.X: the entry"
	expect_match " /usr/lib/${py##*/}/json/__init__\\.py  \\(traced (open|stat) by pid [0-9]+ ${py##*/}\\)\$" \
		"$out" "json: opened by the traced python"
	if [ "$dpkg_ok" = 1 ]; then
		expect_match "^ +[0-9]+  ${py##*/}-minimal +$py  \\(entry python3\\)\$" "$out" \
			"python3.X: its -minimal package"
		expect_match "^ +[0-9]+  libpython${py##*/python}-stdlib:amd64 +/usr/lib/${py##*/}/json/__init__\\.py  " \
			"$out" "json: the stdlib package"
	fi
fi

# --- a C program of no package -------------------------------------------
need cc
printf '#include <math.h>\n#include <stdio.h>\nint main(int c, char **v) { printf("%%g\\n", cos(c - 1)); return 0; }\n' >hello.c
cc -o hello hello.c -Wl,--no-as-needed -lm || fail "cc"
"$SIDEBUNDLE" create -q --no-check --out-dir out --name hello --from-host "$PWD/hello" \
	>create.out 2>&1 || fail "create hello: $(cat create.out)"
out=$("$SIDEBUNDLE" show out/hello)
expect_match "^ +[0-9]+  - +$PWD/hello  \\(entry hello\\)\$" "$out" "the program: no package"
expect_match " /usr/lib/x86_64-linux-gnu/libm\\.so\\.6  \\(DT_NEEDED of $PWD/hello\\)\$" "$out" \
	"libm: a DT_NEEDED of the program"
[ "$dpkg_ok" = 1 ] && expect_match '^ +[0-9]+  libc6:amd64 +/usr/lib/x86_64-linux-gnu/libm\.so\.6' \
	"$out" "libm: libc6"
expect_match '^ +[0-9.]+ [KMG]?i?B +[0-9]+ files? +\(no package\)$' "$out" "files of no package"
expect_eq "1" "$(out/hello/bin/hello)" "the bundle runs"

# --- JSON ---------------------------------------------------------------
need python3
"$SIDEBUNDLE" show --json out/sh >sh.json || _sb_bad "show --json" "exit 0" "$?"
check=$(python3 - sh.json "$nfiles" "$ndirs" "$nlinks" "$bytes" <<'EOF'
import json, sys
raw = open(sys.argv[1], 'rb').read()
raw.decode('utf-8')  # strict: the text itself is UTF-8
d = json.loads(raw)
t = d['totals']
assert [t['files'], t['directories'], t['symlinks'], t['bytes']] == [int(x) for x in sys.argv[2:6]], t
assert d['name'] == 'sh' and d['run_mode'] == 'host' and d['why_recorded'] is True
assert d['entries'][0]['name'] == 'sh' and d['entries'][0]['interp'] == '/lib64/ld-linux-x86-64.so.2'
p = {x['path']: x for x in d['paths']}
assert p['/usr/bin/dash']['why'] == 'entry sh' and p['/usr/bin/dash']['origin'] == 'elf'
assert p['/usr/bin/sh']['type'] == 'symlink' and p['/usr/bin/sh']['target'] == 'dash'
assert p['/usr/bin']['type'] == 'dir' and p['/usr/bin']['mode'] == '0755'
assert len(p['/usr/bin/dash']['sha256']) == 64
assert sum(x['size'] for x in d['paths'] if x['type'] == 'file') == t['bytes']
assert t['deduplicated_bytes'] <= t['bytes']
sizes = [x['size'] for x in d['largest']]
assert sizes == sorted(sizes, reverse=True) and len(sizes) == 10
if d['packages_recorded']:
    assert p['/usr/bin/dash']['packages'] == ['dash'], p['/usr/bin/dash']
    assert sum(k['files'] for k in d['packages']) <= t['files']
print('ok')
EOF
)
expect_eq ok "$check" "the JSON of the sh bundle"

# a path that is no UTF-8: "path" is text with U+FFFD, "path_hex" the bytes
mkdir -p src && printf x >"src/caf$(printf '\351')" && printf y >src/plain
"$SIDEBUNDLE" create -q --no-check --out-dir out --name bytes --from-host /bin/true \
	--copy-dir "$PWD/src:/data" >create.out 2>&1 || fail "create bytes: $(cat create.out)"
"$SIDEBUNDLE" show --json out/bytes >bytes.json
check=$(python3 - bytes.json <<'EOF'
import json, sys
raw = open(sys.argv[1], 'rb').read()
raw.decode('utf-8')
d = json.loads(raw)
p = [x for x in d['paths'] if x['path'].startswith('/data/caf')][0]
assert p['path'] == '/data/caf\ufffd', p
assert bytes.fromhex(p['path_hex']) == b'/data/caf\xe9', p
q = [x for x in d['paths'] if x['path'] == '/data/plain'][0]
assert 'path_hex' not in q
print('ok')
EOF
)
expect_eq ok "$check" "a non-UTF-8 path in the JSON"
expect_match '^ +1  - +/data/caf\\xE9  \(--copy-dir '"$PWD"'/src:/data\)$' \
	"$("$SIDEBUNDLE" show out/bytes)" "... and escaped in the text"

# --- bundles made before: no why file, no package fields -----------------
cp -a out/sh old
rm old/why
awk -F '\t' 'BEGIN { OFS = "\t" } $1 == "package" { next }
	$1 == "file" && NF == 7 { NF = 6 } $1 == "symlink" && NF == 5 { NF = 4 } { print }' \
	out/sh/manifest.lock >old/manifest.lock
expect_nomatch $'\tdash$' "$(cat old/manifest.lock)" "the old form has no package"
out=$("$SIDEBUNDLE" show old 2>err)
expect_eq 0 "$?" "show of an old bundle"
expect_match '^packages: +none recorded' "$out" "no packages recorded"
expect_match '^why: +not recorded' "$out" "no reasons recorded"
expect_match '^ +[0-9]+  /usr/bin/dash$' "$out" "a line of size and path alone"
out=$("$SIDEBUNDLE" verify old 2>&1)
expect_eq 0 "$?" "verify of the old form: $out"
# the launcher reads both forms
expect_eq "hi" "$(old/bin/sh -c 'echo hi' 2>&1)" "an old manifest still runs"
expect_eq "hi" "$(out/sh/bin/sh -c 'echo hi' 2>&1)" "a new one too"

# a bundle of an image names it
cp -a out/sh img
sed -i $'/^entry\t/a image\tdocker.io/library/debian:12\tsha256:'"$(printf '%064d' 0)" img/manifest.lock
expect_match "^image: +docker\\.io/library/debian:12 \\(sha256:0{64}\\)\$" "$("$SIDEBUNDLE" show img)" \
	"the image, in the text"
expect_match '"image": "docker\.io/library/debian:12", "image_digest": "sha256:0{64}"' \
	"$("$SIDEBUNDLE" show --json img)" "the image, in the JSON"
expect_match '"image": null, "image_digest": null' "$(cat sh.json)" "no image: null"

# --- bad input ----------------------------------------------------------
rc=0
"$SIDEBUNDLE" show >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "no bundle: usage"
expect_match '^sidebundle: show: which bundle\?$' "$(cat err)" "no bundle: said"
expect_match '^usage: sidebundle show \[--json\] \[-n N\] DIR/NAME$' "$(cat err)" "usage line"
rc=0
"$SIDEBUNDLE" show out/sh out/py >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "two bundles"
expect_match 'one bundle at a time' "$(cat err)" "two bundles: said"
rc=0
"$SIDEBUNDLE" show -n x out/sh >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "-n x"
expect_match '^sidebundle: show: -n x: invalid' "$(cat err)" "-n x: said"
rc=0
"$SIDEBUNDLE" show --bogus out/sh >/dev/null 2>err || rc=$?
expect_eq 2 "$rc" "an unknown option"
expect_match "^sidebundle: unrecognized option '--bogus'$" "$(cat err)" "unknown option: said"
rc=0
"$SIDEBUNDLE" show nosuch >/dev/null 2>err || rc=$?
expect_eq 1 "$rc" "a missing directory"
expect_match '^sidebundle: nosuch: No such file or directory$' "$(cat err)" "missing: said"
mkdir plain
rc=0
"$SIDEBUNDLE" show plain >/dev/null 2>err || rc=$?
expect_eq 1 "$rc" "a directory that is no bundle"
expect_match '^sidebundle: plain: not a bundle \(no manifest\.lock\)$' "$(cat err)" "no bundle: said"
rc=0
"$SIDEBUNDLE" show hello.c >/dev/null 2>err || rc=$?
expect_eq 1 "$rc" "a file"
expect_match '^sidebundle: hello\.c: Not a directory$' "$(cat err)" "a file: said"
cp -a out/sh bad
sed -i '3s/host/elsewhere/' bad/manifest.lock
rc=0
"$SIDEBUNDLE" show bad >/dev/null 2>err || rc=$?
expect_eq 1 "$rc" "a corrupt manifest"
expect_match '^sidebundle: bad/manifest\.lock: line 3: run-mode elsewhere: want host, bwrap or chroot$' \
	"$(cat err)" "corrupt manifest: the line and why"
cp -a out/sh badwhy
printf 'not\ta%%20why%%20file\n' >badwhy/why
rc=0
out=$("$SIDEBUNDLE" show badwhy 2>err) || rc=$?
expect_eq 0 "$rc" "a corrupt why file is no error"
expect_match '^sidebundle: warning: badwhy/why: line 1: not a why file: reasons not shown$' \
	"$(cat err)" "... but a warning"
expect_match '^ +[0-9]+  .*/usr/bin/dash$' "$out" "... and the listing without reasons"
out=$("$SIDEBUNDLE" show --help)
expect_eq 0 "$?" "--help"
expect_match '^  --json ' "$out" "--help: --json"
expect_match '^  -n N ' "$out" "--help: -n"
exit 0
