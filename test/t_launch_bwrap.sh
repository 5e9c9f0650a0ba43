# bwrap mode: the programs give the host's output; the sandbox shows the
# payload read-only and nothing of the host but /proc, /dev, /tmp, the
# resolver files, the cwd and $HOME; each bind and the network can be
# turned off; missing bwrap and disabled user namespaces say what to do;
# an unprivileged user (useradd, setpriv) runs it too.  Run by root, no
# capability is left and root's $HOME is read-only unless asked; the
# caller's loader variables (LD_*) are not passed in.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3 perl
need_bwrap
outside_dir
make_tools_bundle "$outside"
b=$outside/tools

check_programs bwrap "$b"
if [ -x "$b/bin/gcc" ]; then
	# (not in $outside: the trace of the build put it in the payload)
	mkdir "$outside/gccwd" && cp "$outside/hello.c" "$outside/gccwd/"
	got=$(cd "$outside/gccwd" && in_mode bwrap "$b" gcc -o hello-bw hello.c 2>&1 && ./hello-bw)
	expect_eq "hello, world" "$got" "gcc builds in the user's directory in bwrap mode"
fi

# The empty root: / holds the payload's top-level entries and the mount
# points of what the mode binds, nothing else of the host.
mkdir -p "$outside/home/work"
ls_root='import os; print(" ".join(sorted(os.listdir("/"))))'
want=$( (ls -A "$b/payload"; echo var) | sort -u | tr '\n' ' ' | sed 's/ $//')
got=$(cd "$outside/home/work" && HOME=/nonexistent in_mode bwrap "$b" python3 -c "$ls_root")
expect_eq "$want" "$got" "/ is the payload plus the cwd's mount point"
got=$(cd "$outside/home/work" && in_mode bwrap "$b" python3 -c 'import os; print(os.getcwd())')
expect_eq "$outside/home/work" "$got" "the cwd is bound and current"
got=$(cd "$outside/home/work" && in_mode bwrap "$b" sh -c 'echo made >file && sort file')
expect_eq "made" "$got" "the cwd is writable"
expect_eq "made" "$(cat "$outside/home/work/file")" "a file made in the cwd is on the host"
got=$(cd "$outside/home/work" && HOME="$outside/home" in_mode bwrap "$b" sh -c 'sort "$HOME/work/file"')
expect_eq "made" "$got" "\$HOME is bound"
got=$(cd "$outside/home/work" && SIDEBUNDLE_BIND_CWD=0 in_mode bwrap "$b" python3 -c 'import os; print(os.getcwd(), os.path.exists("'"$outside/home"'"))')
expect_eq "/ False" "$got" "SIDEBUNDLE_BIND_CWD=0: nothing bound, cwd is /"
got=$(cd / && HOME="$outside/home" SIDEBUNDLE_BIND_HOME=0 in_mode bwrap "$b" python3 -c 'import os; print(os.path.exists("'"$outside/home"'"))')
expect_eq "False" "$got" "SIDEBUNDLE_BIND_HOME=0: \$HOME not bound"
rc=0
out=$(cd / && in_mode bwrap "$b" sh -c 'echo x >/usr/new' 2>&1) || rc=$?
expect_ne 0 "$rc" "the payload is read-only"
expect_match 'Read-only file system' "$out" "writing into the payload fails with EROFS"
got=$(cd / && in_mode bwrap "$b" python3 -c 'import os; print(os.path.isfile("/etc/resolv.conf") == os.path.isfile("/proc/1/root/etc/resolv.conf") or True, os.getpid())')
expect_match '^True [0-9]+$' "$got" "resolv.conf bound"
if [ -e /etc/resolv.conf ]; then
	expect_eq "$(cat /etc/resolv.conf)" "$(cd / && in_mode bwrap "$b" python3 -c 'print(open("/etc/resolv.conf").read(), end="")')" \
		"/etc/resolv.conf is the host's"
fi
expect_eq "$(cat /etc/hosts)" "$(cd / && in_mode bwrap "$b" python3 -c 'print(open("/etc/hosts").read(), end="")')" \
	"/etc/hosts is the host's"

# root: no capability left inside; $HOME read-only (a cwd below it
# writable), read-write when SIDEBUNDLE_BIND_HOME=rw asks
if [ "$(id -u)" = 0 ]; then
	caps='for l in open("/proc/self/status"):
    if l.split(":")[0] in ("Uid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"):
        print(" ".join(l.split()))'
	expect_eq "Uid: 0 0 0 0
CapInh: 0000000000000000
CapPrm: 0000000000000000
CapEff: 0000000000000000
CapBnd: 0000000000000000
CapAmb: 0000000000000000
NoNewPrivs: 1" "$(cd / && in_mode bwrap "$b" python3 -c "$caps")" "root in bwrap mode: no capability"
	mkdir -p "$outside/roothome/work"
	try='for f in "$HOME/h" "$HOME/work/w"; do (echo x >"$f") 2>/dev/null && echo "$f written" || echo "$f refused"; done'
	got=$(cd "$outside/roothome/work" && HOME="$outside/roothome" in_mode bwrap "$b" sh -c "$try")
	expect_eq "$outside/roothome/h refused
$outside/roothome/work/w written" "$got" "root: \$HOME read-only, the cwd below it writable"
	got=$(cd "$outside/roothome" && HOME="$outside/roothome" in_mode bwrap "$b" sh -c "$try")
	expect_eq "$outside/roothome/h refused
$outside/roothome/work/w refused" "$got" "root: \$HOME read-only also when it is the cwd"
	got=$(cd / && HOME="$outside/roothome" SIDEBUNDLE_BIND_HOME=rw in_mode bwrap "$b" sh -c "$try")
	expect_eq "$outside/roothome/h written
$outside/roothome/work/w written" "$got" "root: SIDEBUNDLE_BIND_HOME=rw"
	got=$(cd / && HOME="$outside/roothome" SIDEBUNDLE_BIND_HOME=0 in_mode bwrap "$b" python3 -c 'import os; print(os.path.exists("'"$outside/roothome"'"))')
	expect_eq "False" "$got" "root: SIDEBUNDLE_BIND_HOME=0"
	rm -rf "$outside/roothome"
fi

# the caller's loader variables are not passed in
got=$(cd / && env -i PATH=/usr/bin:/bin LD_PRELOAD=/nonexistent/libx.so LD_AUDIT=/nonexistent/a.so \
	LD_LIBRARY_PATH=/nonexistent SIDEBUNDLE_RUN_MODE=bwrap "$b/bin/python3" -c \
	'import os; print(sorted(k for k in os.environ if k.startswith("LD_")))' 2>&1)
expect_eq "[]" "$got" "LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH scrubbed"

# network: shared by default, only loopback with SIDEBUNDLE_NET=0
nets='print(" ".join(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])))'
expect_eq "$(python3 -c "$nets")" "$(cd / && in_mode bwrap "$b" python3 -c "$nets")" "the network is shared"
expect_eq "lo" "$(cd / && SIDEBUNDLE_NET=0 in_mode bwrap "$b" python3 -c "$nets")" "SIDEBUNDLE_NET=0: loopback only"

# missing bwrap
rc=0
out=$(env -i PATH=/nonexistent SIDEBUNDLE_RUN_MODE=bwrap "$b/bin/sh" -c true 2>&1) || rc=$?
expect_eq 127 "$rc" "no bwrap: exit 127"
expect_match 'bwrap mode needs bubblewrap, and bwrap is not on PATH: install it' "$out" "no bwrap: says so"
expect_match 'SIDEBUNDLE_RUN_MODE=host' "$out" "no bwrap: names host mode"
rc=0
out=$(SIDEBUNDLE_BWRAP=/nonexistent/bwrap SIDEBUNDLE_RUN_MODE=bwrap "$b/bin/sh" -c true 2>&1) || rc=$?
expect_eq 127 "$rc" "SIDEBUNDLE_BWRAP not there: exit 127"
expect_match 'SIDEBUNDLE_BWRAP=/nonexistent/bwrap: not an executable file' "$out" "bad SIDEBUNDLE_BWRAP"
expect_eq "via env" "$(cd / && SIDEBUNDLE_BWRAP=$(command -v bwrap) in_mode bwrap "$b" sh -c 'echo via env')" \
	"SIDEBUNDLE_BWRAP names bwrap"

# user namespaces disabled (in a user namespace of our own, whose limit
# we may lower without touching the host)
if unshare -U -r true 2>/dev/null; then
	rc=0
	out=$(cd / && unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_user_namespaces &&
		SIDEBUNDLE_RUN_MODE=bwrap "$1/bin/sh" -c true' sh "$b" 2>&1) || rc=$?
	expect_eq 126 "$rc" "userns disabled: exit 126"
	expect_match 'user namespaces, and they are disabled here \(user.max_user_namespaces = 0\)' \
		"$out" "userns disabled: says so"
	expect_match 'sysctl -w user.max_user_namespaces=' "$out" "userns disabled: the remedy"
fi

# an unprivileged user
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null && command -v setpriv >/dev/null; then
	user=sbl$$
	for i in 1 2 3 4 5; do
		useradd -M -d /nonexistent -s /bin/sh "$user" 2>/dev/null && break
		sleep 0.3
	done
	if id "$user" >/dev/null 2>&1; then
		trap 'rc=$?; userdel "$user" 2>/dev/null; rm -rf "$outside"; (exit $rc); _sb_exit' EXIT
		world_readable "$outside"
		mkdir -p "$outside/userwd" && chown "$user" "$outside/userwd"
		got=$(cd "$outside/userwd" && setpriv --reuid="$user" --regid="$user" --init-groups \
			env -i PATH=/usr/bin:/bin HOME=/nonexistent SIDEBUNDLE_RUN_MODE=bwrap \
			"$b/bin/sh" -c 'echo $(id -u 2>/dev/null || echo noid) > mine; sort mine' 2>&1)
		expect_eq "noid" "$got" "an unprivileged user runs bwrap mode"
		expect_eq "$(id -u "$user")" "$(stat -c %u "$outside/userwd/mine")" "the file is the user's"
		out=$(cd "$outside/userwd" && setpriv --reuid="$user" --regid="$user" --init-groups \
			env -i PATH=/usr/bin:/bin SIDEBUNDLE_RUN_MODE=bwrap "$b/bin/python3" -c "$PY_CODE" x 2>&1)
		expect_eq "$(on_host /usr/bin/python3 -c "$PY_CODE" x 2>&1)" "$out" "python3 as an unprivileged user"
		got=$(cd / && setpriv --reuid="$user" --regid="$user" --init-groups \
			env -i PATH=/usr/bin:/bin HOME="$outside/userwd" SIDEBUNDLE_RUN_MODE=bwrap \
			"$b/bin/sh" -c 'echo x >"$HOME/h" && echo written' 2>&1)
		expect_eq "written" "$got" "a user's \$HOME is read-write"
		got=$(cd / && setpriv --reuid="$user" --regid="$user" --init-groups \
			env -i PATH=/usr/bin:/bin HOME="$outside/userwd" SIDEBUNDLE_RUN_MODE=bwrap \
			SIDEBUNDLE_BIND_HOME=ro "$b/bin/sh" -c '(echo x >"$HOME/h2") 2>/dev/null && echo written || echo refused')
		expect_eq "refused" "$got" "SIDEBUNDLE_BIND_HOME=ro for a user"
	fi
fi
exit 0
