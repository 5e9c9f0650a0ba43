/*
 * C library calls that read files for the program, for the tests of
 * what libsbtrace.so records of them (t_libc_reads.sh):
 *   libcalls gai NAME          getaddrinfo(NAME): its first address
 *   libcalls iconv TO FROM     iconv_open: "ok" or the error
 *   libcalls gettext DIR DOMAIN MSGID
 *                              bindtextdomain(DOMAIN, DIR), then the
 *                              translation of MSGID in LANGUAGE
 *   libcalls errno NAME        getpwnam(NAME) of a user that does not
 *                              exist: the result and errno, as told
 *   libcalls sigsys            with SIGSYS blocked and a SIGSYS handler
 *                              of its own, getpwuid(0): its name, and
 *                              whether the mask and handler survived
 *   libcalls filter            installs a seccomp filter (no_new_privs,
 *                              allow all), then getpwuid(0) and
 *                              localtime: still right
 *   libcalls stress N          N threads call getpwuid_r, getgrgid_r,
 *                              getaddrinfo and localtime_r in a loop while
 *                              SIGUSR1 arrives, handled by a handler that
 *                              opens a file and blocks every signal
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <iconv.h>
#include <libintl.h>
#include <locale.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

static int
gai(const char *name)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	char buf[64];
	int r = getaddrinfo(name, NULL, &hints, &res);

	if (r != 0) {
		printf("getaddrinfo: %s\n", gai_strerror(r));
		return 1;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof buf);
	printf("%s\n", buf);
	freeaddrinfo(res);
	return 0;
}

static int
do_iconv(const char *to, const char *from)
{
	iconv_t cd = iconv_open(to, from);

	if (cd == (iconv_t)-1) {
		printf("iconv_open: %s\n", strerror(errno));
		return 1;
	}
	iconv_close(cd);
	printf("ok\n");
	return 0;
}

static int
do_gettext(const char *dir, const char *domain, const char *msgid)
{
	setlocale(LC_ALL, "");
	bindtextdomain(domain, dir);
	printf("%s\n", dgettext(domain, msgid));
	return 0;
}

static int
do_errno(const char *name)
{
	errno = 12345;
	struct passwd *pw = getpwnam(name);
	printf("%s errno=%d\n", pw ? pw->pw_name : "(null)", errno);
	return 0;
}

static volatile sig_atomic_t got_sigsys;

static void
on_sigsys(int sig)
{
	got_sigsys++;
}

static int
do_sigsys(void)
{
	struct sigaction sa = { .sa_handler = on_sigsys }, now;
	sigset_t set, after;

	sigaction(SIGSYS, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct passwd *pw = getpwuid(0);
	sigprocmask(SIG_BLOCK, NULL, &after);
	sigaction(SIGSYS, NULL, &now);
	printf("%s blocked=%d handler=%d\n", pw ? pw->pw_name : "(null)",
	    sigismember(&after, SIGSYS), now.sa_handler == on_sigsys);
	/* the handler is the program's again: it runs on a real SIGSYS */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGSYS);
	printf("sigsys handled=%d\n", (int)got_sigsys);
	return 0;
}

static int
do_filter(void)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = f };
	time_t t = 0;
	char buf[64];

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == -1) {
		perror("seccomp");
		return 1;
	}
	struct passwd *pw = getpwuid(0);
	strftime(buf, sizeof buf, "%H:%M-%Z", localtime(&t));
	printf("%s %s\n", pw ? pw->pw_name : "(null)", buf);
	return 0;
}

/* --- stress ---------------------------------------------------------- */

static volatile sig_atomic_t usr1;

static void
on_usr1(int sig)
{
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	usr1++;
}

static void *
worker(void *arg)
{
	long bad = 0;

	for (int i = 0; i < 200; i++) {
		struct passwd pw, *pr;
		struct group gr, *gp;
		struct addrinfo hints = { .ai_family = AF_INET }, *res;
		struct tm tm;
		char buf[4096];
		time_t t = 0;

		if (getpwuid_r(0, &pw, buf, sizeof buf, &pr) != 0 || pr == NULL ||
		    strcmp(pr->pw_name, "root") != 0)
			bad++;
		if (getgrgid_r(0, &gr, buf, sizeof buf, &gp) != 0 || gp == NULL)
			bad++;
		if (getaddrinfo("localhost", NULL, &hints, &res) != 0)
			bad++;
		else
			freeaddrinfo(res);
		if (localtime_r(&t, &tm) == NULL)
			bad++;
	}
	return (void *)bad;
}

static int
stress(int n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t th[16];
	long bad = 0;

	sigfillset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int k = 0; k < 300; k++) {
		kill(getpid(), SIGUSR1);
		usleep(200);
	}
	for (int i = 0; i < n; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (long)r;
	}
	printf("bad=%ld signals=%s\n", bad, usr1 > 0 ? "handled" : "none");
	return bad != 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "gai") == 0)
		return gai(argv[2]);
	if (argc == 4 && strcmp(argv[1], "iconv") == 0)
		return do_iconv(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "gettext") == 0)
		return do_gettext(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "errno") == 0)
		return do_errno(argv[2]);
	if (argc == 2 && strcmp(argv[1], "sigsys") == 0)
		return do_sigsys();
	if (argc == 2 && strcmp(argv[1], "filter") == 0)
		return do_filter();
	if (argc == 3 && strcmp(argv[1], "stress") == 0)
		return stress(atoi(argv[2]));
	fprintf(stderr, "usage: libcalls gai|iconv|gettext|errno|sigsys|filter|stress ...\n");
	return 2;
}
