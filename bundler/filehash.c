#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <unistd.h>

#include "filehash.h"

int
file_sha256(int dirfd, const char *name, char out[65], uint64_t *size)
{
	static unsigned char buf[1 << 16];
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA2_CTX ctx;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	SHA256Init(&ctx);
	*size = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		SHA256Update(&ctx, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	close(fd);
	SHA256Final(md, &ctx);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}
