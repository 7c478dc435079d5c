// SPDX-License-Identifier: GPL-2.0
/*
 * Print what a Unix stream socket sends until it closes: kthingd's status
 * document (docs/status.md). The fault cases poll the status many times a
 * second; an interpreter's start-up per poll is too slow in an emulated
 * guest.
 *
 * Usage: status_read SOCKET
 *
 * A peer that does not answer within 5 s is an error, not a hung test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *scale = getenv("KTHING_VM_TIME_SCALE");
	struct timeval timeout = { .tv_sec = 5 };
	char buf[65536];
	ssize_t n;
	int fd;

	/* A slow kernel under test stretches every deadline (tests/vm/time-lib.sh). */
	if (scale && atoi(scale) > 1)
		timeout.tv_sec *= atoi(scale);
	if (argc != 2) {
		fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "%s: path too long\n", argv[1]);
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0 ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	}
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
