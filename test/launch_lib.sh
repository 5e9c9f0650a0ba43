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
		SIDEBUNDLE_USER SIDEBUNDLE_CLEAN_ENV SIDEBUNDLE_BIND SIDEBUNDLE_RO_BIND \
		SIDEBUNDLE_WORKSPACE SUDO_UID SUDO_GID; do
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

# --- the switches of the sealed set-ups (t_launch_bwrap_*.sh)

# What the network looks like from inside: the interfaces, and whether a
# connection to 127.0.0.1:PORT (argv[1], a listener outside) is made.
NET_PY='import socket, sys
ifs = sorted(l.split(":")[0].strip() for l in open("/proc/self/net/dev").readlines()[2:])
s = socket.socket()
s.settimeout(5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    r = "connected"
except OSError:
    r = "refused"
print(" ".join(ifs), r)'
# The names of the exported variables, sorted, on one line.
ENV_SH='export -p | sed -n "s/^export \\([A-Za-z_][A-Za-z0-9_]*\\).*/\\1/p" | sort | tr "\\n" " "'

# make_switch_bundle DIR: DIR/sw (bwrap mode) with python3 (socket, os),
# sh, cat, sort, sed and tr, and a --set-env GREETING=hello; fails the
# test on error.
make_switch_bundle() {
	"$SIDEBUNDLE" create -q --out-dir "$1" --name sw --run-mode bwrap --set-env GREETING=hello \
		--from-host "/usr/bin/python3::trace=-c 'import socket, os, sys'" \
		--from-host /bin/sh --from-host /usr/bin/cat --from-host /usr/bin/sort \
		--from-host /usr/bin/sed --from-host /usr/bin/tr >"$1/create.out" 2>&1 ||
		fail "create: $(cat "$1/create.out")"
}

# start_listener: a TCP listener on 127.0.0.1 of the host, its port in
# $port; stopped when the test ends (stop_listener in the EXIT trap).
start_listener() {
	python3 -c 'import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    s.accept()[0].close()' "$PWD/listener.port" &
	listener=$!
	wait_for_file "$PWD/listener.port" 10 || fail "the listener did not start"
	port=$(cat "$PWD/listener.port")
}

stop_listener() {
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	listener=
}
