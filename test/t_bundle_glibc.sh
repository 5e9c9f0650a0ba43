# What glibc reads on the program's behalf is in the bundle, made by
# create from an environment without LANG, checked in an empty root:
# a time zone named by TZ (the traced environment's: the rule), the
# user database (id -un), the resolver's files (getaddrinfo of
# localhost).  The last two are seen by create --check's empty-root run
# when ptrace is permitted there, or by the preload library once it
# records the C library's own reads; without either the test skips them.
. "$SB_SRC/test/lib.sh"
. "$SB_SRC/test/bundle_lib.sh"

need_bwrap
outside_dir

# TZ: the rule alone (--no-check), so the trace backend does not matter
[ -f /usr/share/zoneinfo/Europe/Berlin ] || skip "no zoneinfo (tzdata) on this host"
env -i PATH=/usr/bin:/bin TZ=Europe/Berlin "$SIDEBUNDLE" create -q --no-check --out-dir "$outside" \
	--name date --from-host '/bin/date::trace=-d @0 +%H:%M-%Z' >date.out 2>&1 ||
	fail "create date: $(cat date.out)"
expect_eq "01:00-CET" "$(env -i TZ=Europe/Berlin date -d @0 +%H:%M-%Z)" "date on the host"
expect_eq "01:00-CET" "$(in_empty_root "$outside/date/payload" --setenv TZ Europe/Berlin -- \
	/bin/date -d @0 +%H:%M-%Z 2>&1)" "TZ=Europe/Berlin date in an empty root"
# by rule, or by the trace where the library records glibc's reads
expect_match $'^file\t/usr/share/zoneinfo/Europe/Berlin\t.*\t(rule|trace)(\ttzdata)?$' "$(cat "$outside/date/manifest.lock")" \
	"the zoneinfo file"

# id and getaddrinfo: what reads them
db=$PWD/probe.db
seen=""
if "$SBTRACE" -q -b ptrace -o "$db" -- /bin/true 2>/dev/null; then
	seen="ptrace in the empty root"
elif "$SBTRACE" -q -b preload -o "$db" -- id -un >/dev/null 2>&1 &&
	[ "$(sqlite3 "$db" "SELECT count(*) FROM accesses WHERE path = '/etc/passwd' AND result = 0")" -gt 0 ]; then
	seen="the preload library"
fi
[ -n "$seen" ] || skip "neither ptrace nor the preload library sees glibc read /etc/passwd here"

me=$(id -un)
env -i PATH=/usr/bin:/bin "$SIDEBUNDLE" create --out-dir "$outside" --name id \
	--from-host '/usr/bin/id::trace=-un' >id.out 2>&1 || fail "create id: $(cat id.out)"
expect_eq "$me" "$(in_empty_root "$outside/id/payload" -- /usr/bin/id -un 2>&1)" \
	"id -un in an empty root ($seen)"
expect_match '^/etc/passwd$' "$(manifest_paths "$outside/id")" "/etc/passwd is bundled"

need gcc
cat >gai.c <<'EOF'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int
main(void)
{
	struct addrinfo hints, *res;
	char buf[INET_ADDRSTRLEN];

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo("localhost", NULL, &hints, &res);
	if (rc != 0) {
		printf("getaddrinfo: %s\n", gai_strerror(rc));
		return 1;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof buf);
	printf("localhost %s\n", buf);
	return 0;
}
EOF
mkdir -p "$outside/bin" && gcc -o "$outside/bin/gai" gai.c || fail "gcc gai.c"
want=$(env -i "$outside/bin/gai")
expect_match '^localhost 127\.' "$want" "getaddrinfo on the host"
env -i PATH=/usr/bin:/bin "$SIDEBUNDLE" create --out-dir "$outside" --name gai \
	--from-host "$outside/bin/gai::trace=" >gai.out 2>&1 || fail "create gai: $(cat gai.out)"
expect_eq "$want" "$(in_empty_root "$outside/gai/payload" -- "$outside/bin/gai" 2>&1)" \
	"getaddrinfo(localhost) in an empty root ($seen)"
expect_match '^/etc/hosts$' "$(manifest_paths "$outside/gai")" "/etc/hosts is bundled"
exit 0
