# SPDX-License-Identifier: GPL-2.0
# kthingd's bookkeeping of shadow requests in flight (clientTokens, the limit
# of 10, deadlines), on its own.
$(eval $(call host_test,kthingd_shadow_requests,tests/kthingd_shadow_requests.c agent/kthingd/shadow_requests.c,-lcmocka))
