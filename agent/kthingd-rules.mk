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

endif
