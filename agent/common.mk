# SPDX-License-Identifier: GPL-2.0
# Code both daemons share (agent/common/); each lists the sources it needs.
$(eval $(call host_test,tcp_nodelay,tests/tcp_nodelay.c agent/common/tcp_nodelay.c,-lcmocka))
$(eval $(call host_test,no_hugepages,tests/no_hugepages.c agent/common/no_hugepages.c,-lcmocka))
