# iconv loads its gconv module through glibc's internal dlopen, which no
# open() wrapper sees: LD_AUDIT records it as 'load' (or 'dlopen').
. "$SB_SRC/test/lib.sh"

need iconv
ls /usr/lib/*/gconv/EBCDIC-US.so >/dev/null 2>&1 || skip "gconv module EBCDIC-US.so is not installed"
out=$(echo hello | trace iconv -f utf-8 -t ebcdic-us | od -An -tx1 | tr -d ' \n')
expect_eq "8885939396 25" "$(echo "$out" | sed 's/^\(..........\)\(..\)$/\1 \2/')" \
	"iconv output (hello in EBCDIC)"
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op IN ('load', 'dlopen')
	 AND result = 0 AND path LIKE '%/gconv/EBCDIC-US.so'")" \
	"load of gconv/EBCDIC-US.so"
expect_ge 1 "$(q "SELECT count(*) FROM files_read WHERE path LIKE '%/gconv/EBCDIC-US.so'")" \
	"files_read lists the gconv module"
# and the DT_NEEDED libc of iconv itself
expect_ge 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'load' AND result = 0
	 AND path LIKE '%/libc.so.6'")" "load of libc.so.6"
