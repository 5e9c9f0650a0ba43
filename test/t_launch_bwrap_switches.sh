# bwrap mode's switches for sealed set-ups, given as the launcher's
# options, as SIDEBUNDLE_* variables and as create's --run-* defaults
# (options over the environment over the bundle; an empty value takes
# the bundle's back): no network (only lo, a listener outside out of
# reach; chroot mode too), a clean environment (exactly the documented
# names), binds read-only and read-write at the place asked (any path
# bytes through the list escapes, one below another on top), a
# workspace at /workspace that is current, writable and on the host.
# What is malformed, missing or not for the run mode is refused with
# exit 2 and says so, at run time and at create time.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3
need_bwrap
outside_dir
trap 'rc=$?; stop_listener; rm -rf "$outside"; (exit $rc); _sb_exit' EXIT
make_switch_bundle "$outside"
b=$outside/sw
L=$b/bin/.sidebundle-launcher
start_listener
cd "$outside" || fail "cd"

# run [VAR=V...] -- ARGS...: the launcher with a known environment
run() {
	local vars=()
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	env -i PATH=/usr/bin:/bin HOME="$outside/home" TERM=xterm-sb USER=sbuser LOGNAME=sbuser \
		LANG=C.UTF-8 FOO=caller LD_PRELOAD=/nonexistent.so "${vars[@]}" "$@"
}
mkdir -p home

# --- the network
host_ifs=$(sed -n '3,$s/:.*//p' /proc/net/dev | tr -d ' ' | sort | tr '\n' ' ' | sed 's/ $//')
expect_eq "$host_ifs connected" "$(run -- "$b/bin/python3" -c "$NET_PY" "$port")" \
	"default: the host's network, the listener reached"
expect_eq "lo refused" "$(run -- "$L" --no-net python3 -c "$NET_PY" "$port")" \
	"--no-net: only lo, the listener out of reach"
expect_eq "lo refused" "$(run SIDEBUNDLE_NET=0 -- "$b/bin/python3" -c "$NET_PY" "$port")" \
	"SIDEBUNDLE_NET=0: the same"

# --- the environment
expect_eq "FOO GREETING HOME LANG LOGNAME PATH PWD TERM USER " \
	"$(run -- "$b/bin/sh" -c "$ENV_SH")" "default: the caller's environment but LD_*"
expect_eq "GREETING HOME LOGNAME PATH PWD TERM USER " \
	"$(run -- "$L" --clean-env sh -c "$ENV_SH")" \
	"--clean-env: the bundle's, TERM HOME USER LOGNAME PATH (and the shell's PWD)"
expect_eq "hello|$outside/home|xterm-sb|sbuser|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	"$(run SIDEBUNDLE_CLEAN_ENV=1 -- "$b/bin/sh" -c 'echo "$GREETING|$HOME|$TERM|$USER|$PATH"')" \
	"SIDEBUNDLE_CLEAN_ENV=1: the values, PATH defaulted"

# --- binds
mkdir -p data/out ro\ x,y:z rw
echo in-data >data/file
echo odd >'ro x,y:z/f'
got=$(run -- "$L" --ro-bind "$outside/data" /data --bind "$outside/rw" /mnt/rw sh -c \
	'cat /data/file; (echo no >/data/new) 2>/dev/null && echo data-written || echo data-refused
	echo made >/mnt/rw/f && echo rw-written')
expect_eq "in-data
data-refused
rw-written" "$got" "--ro-bind is read-only, --bind read-write"
expect_eq made "$(cat rw/f 2>&1)" "what was written through --bind is on the host"
expect_eq no "$([ -e data/new ] && echo yes || echo no)" "nothing written through --ro-bind"
# a path with a space, ',' and ':' through the list escapes; a relative
# SRC; DEST left out is SRC's own path
got=$(run SIDEBUNDLE_RO_BIND='ro x\,y\:z:/odd,data' -- "$b/bin/sh" -c \
	"cat /odd/f /$outside/data/file")
expect_eq "odd
in-data" "$got" "SIDEBUNDLE_RO_BIND: escapes, relative SRC, DEST defaulted"
# one below another is mounted on top whatever the order given
got=$(run -- "$L" --bind "$outside/data/out" /data/out --ro-bind "$outside/data" /data sh -c \
	'echo x >/data/out/o && echo out-written; (echo x >/data/o) 2>/dev/null || echo data-refused')
expect_eq "out-written
data-refused" "$got" "a bind below a read-only one stays read-write"
got=$(run -- "$L" --ro-bind "$outside/data/file" /etc/hostname cat /etc/hostname)
expect_eq in-data "$got" "a file bound over a file of the bundle"

# --- the workspace
mkdir -p ws cwdir
got=$(cd cwdir && run -- "$L" --workspace ../ws python3 -c 'import os
open("made", "w").write("in the workspace\n")
print(os.getcwd(), os.path.exists("'"$outside/cwdir"'"))')
expect_eq "/workspace False" "$got" "--workspace: current, the cwd not bound"
expect_eq "in the workspace" "$(cat ws/made 2>&1)" "the workspace's file is on the host"
got=$(cd cwdir && run SIDEBUNDLE_WORKSPACE="$outside/ws" SIDEBUNDLE_BIND_CWD=1 -- "$b/bin/sh" -c \
	'pwd; cat made; echo c >'"$outside/cwdir/c"' && echo cwd-written')
expect_eq "/workspace
in the workspace
cwd-written" "$got" "SIDEBUNDLE_WORKSPACE, and the cwd when SIDEBUNDLE_BIND_CWD=1 asks"

# --- baked into the bundle, and overridden
"$SIDEBUNDLE" create -q --out-dir "$outside" --name sealed --run-mode bwrap --no-check \
	--from-host /bin/sh --from-host /usr/bin/cat --from-host /usr/bin/sed --from-host /usr/bin/sort \
	--from-host /usr/bin/tr --from-host /usr/bin/wc --run-no-net --run-clean-env \
	--run-ro-bind 'data:/data' --run-ro-bind 'ro x\,y\:z:/odd' --run-workspace ws \
	--set-env GREETING=hi >sealed.out 2>&1 || fail "create sealed: $(cat sealed.out)"
expect_eq "env	SIDEBUNDLE_NET=0
env	SIDEBUNDLE_CLEAN_ENV=1
env	SIDEBUNDLE_RO_BIND=data:/data,ro%20x\\,y\\:z:/odd
env	SIDEBUNDLE_WORKSPACE=ws
env	GREETING=hi" "$(grep '^env' sealed/manifest.lock)" "create --run-*: env records, in order"
got=$(run -- sealed/bin/sh -c 'pwd; cat /data/file /odd/f; '"$ENV_SH"'; cat /proc/net/dev | sed -n "3,\$s/:.*//p" | tr -d " "')
expect_eq "/workspace
in-data
odd
GREETING HOME LOGNAME PATH PWD TERM USER lo" "$got" "the bundle's defaults: workspace, binds, clean environment, no network"
got=$(run SIDEBUNDLE_CLEAN_ENV= SIDEBUNDLE_NET=1 SIDEBUNDLE_RO_BIND= SIDEBUNDLE_WORKSPACE= -- \
	sealed/bin/sh -c 'echo $FOO; test -e /data/file || echo no-data; cat /proc/net/dev | wc -l')
expect_eq "caller
no-data
$(wc -l </proc/net/dev)" "$got" "the environment overrides the bundle (empty: the default)"
expect_eq "lo refused" "$(run SIDEBUNDLE_NET=1 -- "$L" --no-net python3 -c "$NET_PY" "$port")" \
	"an option overrides the environment"

# --- refused, exit 2, saying why
refused() { # WHAT ERE CMD...: exit 2 and a message matching ERE
	local what=$1 ere=$2 rc=0 out
	shift 2
	out=$("$@" 2>&1 >/dev/null) || rc=$?
	expect_eq 2 "$rc" "$what: exit 2"
	expect_match "$ere" "$out" "$what: the message"
}
refused "missing SRC" 'SIDEBUNDLE_BIND \(--bind\): /nonexistent/x: No such file or directory' \
	run -- "$L" --bind /nonexistent/x /x sh -c true
refused "relative DEST" 'rel/x: the place in the sandbox must be an absolute path' \
	run -- "$L" --ro-bind "$outside/data" rel/x sh -c true
refused "DEST /" 'cannot be bound there' run -- "$L" --bind "$outside/data" / sh -c true
refused "DEST below /proc" 'cannot be bound there' \
	run -- "$L" --bind "$outside/data" /proc/x sh -c true
refused "DEST with .." 'cannot be bound there' run -- "$L" --bind "$outside/data" /a/../b sh -c true
refused "DEST twice" '/x is bound twice' \
	run -- "$L" --bind "$outside/data" /x --ro-bind "$outside/rw" /x sh -c true
refused "DEST through a link of the bundle" '/lib/x: the bundle has a file or a symbolic link at a directory above it' \
	run -- "$L" --bind "$outside/data" /lib/x sh -c true
refused "malformed list" "SIDEBUNDLE_RO_BIND=/a,,/b \\(in the environment\\): want SRC\\[:DEST\\]" \
	run SIDEBUNDLE_RO_BIND=/a,,/b -- "$b/bin/sh" -c true
refused "workspace missing" 'SIDEBUNDLE_WORKSPACE \(--workspace\): nope: No such file or directory' \
	run -- "$L" --workspace nope sh -c true
refused "workspace a file" 'data/file: not a directory' run -- "$L" --workspace data/file sh -c true
refused "unknown option" 'unknown option --frob' run -- "$L" --frob sh -c true
refused "--bind with one argument" '--bind needs SRC DEST' run -- "$L" --bind /x
refused "no entry" 'no entry given' run -- "$L" --no-net
refused "no network in host mode" 'SIDEBUNDLE_NET=0 \(--no-net\): host mode cannot take the network away' \
	run -- "$L" --mode host --no-net sh -c true
refused "a bind in host mode" 'SIDEBUNDLE_RO_BIND=/x \(in the environment\): host mode binds nothing' \
	run SIDEBUNDLE_RUN_MODE=host SIDEBUNDLE_RO_BIND=/x -- "$b/bin/sh" -c true
refused "a workspace in chroot mode" 'SIDEBUNDLE_WORKSPACE=ws \(--workspace\): chroot mode binds nothing' \
	run -- "$L" --mode chroot --workspace ws sh -c true
refused "the bundle's no network, run in host mode" "SIDEBUNDLE_NET=0 \\(the bundle's default; an empty value in the environment takes it back\\): host mode" \
	run SIDEBUNDLE_RUN_MODE=host -- sealed/bin/sh -c true
refused "a user in bwrap mode" 'SIDEBUNDLE_USER=1 \(in the environment\): bwrap mode runs the entry as the user' \
	run SIDEBUNDLE_USER=1 -- "$b/bin/sh" -c true
expect_eq "host" "$(run SIDEBUNDLE_RUN_MODE=host SIDEBUNDLE_NET= SIDEBUNDLE_RO_BIND= \
	SIDEBUNDLE_WORKSPACE= -- sealed/bin/sh -c 'echo host')" "taken back, host mode runs it"
# ... and at create time
refused "create: host mode without network" '--run-mode host with SIDEBUNDLE_NET=0: host mode cannot' \
	"$SIDEBUNDLE" create -q --out-dir "$outside" --name bad --from-host /bin/sh --run-no-net
refused "create: a bind in chroot mode" 'chroot mode binds nothing' \
	"$SIDEBUNDLE" create -q --out-dir "$outside" --name bad --from-host /bin/sh \
	--run-mode chroot --run-bind /a:/b
refused "create: relative DEST" '--run-bind /a:b: DEST b must be an absolute path' \
	"$SIDEBUNDLE" create -q --out-dir "$outside" --name bad --from-host /bin/sh \
	--run-mode bwrap --run-bind /a:b
refused "create: two binds in one" 'one SRC\[:DEST\] each time' \
	"$SIDEBUNDLE" create -q --out-dir "$outside" --name bad --from-host /bin/sh \
	--run-mode bwrap --run-ro-bind /a,/b
expect_eq no "$([ -e bad ] && echo yes || echo no)" "a refused create writes nothing"

# --- --help names every option
out=$("$L" --help)
for o in --mode --no-net --clean-env --bind --ro-bind --workspace --home; do
	expect_match "^  $o " "$out" "--help lists $o"
done

# --- chroot mode: --no-net and --clean-env there too
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	expect_eq "lo refused" "$(run -- "$L" --mode chroot --no-net python3 -c "$NET_PY" "$port")" \
		"chroot mode --no-net: only lo"
	expect_eq "GREETING HOME LOGNAME PATH PWD TERM USER " \
		"$(run -- "$L" --mode chroot --clean-env sh -c "$ENV_SH")" "chroot mode --clean-env"
fi
expect_eq "GREETING HOME LOGNAME PATH PWD SIDEBUNDLE_PAYLOAD TERM USER " \
	"$(run -- "$L" --mode host --clean-env sh -c "$ENV_SH")" "host mode --clean-env"
exit 0
