// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/prctl.h>

#include "no_hugepages.h"

int no_hugepages(void)
{
	return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0 ? -errno : 0;
}
