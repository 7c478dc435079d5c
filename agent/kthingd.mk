# kthingd: the agent relaying kernel events to MQTT telemetry.

KTHINGD_LIBS := $(shell $(PKG_CONFIG) --libs libcjson sqlite3) -lpaho-mqtt3as -lm
KTHINGD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcjson)
CPPFLAGS += $(KTHINGD_CFLAGS)

kthingd_config := agent/kthingd/config.c agent/kthingd/topic.c agent/kthingd/log.c

$(eval $(call host_test,kthingd_config,tests/kthingd_config.c $(kthingd_config),$(KTHINGD_LIBS) -lcmocka))

$(eval $(call fuzzer,fuzz_kthingd_config,tests/fuzz/fuzz_kthingd_config.c $(kthingd_config),$(shell $(PKG_CONFIG) --libs libcjson) -lm))
