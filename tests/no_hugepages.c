// SPDX-License-Identifier: GPL-2.0
/* no_hugepages(): the process is left out of transparent huge pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <cmocka.h>

#include "../agent/common/no_hugepages.h"

/* /proc/self/status's THP_enabled (Linux 5.0 and later), or -1 without it. */
static int thp_enabled(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int value = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "THP_enabled: %d", &value) == 1)
			break;
	fclose(f);
	return value;
}

static void test_turns_huge_pages_off(void **state)
{
	(void)state;
	assert_int_equal(no_hugepages(), 0);
	assert_int_equal(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
	/* What khugepaged and the page fault handler go by. */
	assert_int_not_equal(thp_enabled(), 1);
}

static void test_twice_is_harmless(void **state)
{
	(void)state;
	assert_int_equal(no_hugepages(), 0);
	assert_int_equal(no_hugepages(), 0);
	assert_int_equal(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turns_huge_pages_off),
		cmocka_unit_test(test_twice_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
