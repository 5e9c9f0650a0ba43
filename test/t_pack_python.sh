# A single-file Python: it runs as the host's python3 does; its
# byte-code caches are valid after extraction (mtimes kept: Python
# compares them) and nothing is written into the cache when it runs;
# sys.executable runs the single file again.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
need python3

code='import json, sqlite3, subprocess, sys
print(json.dumps({"a": [1, 2]}), sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0], sys.argv[1:])'
"$SIDEBUNDLE" create -q --no-check --out-dir "$PWD" --name py \
	--from-host "/usr/bin/python3::trace=-c '$code' x" >create.out 2>&1 ||
	fail "create: $(cat create.out)"
"$SIDEBUNDLE" pack -q -l 3 -o python3 py || fail "pack"
mkdir home
pk() {
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME="$PWD/home" SIDEBUNDLE_CACHE="$PWD/cache" "$@"
}

expect_eq "$(on_host /usr/bin/python3 -c "$code" x y 2>&1)" "$(pk ./python3 -c "$code" x y 2>&1)" \
	"the single file runs as the host's python3"
x=$PWD/cache/$(pk ./python3 --sidebundle-info | sed -n 's/^key: //p')
[ -f "$x/.sidebundle-pack" ] || fail "not extracted"
snap() { find "$x" -printf '%p %s %T@ %C@\n' | sort; }
before=$(snap)
got=$(pk ./python3 -v -c 'import json' 2>&1 | grep 'json/__init__')
expect_match '__pycache__/__init__\.cpython-3[0-9]+\.pyc matches .*/json/__init__\.py' "$got" \
	"json's byte code is used: its source's mtime was kept"
expect_nomatch 'stale|could not|bad mtime' "$got" "... not rebuilt"
expect_eq "$before" "$(snap)" "nothing in the extraction was changed by running it"
expect_eq "4" "$(pk ./python3 -c 'import subprocess, sys
print(subprocess.run([sys.executable, "-c", "print(2 + 2)"], capture_output=True, text=True).stdout.strip())')" \
	"sys.executable runs the single file again"
