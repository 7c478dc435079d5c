# SPDX-License-Identifier: GPL-2.0
# Topic rules (agent/rules/): AWS IoT rule SQL compiled and evaluated on the
# device. A program links the language by listing $(RULES_SOURCES) among its
# own sources (so its sanitized twin gets a sanitized copy) with
# $(RULES_LIBS), and includes "rules/rule.h" (-Iagent). Static archives:
# build/lib/libkthing-rules.a and build/san/lib/libkthing-rules.a.
ifndef RULES_MK
RULES_MK := 1

RULES_SOURCES := $(addprefix agent/rules/,arena.c lexer.c parser.c eval.c \
	operators.c value.c functions.c topic.c template.c rule.c)
RULES_LIBS := $(shell $(PKG_CONFIG) --libs libcjson) -lm

RULES_A := $(BUILD)/lib/libkthing-rules.a
RULES_SAN_A := $(SAN)/lib/libkthing-rules.a

$(RULES_A): $(patsubst %.c,$(BUILD)/obj/%.o,$(RULES_SOURCES))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(RULES_SAN_A): $(patsubst %.c,$(SAN)/obj/%.o,$(RULES_SOURCES))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

.PHONY: rules
rules: $(RULES_A) $(RULES_SAN_A) $(BUILD)/bin/kthing-rule-eval
programs: rules

# A small tool to try a rule on a message: the docs' examples and the CLI
# test run through it.
$(eval $(call program,kthing-rule-eval,agent/rules/tool/kthing-rule-eval.c $(RULES_SOURCES),$(RULES_LIBS)))

RULES_TEST_LIBS := $(RULES_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)
$(foreach t,rules_parse rules_eval rules_topic rules_template, \
	$(eval $(call host_test,$(t),tests/$(t).c $(RULES_SOURCES),$(RULES_TEST_LIBS))))
# The tool's test runs the sanitized tool from ../bin, which building the
# host tests brings up to date.
$(eval $(call host_test,rules_cli,tests/rules_cli.c,$(shell $(PKG_CONFIG) --libs cmocka)))
$(SAN)/tests/rules_cli: | $(SAN)/bin/kthing-rule-eval
host-tests: $(SAN)/bin/kthing-rule-eval

$(eval $(call fuzzer,fuzz_rules,tests/fuzz/fuzz_rules.c $(RULES_SOURCES),$(RULES_LIBS)))

endif
