// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of things, channels and the UAPI's enumerations.
 */
#include <string.h>

#include "kthing.h"

bool kthing_name_valid(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strlen(name);
	if (len == 0 || len >= KTHING_NAME_SIZE)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-") == len;
}

const char *kthing_kind_name(uint32_t kind)
{
	switch (kind) {
	case KTHING_KIND_SENSOR:
		return "sensor";
	case KTHING_KIND_ACTUATOR:
		return "actuator";
	}
	return "unknown";
}

const char *kthing_type_name(uint32_t type)
{
	switch (type) {
	case KTHING_TYPE_BOOL:
		return "bool";
	case KTHING_TYPE_INT:
		return "int";
	}
	return "unknown";
}

const char *kthing_backend_name(uint32_t backend)
{
	switch (backend) {
	case KTHING_BACKEND_VIRTUAL:
		return "virtual";
	case KTHING_BACKEND_GPIO:
		return "gpio";
	case KTHING_BACKEND_IIO:
		return "iio";
	case KTHING_BACKEND_THERMAL:
		return "thermal";
	}
	return "unknown";
}

const char *kthing_source_name(uint32_t source)
{
	switch (source) {
	case KTHING_SOURCE_IOCTL:
		return "ioctl";
	case KTHING_SOURCE_NETLINK:
		return "netlink";
	case KTHING_SOURCE_HARDWARE:
		return "hardware";
	}
	return "unknown";
}
