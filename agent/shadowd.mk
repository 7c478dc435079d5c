# SPDX-License-Identifier: GPL-2.0
# kthing-shadowd: the Device Shadow service over any MQTT broker.
SHADOWD_SOURCES := $(wildcard agent/shadowd/*.c) $(wildcard agent/common/*.c) $(wildcard agent/shadow/*.c)
SHADOWD_LIBS := $(shell $(PKG_CONFIG) --libs libcjson sqlite3) -lpaho-mqtt3as -lpthread -lm
$(eval $(call program,kthing-shadowd,$(SHADOWD_SOURCES),$(SHADOWD_LIBS)))

# Store and service unit tests, and the end-to-end test against mosquitto
# (it runs build/san/bin/kthing-shadowd, and the plain build for its memory
# test, so it depends on both).
SHADOWD_TEST_SOURCES := agent/shadowd/store.c agent/shadowd/service.c \
	agent/shadowd/log.c $(wildcard agent/shadow/*.c)
$(eval $(call host_test,shadowd_service,tests/shadowd_service.c $(SHADOWD_TEST_SOURCES),$(shell $(PKG_CONFIG) --libs libcjson sqlite3 cmocka) -lm))
$(eval $(call host_test,shadowd_mqtt,tests/shadowd_mqtt.c,$(shell $(PKG_CONFIG) --libs libcjson) -lpaho-mqtt3c -lm))
$(SAN)/tests/shadowd_mqtt: | $(SAN)/bin/kthing-shadowd $(BUILD)/bin/kthing-shadowd
