# SPDX-License-Identifier: GPL-2.0
# kthingctl: the command-line tool.
include agent/libkthing.mk

KTHINGCTL_DESCRIPTION := agent/kthingctl/description.c
KTHINGCTL_SOURCES := $(addprefix agent/kthingctl/,main.c common.c \
	thing_open.c cmd_list.c cmd_get.c cmd_set.c cmd_watch.c cmd_apply.c \
	cmd_status.c gpio_lines.c configfs.c) $(KTHINGCTL_DESCRIPTION)
KTHINGCTL_LIBS := $(shell $(PKG_CONFIG) --libs libcjson libgpiod) -lm
CPPFLAGS += $(shell $(PKG_CONFIG) --cflags libcjson)

$(eval $(call program,kthingctl,$(KTHINGCTL_SOURCES) $(LIBKTHING_SOURCES),$(KTHINGCTL_LIBS) $(LIBKTHING_LIBS)))
