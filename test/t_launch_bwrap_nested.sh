# bwrap mode inside an existing bwrap sandbox (nested user namespaces:
# the double-isolation set-ups, a container and then bwrap): the outer
# one as such set-ups make it (its own user, PID, IPC and UTS
# namespaces, no capability, a /proc with bwrap's read-only binds below
# it, which makes the kernel refuse the inner sandbox a new one).  The
# bundle runs there, and its switches hold: --no-net leaves only lo and
# a listener outside out of reach (it is reached without), the clean
# environment is exactly the documented one, binds are read-only and
# read-write as asked, the workspace is current, writable and on the
# host, and the outer sandbox's processes' files stay out of reach.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3
need_bwrap
outside_dir
trap 'rc=$?; stop_listener; rm -rf "$outside"; (exit $rc); _sb_exit' EXIT

# outer CMD...: CMD in the outer sandbox, as uid 1000, with the host's
# network, the host read-only but $outside
outer() {
	bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind "$outside" "$outside" \
		--unshare-user --uid 1000 --gid 1000 --unshare-pid --unshare-ipc --unshare-uts \
		--cap-drop ALL --die-with-parent --chdir "$outside" -- \
		env -i PATH=/usr/bin:/bin HOME="$outside/home" TERM=xterm-sb USER=inner LOGNAME=inner \
		FOO=outer "$@"
}
outer true 2>/dev/null || skip "bwrap cannot make a user namespace here"
outer bwrap --ro-bind / / --dev /dev --unshare-user true 2>/dev/null ||
	skip "no user namespace inside a user namespace here (nesting refused)"

make_switch_bundle "$outside"
b=$outside/sw
L=$b/bin/.sidebundle-launcher
start_listener
mkdir -p "$outside/home" "$outside/data" "$outside/rw" "$outside/ws"
echo in-data >"$outside/data/file"

# the outer sandbox is what it should be: another user, /proc masked
expect_eq 1000 "$(outer sh -c 'id -u')" "the outer sandbox runs as uid 1000"

got=$(outer "$b/bin/python3" -c 'import os; print(os.getuid(), os.getpid(), os.getcwd())')
expect_eq "1000 2 $outside" "$got" "bwrap mode runs nested: its own PID namespace, the cwd"
got=$(outer "$b/bin/python3" -c 'import os
print(open("/proc/self/status").read().count("Pid:") > 0, end=" ")
try:
    os.listdir("/proc/1/root/")
    print("outer root readable")
except OSError as e:
    print("outer root refused")')
expect_eq "True outer root refused" "$got" "/proc works; the outer sandbox's files stay out of reach"

# --- the network
expect_match ' connected$' "$(outer "$b/bin/python3" -c "$NET_PY" "$port")" \
	"nested, network shared: the listener outside is reached"
expect_eq "lo refused" "$(outer "$L" --no-net python3 -c "$NET_PY" "$port")" \
	"nested --no-net: only lo, the listener out of reach"
expect_eq "lo refused" "$(outer env SIDEBUNDLE_NET=0 "$b/bin/python3" -c "$NET_PY" "$port")" \
	"nested SIDEBUNDLE_NET=0: the same"

# --- the environment
expect_eq "GREETING HOME LOGNAME PATH PWD TERM USER " \
	"$(outer env LD_PRELOAD=/nonexistent.so "$L" --clean-env sh -c "$ENV_SH")" \
	"nested --clean-env: only the documented names"
expect_eq "hello|$outside/home|xterm-sb|inner|" \
	"$(outer "$L" --clean-env sh -c 'echo "$GREETING|$HOME|$TERM|$USER|$FOO"')" \
	"nested --clean-env: the values"

# --- binds and the workspace
got=$(outer "$L" --ro-bind "$outside/data" /data --bind "$outside/rw" /rw --workspace ws sh -c \
	'pwd; cat /data/file; (echo x >/data/new) 2>/dev/null && echo data-written || echo data-refused
	echo rw >/rw/f && echo rw-written; echo ws >made && echo ws-written')
expect_eq "/workspace
in-data
data-refused
rw-written
ws-written" "$got" "nested binds and workspace"
expect_eq "rw|ws|no" "$(cat "$outside/rw/f")|$(cat "$outside/ws/made")|$([ -e "$outside/data/new" ] && echo yes || echo no)" \
	"what was written nested is on the host, through the read-write binds only"

# all of it at once, as the set-ups run it
got=$(outer env SIDEBUNDLE_NET=0 SIDEBUNDLE_CLEAN_ENV=1 SIDEBUNDLE_RO_BIND="$outside/data:/data" \
	SIDEBUNDLE_WORKSPACE="$outside/ws" SIDEBUNDLE_BIND_HOME=0 "$b/bin/python3" -c 'import os, sys
print(os.getcwd(), sorted(k for k in os.environ if k not in ("LC_CTYPE",)),
      open("/data/file").read().strip(), os.path.exists(os.environ["HOME"]))
'"$NET_PY" "$port")
expect_eq "/workspace ['GREETING', 'HOME', 'LOGNAME', 'PATH', 'PWD', 'TERM', 'USER'] in-data False
lo refused" "$got" "nested, every switch by the environment"

# a container's masks below /proc (Docker's read-only /proc/sys), as
# root: bwrap's own user namespace is refused a new /proc there too, and
# the bundle runs all the same, the mask kept
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	got=$(unshare -m --propagation private sh -c 'mount --bind /proc/sys /proc/sys &&
		mount -o remount,bind,ro /proc/sys &&
		"$1" --no-net python3 -c "import os; print(os.getpid(), os.access(\"/proc/sys/kernel/hostname\", os.W_OK) or os.statvfs(\"/proc/sys\").f_flag & 1)"' \
		sh "$L" 2>&1)
	expect_eq "2 1" "$got" "under a container's masks, as root: runs, the mask kept"
fi
exit 0
