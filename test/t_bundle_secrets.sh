# Secrets a trace read (/etc/shadow as root, a private key in a *.pem,
# SSH, AWS and GnuPG files of a home that is not the trace's $HOME) are
# left out of the payload and the manifest, and listed in a warning that
# says how to include them, also under -q; what was read beside them
# (a certificate, a public key) is bundled; --include bundles one with
# its mode and takes it off the list; --copy-dir leaves them out too;
# create --check does not add them back.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

outside_dir
k=$outside/keys
h=$outside/home/u
mkdir -p "$k" "$h/.ssh" "$h/.aws" "$h/.gnupg"
pem() { printf -- '-----BEGIN %s-----\nMIIB\n-----END %s-----\n' "$1" "$1"; }
pem CERTIFICATE >"$k/cert.pem"
{ pem CERTIFICATE; pem 'PRIVATE KEY'; } >"$k/server.pem"
chmod 600 "$k/server.pem"
echo fake >"$h/.ssh/id_ed25519"
echo 'ssh-ed25519 AAAA u@h' >"$h/.ssh/id_ed25519.pub"
printf '[default]\naws_secret_access_key = x\n' >"$h/.aws/credentials"
echo x >"$h/.gnupg/pubring.kbx"
read_all=("$k/cert.pem" "$k/server.pem" "$h/.ssh/id_ed25519" "$h/.ssh/id_ed25519.pub"
	"$h/.aws/credentials" "$h/.gnupg/pubring.kbx")
secrets=("$k/server.pem" "$h/.ssh/id_ed25519" "$h/.aws/credentials" "$h/.gnupg/pubring.kbx")
root=0
if [ "$(id -u)" = 0 ] && [ -r /etc/shadow ]; then
	root=1
	read_all+=(/etc/shadow)
	secrets+=(/etc/shadow)
fi

# create NAME ARGS...: a bundle of cat that read them all; $rc, $err
create() {
	local name=$1
	shift
	rc=0
	env -i PATH=/usr/bin:/bin HOME=/nonexistent "$SIDEBUNDLE" create -q --out-dir "$outside/out" \
		--name "$name" --from-host /bin/cat --trace "cat ${read_all[*]} >/dev/null" "$@" \
		>"$name.out" 2>"$name.err" || rc=$?
	err=$(grep '^sidebundle' "$name.err")
}

create s --no-check
expect_eq 0 "$rc" "create: $err"
b=$outside/out/s
paths=$(manifest_paths "$b")
for p in "${secrets[@]}"; do
	expect_nomatch "^$p$" "$paths" "$p is not in the manifest"
	[ -e "$b/payload$p" ] && _sb_bad "$p is not in the payload" "absent" "there"
done
expect_match "^$k/cert.pem$" "$paths" "a certificate is bundled"
expect_match "^$h/.ssh/id_ed25519.pub$" "$paths" "a public key is bundled"
n=${#secrets[@]}
expect_match "^sidebundle: warning: left out $n paths that hold secrets \\(passwords, private keys, credentials\\), which a bundle would give to whoever has it; --include PATH bundles one the program needs:$" \
	"$err" "the warning, under -q too"
expect_match "^sidebundle:   $k/server.pem \\(a private key\\)$" "$err" "lists the key"
expect_match "^sidebundle:   $h/.ssh/id_ed25519 \\(an SSH private key\\)$" "$err" "lists the SSH key"
expect_match "^sidebundle:   $h/.aws/credentials \\(AWS credentials\\)$" "$err" "lists the AWS credentials"
expect_match "^sidebundle:   $h/.gnupg/pubring.kbx \\(a GnuPG home\\)$" "$err" "lists the GnuPG file"
[ $root = 1 ] && expect_match '^sidebundle:   /etc/shadow \(password hashes\)$' "$err" "lists /etc/shadow"
expect_eq "$n" "$(grep -c '^sidebundle:   ' "s.err")" "each listed once"
"$SIDEBUNDLE" verify "$b" >verify.out || _sb_bad "verify" ok "$(cat verify.out)"

# --include: bundled with its mode, and no longer listed
inc=(--include "$k/server.pem")
[ $root = 1 ] && inc+=(--include /etc/shadow)
create i --no-check "${inc[@]}"
expect_eq 0 "$rc" "create --include: $err"
m=$(cat "$outside/out/i/manifest.lock")
expect_match "^file	$k/server.pem	0600	[0-9]+	[0-9a-f]{64}	include$" "$m" "--include: the key, mode 0600"
cmp -s "$k/server.pem" "$outside/out/i/payload$k/server.pem" || _sb_bad "--include: the key's bytes" same differ
if [ $root = 1 ]; then
	mode=$(printf '%04o' "0$(stat -c %a /etc/shadow)")
	expect_match "^file	/etc/shadow	$mode	" "$m" "--include: /etc/shadow, mode $mode"
fi
expect_nomatch "server.pem|/etc/shadow" "$err" "--include: not listed"
expect_match "^sidebundle: warning: left out 3 paths that hold secrets" "$err" "--include: the others still"

# --copy-dir of the home: the same rule
rc=0
err=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent "$SIDEBUNDLE" create -q --out-dir "$outside/out" \
	--name c --from-host /bin/cat --copy-dir "$outside/home" 2>&1) || rc=$?
expect_eq 0 "$rc" "create --copy-dir: $err"
paths=$(manifest_paths "$outside/out/c")
expect_nomatch "id_ed25519$|credentials|\\.gnupg" "$paths" "--copy-dir leaves the secrets out"
expect_match "^$h/.ssh/id_ed25519.pub$" "$paths" "--copy-dir keeps the public key"
expect_match "^sidebundle:   $h/.gnupg \\(a GnuPG home\\)$" "$err" "--copy-dir lists the GnuPG home"

# create --check sees the run miss them and does not add them back
if [ $root = 1 ] && command -v bwrap >/dev/null && bwrap --ro-bind / / true 2>/dev/null; then
	rc=0
	err=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent "$SIDEBUNDLE" create -q --out-dir "$outside/out" \
		--name k --from-host /bin/sh --from-host /bin/cat --trace 'cat /etc/shadow >/dev/null' \
		--check 2>&1) || rc=$?
	expect_eq 0 "$rc" "create --check: $err"
	expect_match '/etc/shadow was missing: not added \(it holds secrets: --include it\)' "$err" \
		"--check does not add /etc/shadow"
	expect_nomatch '^/etc/shadow$' "$(manifest_paths "$outside/out/k")" "--check: not in the manifest"
fi
exit 0
