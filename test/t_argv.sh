# argv with quotes, backslashes, newlines, tabs, an empty string and
# non-UTF-8 bytes travels exactly: json_each(processes.argv) gives back
# the same bytes, for the root and for an exec'd child, and runs.command
# too.
. "$SB_SRC/test/lib.sh"

args=('a"b' 'c\d' $'e\nf' $'\t' '' $'\xff\xfe' 'caf'$'\xc3\xa9' '[1]')
trace_ok /bin/true "${args[@]}"
trace_ok sh -c 'exec /bin/true "$@"' sh "${args[@]}"
expect_eq 1 "$(q "SELECT json_valid(argv) FROM processes WHERE exe LIKE '%/true'")" "json_valid(argv)"
i=1
for a in "${args[@]}"; do
	expect_eq "$(hexstr "$a")" "$(q "SELECT hex(j.value) FROM processes p, json_each(p.argv) j
		 WHERE p.exe LIKE '%/true' AND j.key = $i")" "argv[$i] of true ($(printf '%q' "$a"))"
	i=$((i + 1))
done
expect_eq $((${#args[@]} + 1)) "$(q "SELECT json_array_length(argv) FROM processes WHERE exe LIKE '%/true'")" \
	"argv length"

trace_ok /bin/true "${args[@]}"
i=1
for a in "${args[@]}"; do
	expect_eq "$(hexstr "$a")" "$(q "SELECT hex(j.value) FROM runs r, json_each(r.command) j
		 WHERE j.key = $i")" "runs.command[$i] ($(printf '%q' "$a"))"
	expect_eq "$(hexstr "$a")" "$(q "SELECT hex(j.value) FROM processes p, json_each(p.argv) j
		 WHERE p.started_by = 'root' AND j.key = $i")" "root argv[$i] ($(printf '%q' "$a"))"
	i=$((i + 1))
done
