/*
 * The C library's entry points that read files for the program: locale
 * data, message catalogs, time zones, the NSS databases, the resolver's
 * configuration and iconv's.  Each runs under sud.c's trap, which sees
 * the reads as they happen; this file decides when a call is worth it.
 * A trapped call costs about a microsecond and each syscall in it two,
 * so the frequent ones are trapped only when they can read something
 * new: in a process, the time functions when TZ changed (glibc itself
 * re-reads only then), a catalog once per domain and locale, the
 * databases for their first calls (later ones read the same files
 * again); and in the whole trace, a call only by the first program that
 * makes it in a given environment (the table in SB_ENV_ALIVE's file).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <iconv.h>
#include <libintl.h>
#include <locale.h>
#include <netdb.h>
#include <nl_types.h>
#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libcenv.h"
#include "real.h"
#include "sb.h"

/* With optimisation <libintl.h> turns these into calls of dcgettext;
 * the wrappers need the names themselves. */
#undef gettext
#undef dgettext
#undef ngettext
#undef dngettext

/* Run call, trapped when want says so and the trace has not seen the
 * same call (named by the wrapper's own name and key) yet; its result
 * and errno kept. */
#define TRAPPED_KEY(want, k1, k2, n, call)                                                         \
	({                                                                                         \
		int on_ = sb.reporting && (want) && sb_trap_possible() &&                          \
		    trace_new(__func__, k1, k2, n) && sb_trap_begin();                             \
		__typeof__(call) r_ = call;                                                        \
		if (on_)                                                                           \
			sb_trap_end();                                                             \
		r_;                                                                                \
	})
#define TRAPPED(want, call) TRAPPED_KEY(want, NULL, NULL, 0, call)
#define TRAPPED_VOID(want, call)                                                                   \
	do {                                                                                       \
		int on_ = sb.reporting && (want) && sb_trap_possible() &&                          \
		    trace_new(__func__, NULL, NULL, 0) && sb_trap_begin();                         \
		call;                                                                              \
		if (on_)                                                                           \
			sb_trap_end();                                                             \
	} while (0)

/* --- the calls the whole trace has seen ---------------------------- */

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* "ab","c" differs from "a","bc" */
}

/* The shared table, mapped at the first call that asks; NULL when it
 * cannot be (then every process traces for itself).  Only a file with
 * all its blocks allocated is mapped: writing a slot in a hole, or past
 * the end, of a file on a full file system raises SIGBUS, and that
 * would kill the program (sbtrace allocates them; a table it could not
 * allocate is left empty, and one from another version may be short). */
static uint64_t *seen;
static int seen_tried;

static int
table_allocated(int fd)
{
	struct stat st;

	return syscall(SYS_fstat, fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= SB_SEEN_SIZE && st.st_blocks >= SB_SEEN_SIZE / 512;
}

static uint64_t *
seen_table(void)
{
	const char *path = sb.env_alive + sizeof(SB_ENV_ALIVE);

	if (__atomic_exchange_n(&seen_tried, 1, __ATOMIC_ACQ_REL))
		return __atomic_load_n(&seen, __ATOMIC_ACQUIRE);
	int fd = sb.env_alive[0] != '\0' ? sb_sys_open(path, O_RDWR | O_CLOEXEC, 0) : -1;
	if (fd < 0)
		return NULL;
	if (!table_allocated(fd)) {
		sb_sys_close(fd);
		return NULL;
	}
	void *p = (void *)syscall(SYS_mmap, NULL, SB_SEEN_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	sb_sys_close(fd);
	if (p == MAP_FAILED)
		return NULL;
	__atomic_store_n(&seen, (uint64_t *)p, __ATOMIC_RELEASE);
	return p;
}

/*
 * Is this the first time in the trace that this program makes call fn
 * with the arguments that choose its files (k1, k2, n) in this
 * environment (the variables of libcenv.h)?  Claims the call when it
 * is.  Yes too when the table is full or missing.
 */
static int
trace_new(const char *fn, const char *k1, const char *k2, long n)
{
	extern char **environ;
	int saved = errno;
	uint64_t *t = seen_table();
	uint64_t h = fnv(14695981039346656037ULL, (const char *)getauxval(AT_EXECFN));

	h = fnv(fnv(fnv(h, fn), k1), k2);
	h = (h ^ (uint64_t)n) * 1099511628211ULL;

	for (char **e = environ; e != NULL && *e != NULL; e++)
		if (sb_libcenv_is(*e, SIZE_MAX))
			h = fnv(h, *e);
	errno = saved;
	if (t == NULL)
		return 1;
	h |= 1; /* 0 marks a free slot */
	for (unsigned i = 0; i < SB_SEEN_PROBES; i++) {
		uint64_t *slot = &t[(h + i) % (SB_SEEN_SIZE / sizeof(*t))], v = 0;
		if (__atomic_compare_exchange_n(slot, &v, h, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return 1;
		if (v == h)
			return 0;
	}
	return 1;
}

/* --- when to trap --------------------------------------------------- */

/* The databases: the first calls of each show its files. */
enum {
	DB_PASSWD,
	DB_GROUP,
	DB_SHADOW,
	DB_HOSTS,
	DB_SERVICES,
	DB_PROTOCOLS,
	DB_ICONV,
	DB_CATALOG,
	DB_MAX
};
#define DB_FIRST 16
static unsigned db_calls[DB_MAX];

static int
first_calls(int db)
{
	return __atomic_fetch_add(&db_calls[db], 1, __ATOMIC_RELAXED) < DB_FIRST;
}

/* The time zone: glibc reads it again only when TZ changes. */
static char tz_seen[256];
static int tz_known;

static int
tz_changed(void)
{
	const char *tz = getenv("TZ");
	size_t n;

	if (tz == NULL)
		tz = "\001"; /* unset: /etc/localtime (no TZ value looks so) */
	n = sb_strlen(tz);
	if (__atomic_load_n(&tz_known, __ATOMIC_ACQUIRE) && n < sizeof(tz_seen) &&
	    memcmp(tz_seen, tz, n + 1) == 0)
		return 0;
	if (n < sizeof(tz_seen)) {
		__atomic_store_n(&tz_known, 0, __ATOMIC_RELAXED);
		memcpy(tz_seen, tz, n + 1);
		__atomic_store_n(&tz_known, 1, __ATOMIC_RELEASE);
	}
	return 1;
}

/* Message catalogs: loaded once per domain and category for a locale;
 * setlocale and the domain calls start a new generation. */
#define TEXT_SLOTS 32
static unsigned text_gen = 1;
static struct {
	unsigned gen;
	uint64_t key;
} text_seen[TEXT_SLOTS];

static void
text_bump(void)
{
	__atomic_fetch_add(&text_gen, 1, __ATOMIC_RELAXED);
}

static int
text_new(const char *domain, int category)
{
	uint64_t key = 14695981039346656037ULL ^ (uint64_t)category;
	unsigned gen = __atomic_load_n(&text_gen, __ATOMIC_RELAXED);

	for (const char *s = domain != NULL ? domain : ""; *s != '\0'; s++)
		key = (key ^ (unsigned char)*s) * 1099511628211ULL;
	size_t i = (size_t)(key % TEXT_SLOTS);
	if (text_seen[i].gen == gen && text_seen[i].key == key)
		return 0;
	text_seen[i].key = key;
	text_seen[i].gen = gen;
	return 1;
}

/* --- locale ----------------------------------------------------------- */

SB_EXPORT char *
setlocale(int category, const char *locale)
{
	/* a query reads nothing */
	if (locale == NULL)
		return NEXT(setlocale)(category, locale);
	text_bump();
	/* the category and name pick the files ("": the environment's) */
	return TRAPPED_KEY(1, locale, NULL, category, NEXT(setlocale)(category, locale));
}

SB_EXPORT locale_t
newlocale(int mask, const char *locale, locale_t base)
{
	return TRAPPED_KEY(1, locale, NULL, mask, NEXT(newlocale)(mask, locale, base));
}

/* --- message catalogs ------------------------------------------------- */

SB_EXPORT char *
gettext(const char *msgid)
{
	return TRAPPED_KEY(text_new(NULL, LC_MESSAGES), NULL, NULL, LC_MESSAGES,
	    NEXT(gettext)(msgid));
}

SB_EXPORT char *
dgettext(const char *domain, const char *msgid)
{
	return TRAPPED_KEY(text_new(domain, LC_MESSAGES), domain, NULL, LC_MESSAGES,
	    NEXT(dgettext)(domain, msgid));
}

SB_EXPORT char *
dcgettext(const char *domain, const char *msgid, int category)
{
	return TRAPPED_KEY(text_new(domain, category), domain, NULL, category,
	    NEXT(dcgettext)(domain, msgid, category));
}

SB_EXPORT char *
ngettext(const char *msgid, const char *plural, unsigned long n)
{
	return TRAPPED_KEY(text_new(NULL, LC_MESSAGES), NULL, NULL, LC_MESSAGES,
	    NEXT(ngettext)(msgid, plural, n));
}

SB_EXPORT char *
dngettext(const char *domain, const char *msgid, const char *plural, unsigned long n)
{
	return TRAPPED_KEY(text_new(domain, LC_MESSAGES), domain, NULL, LC_MESSAGES,
	    NEXT(dngettext)(domain, msgid, plural, n));
}

SB_EXPORT char *
dcngettext(const char *domain, const char *msgid, const char *plural, unsigned long n, int category)
{
	return TRAPPED_KEY(text_new(domain, category), domain, NULL, category,
	    NEXT(dcngettext)(domain, msgid, plural, n, category));
}

/* These read nothing, but make the next lookup load another catalog. */
SB_EXPORT char *
textdomain(const char *domain)
{
	if (domain != NULL)
		text_bump();
	return NEXT(textdomain)(domain);
}

SB_EXPORT char *
bindtextdomain(const char *domain, const char *dir)
{
	if (dir != NULL)
		text_bump();
	return NEXT(bindtextdomain)(domain, dir);
}

SB_EXPORT char *
bind_textdomain_codeset(const char *domain, const char *codeset)
{
	if (codeset != NULL)
		text_bump();
	return NEXT(bind_textdomain_codeset)(domain, codeset);
}

SB_EXPORT nl_catd
catopen(const char *name, int flag)
{
	return TRAPPED_KEY(first_calls(DB_CATALOG), name, NULL, flag, NEXT(catopen)(name, flag));
}

/* --- time zones ------------------------------------------------------- */

SB_EXPORT void
tzset(void)
{
	TRAPPED_VOID(tz_changed(), NEXT(tzset)());
}

SB_EXPORT struct tm *
localtime(const time_t *t)
{
	return TRAPPED(tz_changed(), NEXT(localtime)(t));
}

SB_EXPORT struct tm *
localtime_r(const time_t *t, struct tm *tm)
{
	return TRAPPED(tz_changed(), NEXT(localtime_r)(t, tm));
}

SB_EXPORT time_t
mktime(struct tm *tm)
{
	return TRAPPED(tz_changed(), NEXT(mktime)(tm));
}

SB_EXPORT time_t
timelocal(struct tm *tm)
{
	return TRAPPED(tz_changed(), NEXT(timelocal)(tm));
}

SB_EXPORT char *
ctime(const time_t *t)
{
	return TRAPPED(tz_changed(), NEXT(ctime)(t));
}

SB_EXPORT char *
ctime_r(const time_t *t, char *buf)
{
	return TRAPPED(tz_changed(), NEXT(ctime_r)(t, buf));
}

/* --- users and groups ------------------------------------------------- */

SB_EXPORT struct passwd *
getpwnam(const char *name)
{
	return TRAPPED(first_calls(DB_PASSWD), NEXT(getpwnam)(name));
}

SB_EXPORT struct passwd *
getpwuid(uid_t uid)
{
	return TRAPPED(first_calls(DB_PASSWD), NEXT(getpwuid)(uid));
}

SB_EXPORT int
getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len, struct passwd **res)
{
	return TRAPPED(first_calls(DB_PASSWD), NEXT(getpwnam_r)(name, pw, buf, len, res));
}

SB_EXPORT int
getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **res)
{
	return TRAPPED(first_calls(DB_PASSWD), NEXT(getpwuid_r)(uid, pw, buf, len, res));
}

SB_EXPORT struct passwd *
getpwent(void)
{
	return TRAPPED(first_calls(DB_PASSWD), NEXT(getpwent)());
}

SB_EXPORT struct group *
getgrnam(const char *name)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrnam)(name));
}

SB_EXPORT struct group *
getgrgid(gid_t gid)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrgid)(gid));
}

SB_EXPORT int
getgrnam_r(const char *name, struct group *gr, char *buf, size_t len, struct group **res)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrnam_r)(name, gr, buf, len, res));
}

SB_EXPORT int
getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **res)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrgid_r)(gid, gr, buf, len, res));
}

SB_EXPORT struct group *
getgrent(void)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrent)());
}

SB_EXPORT int
getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(getgrouplist)(user, group, groups, ngroups));
}

SB_EXPORT int
initgroups(const char *user, gid_t group)
{
	return TRAPPED(first_calls(DB_GROUP), NEXT(initgroups)(user, group));
}

SB_EXPORT struct spwd *
getspnam(const char *name)
{
	return TRAPPED(first_calls(DB_SHADOW), NEXT(getspnam)(name));
}

SB_EXPORT int
getspnam_r(const char *name, struct spwd *sp, char *buf, size_t len, struct spwd **res)
{
	return TRAPPED(first_calls(DB_SHADOW), NEXT(getspnam_r)(name, sp, buf, len, res));
}

/* --- hosts, services, protocols --------------------------------------- */

SB_EXPORT int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
    struct addrinfo **res)
{
	return TRAPPED(first_calls(DB_HOSTS), NEXT(getaddrinfo)(node, service, hints, res));
}

SB_EXPORT int
getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
    socklen_t servlen, int flags)
{
	return TRAPPED(first_calls(DB_HOSTS),
	    NEXT(getnameinfo)(sa, salen, host, hostlen, serv, servlen, flags));
}

SB_EXPORT struct hostent *
gethostbyname(const char *name)
{
	return TRAPPED(first_calls(DB_HOSTS), NEXT(gethostbyname)(name));
}

SB_EXPORT struct hostent *
gethostbyname2(const char *name, int af)
{
	return TRAPPED(first_calls(DB_HOSTS), NEXT(gethostbyname2)(name, af));
}

SB_EXPORT int
gethostbyname_r(const char *name, struct hostent *h, char *buf, size_t len, struct hostent **res,
    int *herr)
{
	return TRAPPED(first_calls(DB_HOSTS), NEXT(gethostbyname_r)(name, h, buf, len, res, herr));
}

SB_EXPORT int
gethostbyname2_r(const char *name, int af, struct hostent *h, char *buf, size_t len,
    struct hostent **res, int *herr)
{
	return TRAPPED(first_calls(DB_HOSTS),
	    NEXT(gethostbyname2_r)(name, af, h, buf, len, res, herr));
}

SB_EXPORT struct hostent *
gethostbyaddr(const void *addr, socklen_t len, int type)
{
	return TRAPPED(first_calls(DB_HOSTS), NEXT(gethostbyaddr)(addr, len, type));
}

SB_EXPORT struct servent *
getservbyname(const char *name, const char *proto)
{
	return TRAPPED(first_calls(DB_SERVICES), NEXT(getservbyname)(name, proto));
}

SB_EXPORT struct servent *
getservbyport(int port, const char *proto)
{
	return TRAPPED(first_calls(DB_SERVICES), NEXT(getservbyport)(port, proto));
}

SB_EXPORT struct protoent *
getprotobyname(const char *name)
{
	return TRAPPED(first_calls(DB_PROTOCOLS), NEXT(getprotobyname)(name));
}

SB_EXPORT struct protoent *
getprotobynumber(int proto)
{
	return TRAPPED(first_calls(DB_PROTOCOLS), NEXT(getprotobynumber)(proto));
}

/* --- iconv ------------------------------------------------------------ */

SB_EXPORT iconv_t
iconv_open(const char *to, const char *from)
{
	return TRAPPED_KEY(first_calls(DB_ICONV), to, from, 0, NEXT(iconv_open)(to, from));
}
