# perl and python3 under sbtrace: their opens and module imports.
. "$SB_SRC/test/lib.sh"

ran=0
if command -v perl >/dev/null 2>&1; then
	ran=1
	trace_ok perl -e 'open F, "</etc/passwd" or die; open G, "</nonexistent/sbperl"; exit 0'
	expect_eq 1 "$(q "SELECT count(*) FROM accesses a JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/perl%' AND a.op = 'open' AND a.path = '/etc/passwd' AND a.result = 0")" \
		"perl: open of /etc/passwd"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open'
		 AND path = '/nonexistent/sbperl' AND result = 2")" "perl: failed open"
fi
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
if [ -n "$py" ]; then
	ran=1
	rm -f "$DB"
	trace_ok "$py" -c 'import json, sys; sys.exit(0)'
	expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op IN ('open', 'stat')
		 AND result = 0 AND path LIKE '%/json/__init__%'")" "python: json/__init__ found"
	expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%/json/%'")" \
		"python: files_read has the json package"
	expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE exe LIKE '%python3%'")" \
		"python: one process row"
fi
[ "$ran" = 1 ] || skip "neither perl nor python3 is installed"
