# SPDX-License-Identifier: GPL-2.0
# Code both daemons share (agent/common/); each lists the sources it needs.
$(eval $(call host_test,tcp_nodelay,tests/tcp_nodelay.c agent/common/tcp_nodelay.c,-lcmocka))
