// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "tcp_nodelay.h"

static bool is_tcp_socket(int fd)
{
	struct stat st;
	int protocol;
	socklen_t len = sizeof(protocol);

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0 &&
	       protocol == IPPROTO_TCP;
}

int tcp_nodelay_all(void)
{
	DIR *dir = opendir("/proc/self/fd");
	const int one = 1;
	struct dirent *de;
	int changed = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd == dirfd(dir) || !is_tcp_socket((int)fd))
			continue;
		if (setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
			changed++;
	}
	closedir(dir);
	return changed;
}
