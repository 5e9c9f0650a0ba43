# sbtrace report --json and --csv are valid whatever the bytes of the
# paths: a file whose name holds 0xff 0xfe, a newline, a double quote
# and a comma, made by a C program, and an argument vector with them.
# Python's json and csv modules (strict UTF-8) read the output back, and
# the exact bytes come back from the _hex fields; the text report shows
# them escaped.
. "$SB_SRC/test/lib.sh"
need python3

mkdir d
name=$'d/a\xff\xfe\n"q,b'
trace_ok "$PROGS/fopenmodes" w "$name" a+ d/plain || exit 1
want_hex=$(hexstr "$PWD/$name")

"$SBTRACE" report --json "$DB" >r.json
expect_eq 0 "$?" "--json: exit status"
got=$(python3 - "$PWD" "$want_hex" <<'PY'
import json, sys
cwd, want_hex = sys.argv[1], sys.argv[2]
with open("r.json", encoding="utf-8", errors="strict") as f:
    d = json.load(f)
run = d["runs"][-1]
w = {p.get("path_hex") or p["path"].encode().hex().upper(): p for p in run["files_written"]}
p = w.get(want_hex)
print("found" if p else "missing")
if p:
    print(bytes.fromhex(p["path_hex"]) == (cwd + '/d/a').encode() + b'\xff\xfe\n"q,b')
    print(p["path"] == cwd + '/d/a\ufffd\ufffd\n"q,b')
    print(p["ops"], p["package"])
plain = [p for p in run["files_written"] if p["path"] == cwd + "/d/plain"]
print(len(plain), "path_hex" in plain[0] if plain else None)
argv = run["processes"][0]["argv"]
hexv = bytes.fromhex(run["processes"][0]["argv_hex"]).split(b"\0")[:-1]
print(hexv[2] == b'd/a\xff\xfe\n"q,b', argv[2] == 'd/a\ufffd\ufffd\n"q,b', len(hexv) == len(argv))
print(bytes.fromhex(run["command_hex"]).split(b"\0")[:-1] == hexv)
PY
)
expect_eq "found
True
True
['open'] None
1 False
True True True
True" "$got" "--json: valid, the path and argv back from the _hex fields"

"$SBTRACE" report --csv "$DB" >r.csv
expect_eq 0 "$?" "--csv: exit status"
got=$(python3 - "$PWD" <<'PY'
import csv, sys
cwd = sys.argv[1]
with open("r.csv", newline="", encoding="utf-8", errors="strict") as f:
    rows = list(csv.reader(f, strict=True))
head = rows[0]
print(",".join(head))
rows = [dict(zip(head, r)) for r in rows[1:]]
print(all(len(r) == len(head) for r in rows))
w = [r for r in rows if r["section"] == "written" and r["path_hex"]]
print(len(w), bytes.fromhex(w[0]["path_hex"]) == (cwd + '/d/a').encode() + b'\xff\xfe\n"q,b',
      w[0]["path"] == cwd + '/d/a\ufffd\ufffd\n"q,b', w[0]["op"])
plain = [r for r in rows if r["section"] == "written" and r["path"] == cwd + "/d/plain"]
print(len(plain), repr(plain[0]["path_hex"]))
run = [r for r in rows if r["section"] == "run"][0]
print(run["exit_code"], run["signal"], run["interrupted"], run["path"] == cwd,
      bytes.fromhex(run["argv_hex"]).split(b"\0")[2] == b'd/a\xff\xfe\n"q,b')
print(sorted({r["section"] for r in rows}))
PY
)
expect_eq "section,run_id,process_id,parent_id,pid,depth,started_by,exit_code,signal,interrupted,op,kind,calls,errors,paths,package,path,path_hex,argv,argv_hex
True
1 True True open
1 ''
0   True True
['executed', 'op', 'process', 'read', 'run', 'top', 'written']" "$got" \
	"--csv: read back by Python's csv module, the exact bytes in path_hex"
expect_eq 1 "$(head -n 1 r.csv | grep -c $'\r$')" "--csv: CRLF line ends (RFC 4180)"

# the text report escapes, and the shell word pastes back
out=$("$SBTRACE" report -s written,tree -w 0 "$DB")
expect_match "^  open  $PWD/d/a\\\\xFF\\\\xFE\\\\n\"q,b\$" "$out" "text: the path escaped"
expect_match "w \\\$'d/a\\\\xFF\\\\xFE\\\\n\"q,b' a\\+ d/plain\$" "$out" "text: the argument as a \$'...' word"
word=$(printf '%s\n' "$out" | sed -n "s/.* w \(\$'.*'\) a+ d\/plain\$/\1/p")
expect_eq "$want_hex" "$(hexstr "$PWD/$(eval "printf '%s' $word")")" "text: the word is the name's bytes"
