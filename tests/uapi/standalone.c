// SPDX-License-Identifier: GPL-2.0
/*
 * The UAPI header on its own: this file includes nothing else, and is
 * compiled as strict C99/C11 and as C++11 (tests/uapi/run). It fails to compile when
 * an ABI structure's size is not a multiple of 8, so the layout is the same
 * for 32-bit and 64-bit callers; the kthing_sizeof_* objects let the test
 * compare the sizes of a 32-bit and a 64-bit build.
 */
#include <linux/kthing.h>

/* Breaks the build when COND is false (C89, C99 and C++ alike). */
#define ABI_CHECK(name, cond) typedef char abi_check_##name[(cond) ? 1 : -1]

#define ABI_STRUCT(name) \
	ABI_CHECK(name##_multiple_of_8, sizeof(struct kthing_##name) % 8 == 0); \
	char kthing_sizeof_##name[sizeof(struct kthing_##name)]

ABI_STRUCT(channel_config);
ABI_STRUCT(thing_info);
ABI_STRUCT(channel_info);
ABI_STRUCT(value);
ABI_STRUCT(read);
ABI_STRUCT(write);

/* Every ioctl's argument fits the 14 bits of size an ioctl number has. */
ABI_CHECK(read_fits_ioctl, sizeof(struct kthing_read) < (1 << 14));

unsigned long kthing_ioctls[] = {
	KTHING_IOC_THING_INFO,
	KTHING_IOC_CHANNEL_INFO,
	KTHING_IOC_READ,
	KTHING_IOC_WRITE,
	KTHING_IOC_SET_CONFIG,
};

char kthing_family[] = KTHING_GENL_NAME;
char kthing_events[] = KTHING_GENL_MCGRP_EVENTS;
int kthing_family_version = KTHING_GENL_VERSION;
int kthing_last_cmd = KTHING_CMD_MAX;
int kthing_last_attr = KTHING_A_MAX;
