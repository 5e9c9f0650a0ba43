# Helpers for the launcher tests (t_launch_*.sh); sourced after
# test/lib.sh and test/bundle_lib.sh.

LAUNCHER=$SB_BUILD/sidebundle-launcher
[ -x "$LAUNCHER" ] || fail "$LAUNCHER is missing: run make"

# The programs every mode is checked with, and what they run.
PY_CODE='import json, sqlite3, ssl, subprocess, sys
print(json.dumps({"a": [1, 2]}), sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0],
      ssl.OPENSSL_VERSION.split()[0], sys.argv[1:], flush=True)
subprocess.run(["/bin/sh", "-c", "echo from sh $0", "sub"], check=True)'
PL_CODE='print floor(7.5), " ", strftime("%Y-%m-%d", gmtime(86400)), " ", POSIX::INT_MAX, "\n"'
SH_CODE='printf "pear\napple\nfig\n" | sort | sed "s/^/- /"'
HELLO_C='#include <stdio.h>
int main(void) { puts("hello, world"); return 0; }'

# make_tools_bundle DIR: DIR/tools with python3, perl, sh, sed, sort and
# gcc (when installed), each traced once; fails the test on error.
make_tools_bundle() {
	local dir=$1 gcc=()
	shift
	if command -v gcc >/dev/null 2>&1; then
		printf '%s\n' "$HELLO_C" >"$dir/hello.c"
		gcc=(--from-host /usr/bin/gcc --trace "gcc -o $dir/hello $dir/hello.c")
	fi
	"$SIDEBUNDLE" create -q --out-dir "$dir" --name tools "$@" \
		--from-host "/usr/bin/python3::trace=-c '$PY_CODE' x" \
		--from-host "/usr/bin/perl::trace=-MPOSIX -e '$PL_CODE'" \
		--from-host /bin/sh --from-host /usr/bin/sed --from-host /usr/bin/sort \
		"${gcc[@]}" >"$dir/create.out" 2>&1 || fail "create: $(cat "$dir/create.out")"
	rm -f "$dir/hello"
}

# in_mode MODE BUNDLE ENTRY ARGS...: run an entry in a run mode, with the
# environment on_host uses.
in_mode() {
	local mode=$1 bundle=$2 entry=$3
	shift 3
	local keep=() v
	for v in SIDEBUNDLE_NET SIDEBUNDLE_BIND_CWD SIDEBUNDLE_BIND_HOME SIDEBUNDLE_BWRAP \
		SIDEBUNDLE_USER SUDO_UID SUDO_GID; do
		[ -n "${!v+set}" ] && keep+=("$v=${!v}")
	done
	env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME="${HOME:-/root}" "${keep[@]}" \
		SIDEBUNDLE_RUN_MODE="$mode" "$bundle/bin/$entry" "$@"
}

# check_programs MODE BUNDLE: python3, perl and sh with sed and sort give
# the same output in MODE as on the host.
check_programs() {
	local mode=$1 b=$2
	expect_eq "$(on_host /usr/bin/python3 -c "$PY_CODE" x 2>&1)" \
		"$(in_mode "$mode" "$b" python3 -c "$PY_CODE" x 2>&1)" "python3 in $mode mode"
	expect_eq "$(on_host /usr/bin/perl -MPOSIX -e "$PL_CODE" 2>&1)" \
		"$(in_mode "$mode" "$b" perl -MPOSIX -e "$PL_CODE" 2>&1)" "perl in $mode mode"
	expect_eq "$(on_host /bin/sh -c "$SH_CODE" 2>&1)" \
		"$(in_mode "$mode" "$b" sh -c "$SH_CODE" 2>&1)" "sh, sort and sed in $mode mode"
	local rc=0
	in_mode "$mode" "$b" sh -c 'exit 7' || rc=$?
	expect_eq 7 "$rc" "exit status in $mode mode"
	rc=0
	in_mode "$mode" "$b" sh -c 'kill -9 $$' 2>/dev/null || rc=$?
	expect_eq 137 "$rc" "killed by SIGKILL in $mode mode: 128+9"
}

# world_readable DIR: let an unprivileged user reach DIR and its parents.
world_readable() {
	local d=$1
	chmod -R a+rX "$d"
	while [ "$d" != / ]; do
		chmod a+x "$d" 2>/dev/null
		d=$(dirname "$d")
	done
}
