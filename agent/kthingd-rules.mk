# SPDX-License-Identifier: GPL-2.0
# Edge rules in kthingd (agent/kthingd/rules_*.c, docs/rules.md): the
# sources kthingd.mk links, their host test and the host benchmark.
ifndef KTHINGD_RULES_MK
KTHINGD_RULES_MK := 1

include agent/rules.mk

# What the configuration parser needs (config.c compiles the rules).
kthingd_rules_config := agent/kthingd/rules_config.c $(RULES_SOURCES)
# The engine, and its wiring into the running agent.
kthingd_rules := agent/kthingd/rules_engine.c agent/kthingd/rules_agent.c

kthingd_rules_test := tests/kthingd_rules.c agent/kthingd/config.c agent/kthingd/topic.c \
	agent/kthingd/log.c agent/kthingd/rules_engine.c $(kthingd_rules_config)
$(eval $(call host_test,kthingd_rules,$(kthingd_rules_test), \
	$(shell $(PKG_CONFIG) --libs libcjson cmocka) -lm))

# Against a real mosquitto (a script printing TAP; it uses the sanitized build).
HOST_TESTS += tests/kthingd_rules.sh
tests/kthingd_rules.sh: $(SAN)/bin/kthingd

# Rules evaluated per second on telemetry, and the latency one rule adds:
# JSON lines for the bench runner, which runs everything in build/bench/host/.
kthingd_rules_bench := tests/bench/host/rules.c agent/kthingd/config.c \
	agent/kthingd/topic.c agent/kthingd/log.c agent/kthingd/rules_engine.c \
	$(kthingd_rules_config)
$(BUILD)/bench/host/rules: $(patsubst %.c,$(BUILD)/obj/%.o,$(kthingd_rules_bench))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs libcjson) -lm
.PHONY: bench-host-rules
bench-host-rules: $(BUILD)/bench/host/rules
programs: $(BUILD)/bench/host/rules

endif
