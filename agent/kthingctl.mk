# SPDX-License-Identifier: GPL-2.0
# kthingctl: the command-line tool.
include agent/libkthing.mk

KTHINGCTL_SOURCES := $(addprefix agent/kthingctl/,main.c common.c \
	thing_open.c cmd_list.c cmd_get.c cmd_set.c cmd_watch.c cmd_apply.c \
	cmd_status.c gpio_lines.c configfs.c description.c)
KTHINGCTL_LIBS := $(shell $(PKG_CONFIG) --libs libcjson libgpiod) -lm
CPPFLAGS += $(shell $(PKG_CONFIG) --cflags libcjson)

$(eval $(call program,kthingctl,$(KTHINGCTL_SOURCES) $(LIBKTHING_SOURCES),$(KTHINGCTL_LIBS) $(LIBKTHING_LIBS)))

# The description parser needs only the value helpers and cJSON.
KTHINGCTL_DESCRIPTION := agent/kthingctl/description.c \
	agent/libkthing/value.c agent/libkthing/names.c
KTHINGCTL_DESCRIPTION_LIBS := $(shell $(PKG_CONFIG) --libs libcjson) -lm

$(eval $(call host_test,kthingctl_description,tests/kthingctl_description.c $(KTHINGCTL_DESCRIPTION),$(KTHINGCTL_DESCRIPTION_LIBS) -lcmocka))
$(eval $(call host_test,kthingctl_configfs,tests/kthingctl_configfs.c agent/kthingctl/configfs.c agent/libkthing/names.c,-lcmocka))
# Runs build/san/bin/kthingctl, so that comes first.
$(eval $(call host_test,kthingctl_usage,tests/kthingctl_usage.c,-lcmocka))
$(SAN)/tests/kthingctl_usage: | $(SAN)/bin/kthingctl

$(eval $(call fuzzer,fuzz_thing_description,tests/fuzz/fuzz_thing_description.c $(KTHINGCTL_DESCRIPTION),$(KTHINGCTL_DESCRIPTION_LIBS)))
