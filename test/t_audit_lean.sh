# sbtrace sets LD_AUDIT to libsbtrace-audit.so, an audit module that
# needs no libc; it must still see what the dynamic linker maps, stay in
# the environment of an `env -i` child, and libsbtrace.so must still do
# the job when the lean module is not beside it.
. "$SB_SRC/test/lib.sh"
need readelf

lean=$SB_BUILD/libsbtrace-audit.so
[ -f "$lean" ] || fail "$lean was not built"
dyn=$(readelf -d "$lean")
expect_match 'SONAME.*libsbtrace-audit\.so' "$dyn" "readelf -d reads the module"
expect_nomatch 'NEEDED' "$dyn" "libsbtrace-audit.so needs no library"
expect_eq "la_activity la_objopen la_objsearch la_version" \
	"$(nm -D --defined-only "$lean" | awk '{print $3}' | sort | xargs)" \
	"libsbtrace-audit.so exports only the audit interface"

# the environment of the command, and of a child started with env -i
out=$(trace sh -c 'echo "A=$LD_AUDIT"; env -i /usr/bin/env')
expect_match "^A=$lean\$" "$out" "LD_AUDIT of the command"
expect_match "^LD_AUDIT=$lean\$" "$out" "LD_AUDIT put back for env -i"
expect_match "^LD_PRELOAD=$SB_BUILD/libsbtrace.so\$" "$out" "LD_PRELOAD put back for env -i"

# gconv modules come through glibc's internal dlopen: only ld.so sees them
if command -v iconv >/dev/null && ls /usr/lib/*/gconv/EBCDIC-US.so >/dev/null 2>&1; then
	echo hello | trace iconv -f utf-8 -t ebcdic-us >/dev/null
	expect_eq 1 "$(q "SELECT count(*) > 0 FROM accesses a JOIN processes p ON p.id = a.process_id
		 WHERE p.exe LIKE '%/iconv' AND a.op = 'load' AND a.result = 0
		 AND a.path LIKE '%/gconv/EBCDIC-US.so'")" "iconv's load of its gconv module"
fi

# every DT_NEEDED library of python3, as a load of the python3 process
# (the system's: a python3 first in PATH may be a wrapper script)
if [ -x /usr/bin/python3 ]; then
	py=$(readlink -f /usr/bin/python3)
	rm -f "$DB"
	trace_ok /usr/bin/python3 -c pass
	expect_match NEEDED "$(readelf -d "$py")" "python3 is a dynamic ELF"
	for so in $(readelf -d "$py" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		expect_eq 1 "$(q "SELECT count(*) > 0 FROM accesses a JOIN processes p
			 ON p.id = a.process_id WHERE p.exe = $(sqlstr "$py")
			 AND a.op = 'load' AND a.result = 0 AND a.path LIKE $(sqlstr "%/$so")")" \
			"load of $so by python3"
	done
fi

# libsbtrace.so alone (a copy with no lean module beside it) is the
# audit module, and execs keep it
mkdir alone
cp "$SB_BUILD/libsbtrace.so" alone/
rm -f "$DB"
out=$(SBTRACE_LIB=$PWD/alone/libsbtrace.so trace sh -c 'env -i /usr/bin/env; exec iconv -l >/dev/null')
expect_match "^LD_AUDIT=$PWD/alone/libsbtrace.so\$" "$out" "LD_AUDIT without the lean module"
expect_eq 1 "$(q "SELECT count(*) > 0 FROM accesses a JOIN processes p ON p.id = a.process_id
	 WHERE p.exe LIKE '%/iconv' AND a.op = 'load' AND a.path LIKE '%/libc.so.6'")" \
	"libsbtrace.so as the audit module records loads"
