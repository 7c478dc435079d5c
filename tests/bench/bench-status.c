// SPDX-License-Identifier: GPL-2.0
/*
 * bench-status SOCKET: print kthingd's status document (docs/status.md).
 * The bench polls it often; a C reader starts in a blink where an
 * interpreter takes seconds in an emulated guest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path))
		die("usage: bench-status SOCKET");
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("%s: %s", argv[1], strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			die("writing: %s", strerror(errno));
	if (n < 0)
		die("%s: %s", argv[1], strerror(errno));
	close(fd);
	return 0;
}
