# python3 importing json, sqlite3 and ssl, bundled from a trace, runs in
# an empty root with the host's output.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
code='import json, sqlite3, ssl; print(json.dumps({"a": [1, 2]}), sqlite3.sqlite_version, ssl.OPENSSL_VERSION, ssl.create_default_context().verify_mode)'
"$SIDEBUNDLE" create -q --out-dir out --name py \
	--from-host "/usr/bin/python3::trace=-c 'import json, sqlite3, ssl'" >create.out 2>&1 ||
	fail "create: $(cat create.out)"
m=$(cat out/py/manifest.lock)
expect_match $'^entry\tpython3\t/usr/bin/python3\telf-dynamic\t' "$m" "entry record"
expect_match $'^symlink\t/usr/bin/python3\tpython3.11\t' "$m" "python3 -> python3.11 kept as a link"
expect_match $'^file\t/usr/lib/python3.11/json/__init__.py\t' "$m" "json package source"
expect_match $'^file\t/usr/lib/python3.11/lib-dynload/_ssl[^\t]*\\.so\t' "$m" "_ssl extension"
expect_match $'^file\t[^\t]*/libssl\\.so\\.3\t' "$m" "libssl (static analysis of _ssl)"
expect_nomatch 'libsbtrace' "$m" "the tracer's own library is left out"
"$SIDEBUNDLE" verify out/py >verify.out || _sb_bad "verify" "ok" "$(cat verify.out)"

need_bwrap
host=$(on_host /usr/bin/python3 -c "$code" 2>&1)
got=$(in_empty_root out/py/payload -- /usr/bin/python3 -c "$code" 2>&1)
expect_eq "$host" "$got" "python3 in an empty root"
