# kthingd: the agent relaying kernel events to MQTT telemetry.

include agent/libkthing.mk
include agent/kthingd-rules.mk

KTHINGD_LIBS := $(shell $(PKG_CONFIG) --libs libcjson sqlite3 libcrypto) -lpaho-mqtt3as -lm
CPPFLAGS += $(shell $(PKG_CONFIG) --cflags libcjson)

kthingd_config := agent/kthingd/config.c agent/kthingd/topic.c agent/kthingd/log.c
kthingd_config += $(kthingd_rules_config)

$(eval $(call host_test,kthingd_config,tests/kthingd_config.c $(kthingd_config),$(KTHINGD_LIBS) -lcmocka))
$(eval $(call host_test,kthingd_backoff,tests/kthingd_backoff.c agent/kthingd/backoff.c,-lcmocka))
$(eval $(call host_test,kthingd_telemetry,tests/kthingd_telemetry.c agent/kthingd/telemetry.c agent/kthingd/topic.c $(LIBKTHING_SOURCES),$(LIBKTHING_LIBS) -lcmocka))
$(eval $(call host_test,kthingd_queue,tests/kthingd_queue.c agent/kthingd/queue.c agent/kthingd/log.c,$(shell $(PKG_CONFIG) --libs sqlite3) -lcmocka))

$(eval $(call fuzzer,fuzz_kthingd_config,tests/fuzz/fuzz_kthingd_config.c $(kthingd_config),$(shell $(PKG_CONFIG) --libs libcjson) -lm))

# The shadow engine; agent/shadow.mk is included after this fragment.
kthingd_shadow_engine := $(wildcard agent/shadow/*.c)
kthingd_shadow := $(addprefix agent/kthingd/,shadow_apply.c shadow_report.c)

kthingd_sources := $(wildcard agent/common/*.c) $(addprefix agent/kthingd/,main.c config.c topic.c log.c backoff.c \
	telemetry.c queue.c loop.c mqtt.c certcheck.c outbox.c relay.c events.c status.c notify.c \
	shadow_sync.c shadow_things.c shadow_send.c shadow_responses.c shadow_delta.c \
	shadow_requests.c) $(kthingd_shadow) $(kthingd_shadow_engine)
kthingd_sources += $(kthingd_rules) $(kthingd_rules_config)

$(eval $(call program,kthingd,$(kthingd_sources) $(LIBKTHING_SOURCES),$(KTHINGD_LIBS) $(LIBKTHING_LIBS) -lpthread))

$(eval $(call host_test,kthingd_shadow,tests/kthingd_shadow.c $(kthingd_shadow) $(kthingd_config) $(LIBKTHING_SOURCES),$(KTHINGD_LIBS) $(LIBKTHING_LIBS) -lcmocka))
$(eval $(call fuzzer,fuzz_kthingd_delta,tests/fuzz/fuzz_kthingd_delta.c $(kthingd_shadow) $(kthingd_shadow_engine) $(LIBKTHING_SOURCES),$(shell $(PKG_CONFIG) --libs libcjson) $(LIBKTHING_LIBS) -lm))

# Host tests against a real mosquitto (scripts printing TAP; they use the
# sanitized build).
HOST_TESTS += tests/kthingd_broker.sh tests/kthingd_tls.sh
tests/kthingd_broker.sh tests/kthingd_tls.sh: $(SAN)/bin/kthingd
# Memory given back after a backlog: measured on the optimized build, whose
# allocator is the one a device runs.
HOST_TESTS += tests/kthingd_memory.sh
tests/kthingd_memory.sh: $(BUILD)/bin/kthingd

kthingd_events := agent/kthingd/events.c agent/kthingd/loop.c agent/kthingd/log.c $(LIBKTHING_SOURCES)
$(eval $(call host_test,kthingd_events,tests/kthingd_events.c $(kthingd_events),$(shell $(PKG_CONFIG) --libs libcjson) $(LIBKTHING_LIBS) -lm -lcmocka))
$(eval $(call fuzzer,fuzz_kthingd_events,tests/fuzz/fuzz_kthingd_events.c $(kthingd_events),$(shell $(PKG_CONFIG) --libs libcjson) $(LIBKTHING_LIBS) -lm))
