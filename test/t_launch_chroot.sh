# chroot mode, as root: the programs give the host's output; inside, no
# capability is left (CapBnd 0), NoNewPrivs 1, Seccomp 2, unshare and
# mount fail with EPERM, the kernel's sensitive /proc files are masked,
# the payload is read-only, the user is SUDO_UID's or SIDEBUNDLE_USER's;
# its own PID namespace (the entry pid 2 under an init that reaps
# orphans, passes the exit status and a signal sent to the launcher);
# none of the caller's loader variables (LD_*) but the bundle's own;
# afterwards nothing of it is left mounted.  Not root: a clear error.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"
. "$SB_SRC/test/launch_lib.sh"

need python3 perl
[ "$(id -u)" = 0 ] || skip "chroot mode needs root"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
make_tools_bundle "$PWD" --set-env LD_SB_KEPT=bundle
b=$PWD/tools

check_programs chroot "$b"
if [ -x "$b/bin/gcc" ]; then
	got=$(in_mode chroot "$b" sh -c 'cd /tmp && printf "%s\n" "$1" >hello.c &&
		gcc -o hello hello.c && ./hello' sh "$HELLO_C" 2>&1)
	expect_eq "hello, world" "$got" "gcc builds and runs in chroot mode"
fi

status='for l in open("/proc/self/status"):
    if l.split(":")[0] in ("Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"):
        print(" ".join(l.split()))'
got=$(SUDO_UID=65534 SUDO_GID=65533 in_mode chroot "$b" python3 -c "$status")
expect_eq "Uid: 65534 65534 65534 65534
Gid: 65533 65533 65533 65533
CapInh: 0000000000000000
CapPrm: 0000000000000000
CapEff: 0000000000000000
CapBnd: 0000000000000000
CapAmb: 0000000000000000
NoNewPrivs: 1
Seccomp: 2" "$got" "as SUDO_UID: no capabilities, no new privileges, seccomp"
got=$(SIDEBUNDLE_USER=4242:4343 SUDO_UID=65534 SUDO_GID=65534 in_mode chroot "$b" python3 -c "$status")
expect_match '^Uid: 4242 4242 4242 4242$' "$got" "SIDEBUNDLE_USER wins over SUDO_UID"
expect_match '^Gid: 4343 4343 4343 4343$' "$got" "SIDEBUNDLE_USER's group"
got=$(in_mode chroot "$b" python3 -c "$status")
expect_match '^Uid: 0 0 0 0$' "$got" "root without sudo stays uid 0"
expect_match '^CapEff: 0000000000000000$' "$got" "... with no capabilities"
expect_match '^CapBnd: 0000000000000000$' "$got" "... and an empty bounding set"

# the seccomp filter: unshare(CLONE_NEWNS), mount, ptrace, keyctl fail
# with EPERM, clone3 with ENOSYS (x86_64 numbers)
if [ "$(uname -m)" = x86_64 ]; then
	calls='$! = 0; my @r;
	push @r, "unshare=" . (syscall(272, 0x20000) == -1 ? $!+0 : "ok");
	push @r, "mount=" . (syscall(165, 0, 0, 0, 0, 0) == -1 ? $!+0 : "ok");
	push @r, "ptrace=" . (syscall(101, 0, 0, 0, 0) == -1 ? $!+0 : "ok");
	push @r, "keyctl=" . (syscall(250, 0, 0, 0, 0, 0) == -1 ? $!+0 : "ok");
	push @r, "clone3=" . (syscall(435, 0, 0) == -1 ? $!+0 : "ok");
	print "@r\n";'
	expect_eq "unshare=1 mount=1 ptrace=1 keyctl=1 clone3=38" \
		"$(in_mode chroot "$b" perl -e "$calls")" "denied system calls fail with EPERM (clone3 ENOSYS)"
	expect_eq "unshare=1 mount=1 ptrace=1 keyctl=1 clone3=38" \
		"$(SUDO_UID=65534 SUDO_GID=65534 in_mode chroot "$b" perl -e "$calls")" "... also as the user"
fi
# /proc's sensitive files are /dev/null, the payload and /dev read-only
got=$(in_mode chroot "$b" python3 -c 'import os
for p in ("/proc/sysrq-trigger", "/proc/kcore", "/proc/keys"):
    if os.path.exists(p):
        st = os.stat(p)
        print(p, os.major(st.st_rdev), os.minor(st.st_rdev))
print(sorted(os.listdir("/dev")))
for p in ("/usr/x", "/dev/x", "/tmp/x"):
    try:
        open(p, "w").close(); print(p, "written")
    except OSError as e:
        print(p, e.strerror)')
[ -e /proc/sysrq-trigger ] && expect_match '^/proc/sysrq-trigger 1 3$' "$got" "/proc/sysrq-trigger is /dev/null"
[ -e /proc/keys ] && expect_match '^/proc/keys 1 3$' "$got" "/proc/keys is /dev/null"
expect_nomatch '^/proc/[a-z-]* ([02-9]|1 [0-24-9])' "$got" "the masked /proc files there are all /dev/null"
expect_match "^\\['fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'\\]$" \
	"$got" "/dev holds the safe nodes only"
expect_match '^/usr/x Read-only file system$' "$got" "the payload is read-only"
expect_match '^/dev/x Read-only file system$' "$got" "/dev is read-only"
expect_match '^/tmp/x written$' "$got" "/tmp is writable"
expect_eq 0 "$(grep -c "$b" /proc/self/mountinfo)" "nothing left mounted on the host"
expect_eq "" "$(find "$b/payload/tmp" "$b/payload/dev" -mindepth 1)" "nothing written into the payload"

# its own PID namespace: the entry is pid 2, its parent the sandbox's
# init; /proc shows the two of them only
got=$(in_mode chroot "$b" python3 -c 'import os
print(os.getpid(), os.getppid(), sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))')
expect_eq "2 1 [1, 2]" "$got" "its own PID namespace: pid 2 under init, nothing of the host"
# an orphan that ends is reaped by init, not left a zombie
reap='import os, time
r, w = os.pipe()
if os.fork() == 0:
    g = os.fork()
    if g == 0:
        os._exit(0)
    os.write(w, str(g).encode())
    os._exit(0)
os.wait()
g = int(os.read(r, 32))
for _ in range(50):
    if not os.path.exists("/proc/%d" % g):
        break
    time.sleep(0.05)
print("reaped" if not os.path.exists("/proc/%d" % g) else
      "left " + open("/proc/%d/stat" % g).read().split(")")[1].split()[0])'
expect_eq "reaped" "$(in_mode chroot "$b" python3 -c "$reap")" "init reaps an orphan"
rc=0
in_mode chroot "$b" python3 -c 'import os; os.kill(os.getpid(), 15)' || rc=$?
expect_eq 143 "$rc" "killed by SIGTERM: 128+15 passes through init"
rc=0
out=$(in_mode chroot "$b" nosuchentry 2>&1) || rc=$?
expect_eq 127 "$rc" "no such entry: 127"
# a signal sent to the launcher reaches the entry (through init)
env -i PATH=/usr/bin:/bin SIDEBUNDLE_RUN_MODE=chroot "$b/bin/perl" -e \
	'$SIG{TERM} = sub { exit 42 }; $| = 1; print "ready\n"; sleep 1 while 1' >sig.out 2>&1 &
lpid=$!
for _ in $(seq 100); do grep -q ready sig.out && break; sleep 0.1; done
kill -TERM "$lpid"
rc=0
wait "$lpid" || rc=$?
expect_eq 42 "$rc" "SIGTERM to the launcher is passed on to the entry"
# the launcher returns when the entry does; what it left behind runs on
t0=$(date +%s%N)
got=$(in_mode chroot "$b" sh -c 'perl -e "sleep 3" >/dev/null 2>&1 & echo started')
t1=$(date +%s%N)
expect_eq started "$got" "an entry that leaves a process behind"
[ $(((t1 - t0) / 1000000)) -lt 2500 ] || _sb_bad "the launcher returns with the entry" "< 2500 ms" "$(((t1 - t0) / 1000000)) ms"

# the caller's loader variables are not passed in; the bundle's are
got=$(env -i PATH=/usr/bin:/bin LD_PRELOAD=/nonexistent/libx.so LD_LIBRARY_PATH=/nonexistent \
	LD_AUDIT=/nonexistent/a.so LD_DEBUG=all SIDEBUNDLE_RUN_MODE=chroot "$b/bin/python3" -c \
	'import os; print(sorted(k + "=" + v for k, v in os.environ.items() if k.startswith("LD_")))' 2>&1)
expect_eq "['LD_SB_KEPT=bundle']" "$got" "LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, LD_DEBUG scrubbed, --set-env kept"

# not root: a clear error
if command -v setpriv >/dev/null; then
	world_readable "$b"
	rc=0
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env SIDEBUNDLE_RUN_MODE=chroot \
		"$b/bin/sh" -c true 2>&1) || rc=$?
	expect_eq 126 "$rc" "chroot mode not as root: exit 126"
	expect_match 'chroot mode needs root .*run it with sudo' "$out" "chroot mode not as root: says so"
fi
exit 0
