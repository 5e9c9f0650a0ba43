/*
 * static_ptrace MODE DIR: a static program for the ptrace backend's
 * tests (the makefile links static* with -static).
 *   files DIR    path calls with known results, relative ones too
 *   threads DIR  4 threads each open DIR/tN (missing: ENOENT)
 *   fork DIR     a child opens DIR/child and exits 7; so do we
 *   kill         killed by SIGTERM
 *   stop         stops itself (SIGSTOP), is continued by its child
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[1024];

static void *
opener(void *arg)
{
	char p[1100];

	snprintf(p, sizeof(p), "%s/t%ld", dir, (long)arg);
	open(p, O_RDONLY);
	return NULL;
}

int
main(int argc, char **argv)
{
	char p[1100], q[1100];
	struct stat st;
	pid_t pid;
	int status, fd;

	if (argc < 2)
		return 2;
	if (argc > 2)
		snprintf(dir, sizeof(dir), "%s", argv[2]);
	if (strcmp(argv[1], "files") == 0) {
		snprintf(p, sizeof(p), "%s/exists", dir);
		if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
			return 1;
		close(fd);
		snprintf(p, sizeof(p), "%s/missing", dir);
		open(p, O_RDONLY);
		stat(p, &st);
		snprintf(p, sizeof(p), "%s/exists", dir);
		access(p, R_OK);
		snprintf(q, sizeof(q), "%s/sub", dir);
		mkdir(q, 0755);
		snprintf(q, sizeof(q), "%s/sub/renamed", dir);
		rename(p, q);
		if (chdir(dir) != 0)
			return 1;
		open("sub/renamed", O_RDONLY);
		fd = open("sub", O_RDONLY | O_DIRECTORY);
		openat(fd, "renamed", O_RDONLY);
		unlink("sub/renamed");
		rmdir("sub");
		return 0;
	}
	if (strcmp(argv[1], "threads") == 0) {
		pthread_t t[4];
		for (long i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, opener, (void *)i);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (strcmp(argv[1], "fork") == 0) {
		if ((pid = fork()) == 0) {
			snprintf(p, sizeof(p), "%s/child", dir);
			open(p, O_RDONLY);
			_exit(7);
		}
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	if (strcmp(argv[1], "kill") == 0) {
		kill(getpid(), SIGTERM);
		pause();
		return 1;
	}
	if (strcmp(argv[1], "stop") == 0) {
		if ((pid = fork()) == 0) {
			usleep(200000);
			kill(getppid(), SIGCONT);
			_exit(0);
		}
		raise(SIGSTOP);
		waitpid(pid, &status, 0);
		puts("continued");
		return 5;
	}
	return 2;
}
