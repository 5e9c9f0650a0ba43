# fstatat relative to a directory fd is recorded under the directory the
# fd names at that moment, though the library keeps the paths of the fds
# it has seen: after the fd is closed and reused, after dup2 over it, and
# from two threads reusing fds at once.  ptrace, which reads the fd's
# link every time, is the oracle.
. "$SB_SRC/test/lib.sh"

mkdir -p t/a t/b t/c t/d t/e
touch t/a/in-a t/b/in-b t/c/in-c t/d/f t/e/f
T=$PWD/t

check() { # what
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$T/a/in-a'")" \
		"$1: in-a under a"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$T/b/in-b'")" \
		"$1: in-b under b (fd closed and reused)"
	expect_eq 1 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path = '$T/c/in-c'")" \
		"$1: in-c under c (dup2 over the fd)"
	expect_eq 200 "$(q "SELECT coalesce(sum(count), 0) FROM accesses WHERE op = 'stat'
		 AND path = '$T/d/f'")" "$1: d/f 200 times"
	expect_eq 200 "$(q "SELECT coalesce(sum(count), 0) FROM accesses WHERE op = 'stat'
		 AND path = '$T/e/f'")" "$1: e/f 200 times"
	expect_eq 0 "$(q "SELECT count(*) FROM accesses WHERE op = 'stat' AND path LIKE '$T/%'
		 AND path NOT IN ('$T/a/in-a', '$T/b/in-b', '$T/c/in-c', '$T/d/f', '$T/e/f')")" \
		"$1: no stat under a wrong directory"
}

for b in preload ptrace; do
	rm -f "$DB"
	rc=0
	"$SBTRACE" -q -b "$b" -o "$DB" -- "$PROGS/dirfd_reuse" "$T" 2>err.txt || rc=$?
	if [ "$b" = ptrace ] && grep -q 'ptrace' err.txt && [ "$rc" -ne 0 ]; then
		break # not permitted here: the preload half stands alone
	fi
	expect_eq 0 "$rc" "$b: exit status"
	check "$b"
done
