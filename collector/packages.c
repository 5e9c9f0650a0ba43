#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dpkg.h"
#include "packages.h"

struct fill {
	struct db *db;
	struct dpkg *dpkg;
	struct packages_stats *st;
};

static int
attribute(const char *path, void *ctx)
{
	struct fill *f = ctx;
	const struct dpkg_pkg *owner[2];

	f->st->paths++;
	/* two owners or more: a directory, which says nothing of a package */
	if (dpkg_owners(f->dpkg, path, owner, 2) != 1)
		return 0;
	f->st->attributed++;
	return db_package_insert(f->db, path, owner[0]->id, owner[0]->version, owner[0]->arch);
}

int
packages_fill(struct db *db, int64_t run, struct packages_stats *st, char *err, size_t errlen)
{
	struct fill f = { .db = db, .st = st };
	int rc;

	memset(st, 0, sizeof(*st));
	if ((f.dpkg = dpkg_open(NULL, err, errlen)) == NULL)
		return -1;
	rc = db_each_unattributed(db, run, attribute, &f);
	dpkg_close(f.dpkg);
	if (rc == -1 || db_commit(db) == -1) {
		snprintf(err, errlen, "%s", db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: sbtrace packages [-q] [-r RUN] DB\n");
}

int
packages_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct packages_stats st;
	struct db *db;
	char msg[1024];
	const char *errstr;
	int64_t run = 0;
	int ch, quiet = 0;

	argv[0] = "sbtrace packages";
	while ((ch = getopt_long(argc, argv, "hqr:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			printf(
			    "\nGive each path the database's runs used the Debian package that owns "
			    "it,\nfrom dpkg's database (the packages table of sbtrace-db(5)).\n\n"
			    "  -r RUN      only the paths of run RUN (default: every run)\n"
			    "  -q          no summary line\n"
			    "  -h, --help  print this help and exit\n");
			exit(0);
		case 'q':
			quiet = 1;
			break;
		case 'r':
			run = strtonum(optarg, 1, INT64_MAX, &errstr);
			if (errstr != NULL) {
				warnx("-r %s: not a run id", optarg);
				usage(stderr);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	/* only an existing database: a new one would hold nothing */
	if (access(argv[optind], F_OK) == -1)
		err(1, "%s", argv[optind]);
	if (db_open(&db, argv[optind], 1, msg, sizeof(msg)) == -1)
		errx(1, "%s", msg);
	if (run != 0 && !db_run_exists(db, run)) {
		db_close(db);
		errx(1, "%s: no run %lld", argv[optind], (long long)run);
	}
	if (packages_fill(db, run, &st, msg, sizeof(msg)) == -1) {
		db_close(db);
		errx(1, "%s: no package attribution: %s", argv[optind], msg);
	}
	if (db_close(db) == -1)
		errx(1, "%s: closing the database failed", argv[optind]);
	if (!quiet)
		fprintf(stderr, "sbtrace: %llu of %llu paths attributed to a package in %s\n",
		    (unsigned long long)st.attributed, (unsigned long long)st.paths, argv[optind]);
	return 0;
}
