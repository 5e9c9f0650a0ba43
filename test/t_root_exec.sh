# The command is a process image like any other: its exec is an exec
# row of the root image (so programs_executed lists it), and for a
# script each file of its "#!" chain as the kernel resolves it.  A
# script without "#!" runs through /bin/sh, as execvp runs it.  Both
# backends write the same rows.
. "$SB_SRC/test/lib.sh"

mkdir bin
printf '#!/bin/sh\ncat /etc/hostname >/dev/null\necho "inner $0 $1"\n' >inner
printf '#!%s\nthis line is for the inner script to ignore\n' "$PWD/inner" >outer
printf 'cat /etc/hostname >/dev/null\necho "plain $0 $1"\nexit 6\n' >plain
cp plain bin/plainp
chmod 755 inner outer plain bin/plainp

# root_execs: the exec rows of the root image, path|raw|mode, in order
root_execs() {
	q "SELECT a.path || '|' || a.raw_path || '|' || a.mode FROM accesses a
	   JOIN processes p ON p.id = a.process_id
	   WHERE p.started_by = 'root' AND a.op = 'exec' AND a.result = 0 ORDER BY a.id"
}

backends=preload
"$SBTRACE" -q -b ptrace -o "$DB" -- /bin/true 2>/dev/null && backends="preload ptrace"
for b in $backends; do
	rm -f "$DB"*
	out=$("$SBTRACE" -q -b "$b" -o "$DB" -- cat /etc/hostname) || _sb_bad "$b: cat" 0 $?
	cat=$(command -v cat)
	expect_eq "$cat|cat|1" "$(root_execs)" "$b: an ELF command: one row, found in PATH"
	expect_eq 1 "$(q "SELECT count(*) FROM programs_executed WHERE path = '$cat'")" \
		"$b: programs_executed lists it"

	rm -f "$DB"*
	out=$("$SBTRACE" -q -b "$b" -o "$DB" -- ./outer arg) || _sb_bad "$b: outer" 0 $?
	expect_eq "inner $PWD/inner ./outer" "$out" "$b: the #! chain ran"
	expect_eq "$PWD/outer|./outer|1025
$PWD/inner|$PWD/inner|1025
/bin/sh|/bin/sh|1" "$(root_execs)" "$b: #! chain: the script, the script that is its interpreter, /bin/sh"
	expect_eq 3 "$(q "SELECT count(*) FROM programs_executed
		 WHERE path IN ('$PWD/outer', '$PWD/inner', '/bin/sh')")" "$b: programs_executed lists the chain"

	rm -f "$DB"*
	rc=0
	out=$("$SBTRACE" -q -b "$b" -o "$DB" -- ./plain arg) || rc=$?
	expect_eq 6 "$rc" "$b: a script without #!: its exit status"
	expect_eq "plain ./plain arg" "$out" "$b: a script without #!: run by /bin/sh as execvp runs it"
	expect_eq "$PWD/plain|./plain|1
/bin/sh|/bin/sh|1" "$(root_execs)" "$b: a script without #!: the script and /bin/sh"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'open' AND path = '/etc/hostname'
		 AND result = 0")" "$b: a script without #!: traced inside"
	expect_eq '["/bin/sh","./plain","arg"]' "$(q "SELECT argv FROM processes WHERE started_by = 'root'")" \
		"$b: a script without #!: the shell's argv"

	rm -f "$DB"*
	rc=0
	out=$(PATH=$PWD/bin:$PATH "$SBTRACE" -q -b "$b" -o "$DB" -- plainp x) || rc=$?
	expect_eq 6 "$rc" "$b: found in PATH, without #!: its exit status"
	expect_eq "plain $PWD/bin/plainp x" "$out" "$b: found in PATH, without #!: the path execvp found"
	expect_eq "$PWD/bin/plainp|plainp|1
/bin/sh|/bin/sh|1" "$(root_execs)" "$b: found in PATH, without #!: rows"
done
