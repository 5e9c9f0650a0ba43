# A "#!/usr/bin/env bash" script calling sed and sort: the kernel runs
# /usr/bin/env in the sandbox, env finds bash, bash finds sed and sort.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

need bash sed sort
outside_dir
dir=$outside
cat >"$dir/sorter" <<'EOS'
#!/usr/bin/env bash
printf '%s\n' pear apple fig "$@" | sort | sed -e 's/^/> /' -e 's/apple/APPLE/'
EOS
chmod 755 "$dir/sorter"
"$SIDEBUNDLE" create -q --out-dir out --name s --from-host "$dir/sorter::trace=kiwi" \
	>create.out 2>&1 || fail "create: $(cat create.out)"
m=$(cat out/s/manifest.lock)
expect_match $'^entry\tsorter\t'"$dir"$'/sorter\tscript\t/usr/bin/bash$' "$m" "script entry"
expect_match $'^file\t/usr/bin/env\t' "$m" "env (the #! interpreter) bundled"
expect_match $'^file\t/usr/bin/sed\t' "$m" "sed bundled (trace)"
expect_match $'^file\t/usr/bin/sort\t' "$m" "sort bundled (trace)"
host=$(on_host "$dir/sorter" kiwi)
expect_eq "$host" "$(out/s/bin/sorter kiwi)" "bin/sorter on the host"

need_bwrap
got=$(in_empty_root out/s/payload -- "$dir/sorter" kiwi 2>&1)
expect_eq "$host" "$got" "the script in an empty root"
