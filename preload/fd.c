/*
 * Keeping the reporting fd alive.  Programs close every fd they did not
 * open (closefrom, close_range, loops of close) or dup2 onto a number
 * they want; to them our fd does not exist, so closing it fails with
 * EBADF as it would without us, and a dup2 onto it moves ours first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"
#include "sb.h"

SB_EXPORT int
close(int fd)
{
	if (sb_is_our_fd(fd)) {
		errno = EBADF;
		return -1;
	}
	return REAL(close)(fd);
}

SB_EXPORT int
close_range(unsigned first, unsigned last, int flags)
{
	int fd = __atomic_load_n(&sb_fd, __ATOMIC_RELAXED);

	/* CLOSE_RANGE_CLOEXEC only marks fds; ours is close-on-exec already. */
	if (fd < 0 || (unsigned)fd < first || (unsigned)fd > last || (flags & CLOSE_RANGE_CLOEXEC))
		return REAL(close_range)(first, last, flags);
	int r = 0;
	if ((unsigned)fd > first)
		r = REAL(close_range)(first, (unsigned)fd - 1, flags);
	if (r == 0 && (unsigned)fd < last)
		r = REAL(close_range)((unsigned)fd + 1, last, flags);
	return r;
}

SB_EXPORT void
closefrom(int low)
{
	int fd = __atomic_load_n(&sb_fd, __ATOMIC_RELAXED);

	if (fd < 0 || fd < low) {
		REAL(closefrom)(low);
		return;
	}
	if (fd > low && REAL(close_range)((unsigned)low, (unsigned)fd - 1, 0) != 0)
		for (int i = low; i < fd; i++)
			REAL(close)(i);
	REAL(closefrom)(fd + 1);
}

/*
 * Move our fd off a number the program wants.  Only in the process that
 * owns sb: a vfork child shares our memory but not our fd table, so it
 * must not repoint sb_fd; its exec wrappers check the fd before use.
 */
static void
make_way(int newfd)
{
	if (!sb_is_our_fd(newfd) || syscall(SYS_getpid) != sb.pid)
		return;
	int saved = errno;
	int moved = (int)syscall(SYS_fcntl, newfd, F_DUPFD_CLOEXEC, newfd + 1);
	if (moved < 0)
		moved = (int)syscall(SYS_fcntl, newfd, F_DUPFD_CLOEXEC, 3);
	/* Every fd is taken: give ours up now, find the FIFO again later. */
	__atomic_store_n(&sb_fd, moved >= 0 ? moved : SB_FD_LOST, __ATOMIC_RELAXED);
	errno = saved;
}

SB_EXPORT int
dup2(int oldfd, int newfd)
{
	if (oldfd != newfd)
		make_way(newfd);
	return REAL(dup2)(oldfd, newfd);
}

SB_EXPORT int
dup3(int oldfd, int newfd, int flags)
{
	if (oldfd != newfd)
		make_way(newfd);
	return REAL(dup3)(oldfd, newfd, flags);
}
