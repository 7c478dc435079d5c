// SPDX-License-Identifier: GPL-2.0
/* tcp_nodelay_all(): every TCP socket of the process, and nothing else. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../agent/common/tcp_nodelay.h"

static int nodelay(int fd)
{
	int on = -1;
	socklen_t len = sizeof(on);

	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
	return on;
}

static void test_connected_pair_and_listener(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int listener, client, server, unix_pair[2];
	/* TCP sockets the test may have inherited are counted too. */
	int inherited = tcp_nodelay_all();

	(void)state;
	assert_true(inherited >= 0);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(client, (struct sockaddr *)&addr, sizeof(addr)), 0);
	server = accept(listener, NULL, NULL);
	assert_true(server >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair), 0);
	assert_int_equal(nodelay(client), 0);
	assert_int_equal(nodelay(server), 0);

	/* The three TCP sockets; the Unix pair and stdio are left alone. */
	assert_int_equal(tcp_nodelay_all(), inherited + 3);
	assert_int_equal(nodelay(client), 1);
	assert_int_equal(nodelay(server), 1);
	assert_int_equal(nodelay(listener), 1);

	close(unix_pair[0]);
	close(unix_pair[1]);
	close(server);
	close(client);
	close(listener);
	assert_int_equal(tcp_nodelay_all(), inherited);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connected_pair_and_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
