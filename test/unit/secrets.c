/*
 * Unit tests of the secrets a bundle leaves out (bundler/closure.c,
 * closure_secret and closure_excluded): each kind by its path, in any
 * home; public keys, certificates and look-alike names kept; *.pem and
 * *.key judged by what they hold; read in the closure's root (-r ROOT),
 * never the host's; --include and an entry never refused, --copy-dir
 * and the static closure refused as a trace is.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "closure.h"

#include "check.h"

static char root[PATH_MAX];

/* Make root/path (and its directories) holding text. */
static void
put(const char *path, const char *text)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof p, "%s%s", root, path);
	for (char *s = strchr(p + strlen(root) + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	CHECK(f != NULL, "%s: %s", p, strerror(errno));
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

#define PEM(kind) "-----BEGIN " kind "-----\nMIIB\n-----END " kind "-----\n"

static void
is(struct closure *c, const char *path, const char *want)
{
	const char *got = closure_secret(c, path);

	CHECK(want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0,
	    "%s: %s, want %s", path, got ? got : "not a secret", want ? want : "not a secret");
}

int
main(void)
{
	struct closure c;

	snprintf(root, sizeof root, "%s/sbsecrets.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		printf("mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	put("/etc/shadow", "root:*:1::::::\n");
	put("/k/server.pem", PEM("CERTIFICATE") PEM("PRIVATE KEY"));
	put("/k/rsa.pem", PEM("RSA PRIVATE KEY"));
	put("/k/ec.key", PEM("EC PRIVATE KEY"));
	put("/k/ssh.pem", PEM("OPENSSH PRIVATE KEY"));
	put("/k/cert.pem", PEM("CERTIFICATE"));
	put("/k/pub.key", PEM("PUBLIC KEY"));
	put("/k/pgp.key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n");
	put("/k/der.key", "\x30\x82\x04\xa4\x02\x01\x00");
	put("/k/empty.key", "");
	/* the key after 100 KiB of certificates: across reads */
	{
		size_t n = 100 * 1024;
		char *big = malloc(n + 64);
		memset(big, 'A', n);
		strcpy(big + n - 3, PEM("PRIVATE KEY"));
		put("/k/bundle.pem", big);
		free(big);
	}
	if (closure_init(&c, root) < 0) {
		printf("closure_init: %s\n", strerror(errno));
		return 1;
	}

	is(&c, "/etc/shadow", "password hashes");
	is(&c, "/etc/gshadow", "password hashes");
	is(&c, "/etc/shadow-", "password hashes");
	is(&c, "/etc/gshadow-", "password hashes");
	is(&c, "/etc/passwd", NULL);
	is(&c, "/etc/group", NULL);
	is(&c, "/usr/share/doc/shadow", NULL);
	is(&c, "/etc/ssh/ssh_host_ed25519_key", "an SSH host key");
	is(&c, "/etc/ssh/ssh_host_rsa_key", "an SSH host key");
	is(&c, "/etc/ssh/ssh_host_rsa_key.pub", NULL);
	is(&c, "/etc/ssh/ssh_config", NULL);
	is(&c, "/etc/ssl/private", "TLS private keys");
	is(&c, "/etc/ssl/certs", NULL);
	/* any home */
	is(&c, "/root/.ssh/id_rsa", "an SSH private key");
	is(&c, "/home/u/.ssh/id_ed25519", "an SSH private key");
	is(&c, "/var/lib/svc/.ssh/id_ecdsa_sk", "an SSH private key");
	is(&c, "/home/u/.ssh/id_ed25519.pub", NULL);
	is(&c, "/home/u/.ssh/known_hosts", NULL);
	is(&c, "/home/u/id_rsa", NULL);
	is(&c, "/home/u/.gnupg", "a GnuPG home");
	is(&c, "/home/u/.netrc", "network credentials");
	is(&c, "/home/u/.git-credentials", "git credentials");
	is(&c, "/home/u/.pgpass", "PostgreSQL passwords");
	is(&c, "/home/u/.aws/credentials", "AWS credentials");
	is(&c, "/home/u/.aws/config", NULL);
	is(&c, "/home/u/.config/gcloud", "Google Cloud credentials");
	is(&c, "/home/u/.azure", "Azure credentials");
	is(&c, "/home/u/.docker/config.json", "registry credentials");
	is(&c, "/home/u/.kube/config", "Kubernetes credentials");
	is(&c, "/home/u/.config/app/config.json", NULL);
	is(&c, "/usr/share/credentials", NULL);
	/* by content */
	is(&c, "/k/server.pem", "a private key");
	is(&c, "/k/rsa.pem", "a private key");
	is(&c, "/k/ec.key", "a private key");
	is(&c, "/k/ssh.pem", "a private key");
	is(&c, "/k/pgp.key", "a private key");
	is(&c, "/k/bundle.pem", "a private key");
	is(&c, "/k/der.key", "a private key");
	is(&c, "/k/cert.pem", NULL);
	is(&c, "/k/pub.key", NULL);
	is(&c, "/k/empty.key", NULL);
	is(&c, "/k/missing.pem", NULL);
	is(&c, "/k", NULL);
	/* read in the root, not the host: the host path of server.pem
	 * holds a key, but no such path is in the root */
	{
		char host[PATH_MAX * 2];
		snprintf(host, sizeof host, "%s/k/server.pem", root);
		is(&c, host, NULL);
	}

	/* who asks */
	CHECK(closure_excluded(&c, "/etc/shadow", ASK_USED) == EX_SECRET, "a trace's shadow");
	CHECK(closure_excluded(&c, "/k/server.pem", ASK_NAMED) == EX_SECRET, "--copy-dir's key");
	CHECK(closure_excluded(&c, "/etc/shadow", ASK_INCLUDE) == EX_NONE, "--include shadow");
	CHECK(closure_excluded(&c, "/k/server.pem", ASK_ENTRY) == EX_NONE, "an entry");
	CHECK(closure_excluded(&c, "/k/cert.pem", ASK_USED) == EX_NONE, "a certificate");

	/* closure_add from a trace: left out, counted, listed once */
	CHECK(closure_add(&c, "/k/server.pem", OR_TRACE, HOW_OBJECT, ASK_USED, NULL) == 1, "add key");
	CHECK(closure_add(&c, "/k/./server.pem", OR_TRACE, HOW_OBJECT, ASK_USED, NULL) == 1, "again");
	CHECK(closure_add(&c, "/k/cert.pem", OR_TRACE, HOW_OBJECT, ASK_USED, NULL) == 0, "add cert");
	CHECK(c.excluded[EX_SECRET] == 2 && c.nsecrets == 1 &&
		strcmp(c.secrets[0], "/k/server.pem") == 0,
	    "%zu excluded, %zu listed", c.excluded[EX_SECRET], c.nsecrets);
	CHECK(closure_find(&c, "/k/server.pem") == NULL && closure_find(&c, "/k/cert.pem") != NULL,
	    "the key is not in the closure, the certificate is");
	CHECK(closure_add(&c, "/k/server.pem", OR_INCLUDE, HOW_OBJECT, ASK_INCLUDE, NULL) == 0 &&
		closure_find(&c, "/k/server.pem") != NULL,
	    "--include brings it");
	closure_free(&c);

	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", root);
	printf("secrets: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
