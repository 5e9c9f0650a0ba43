# Exec of a #! script: the exec access has SB_M_SCRIPT (0x400); the new
# image is the interpreter with AT_EXECFN = the script.
. "$SB_SRC/test/lib.sh"

printf '#!/bin/sh\ncat /etc/hostname >/dev/null\n' >script
chmod 755 script
trace_ok sh -c "'$PWD/script'; exit 0"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'exec' AND path = '$PWD/script'
	 AND result = 0 AND (mode & 1024) != 0")" "exec access with SB_M_SCRIPT"
expect_eq 1 "$(q "SELECT count(*) FROM processes WHERE execfn = '$PWD/script' AND exe LIKE '%sh'
	 AND started_by = 'exec'")" "processes row: execfn is the script, exe the interpreter"
expect_eq "[\"/bin/sh\",\"$PWD/script\"]" "$(q "SELECT argv FROM processes WHERE execfn = '$PWD/script'
	 AND started_by = 'exec'")" "argv of the interpreter"
expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'")" \
	"the script's cat is traced"
