# SPDX-License-Identifier: GPL-2.0
# kthing-shadowd: the Device Shadow service over any MQTT broker.
SHADOWD_SOURCES := $(wildcard agent/shadowd/*.c) $(wildcard agent/shadow/*.c)
SHADOWD_LIBS := $(shell $(PKG_CONFIG) --libs libcjson sqlite3) -lpaho-mqtt3as -lpthread -lm
$(eval $(call program,kthing-shadowd,$(SHADOWD_SOURCES),$(SHADOWD_LIBS)))

