# SPDX-License-Identifier: GPL-2.0
# The Device Shadow document engine (agent/shadow/), shared by
# kthing-shadowd and kthingd. A program links it by listing these sources
# among its own; from a fragment included before this one, use
# $(wildcard agent/shadow/*.c) directly. It needs $(SHADOW_LIBS).
SHADOW_SOURCES := $(wildcard agent/shadow/*.c)
SHADOW_LIBS := $(shell $(PKG_CONFIG) --libs libcjson) -lm

# A static archive of the engine, for builds outside this Makefile.
$(BUILD)/lib/libkthing-shadow.a: $(patsubst %.c,$(BUILD)/obj/%.o,$(SHADOW_SOURCES))
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
programs: $(BUILD)/lib/libkthing-shadow.a

SHADOW_TEST_LIBS := $(SHADOW_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)
$(eval $(call host_test,shadow_request,tests/shadow_request.c $(SHADOW_SOURCES),$(SHADOW_TEST_LIBS)))
$(eval $(call host_test,shadow_merge,tests/shadow_merge.c $(SHADOW_SOURCES),$(SHADOW_TEST_LIBS)))
$(eval $(call host_test,shadow_responses,tests/shadow_responses.c $(SHADOW_SOURCES),$(SHADOW_TEST_LIBS)))

$(eval $(call fuzzer,fuzz_shadow_request,tests/fuzz/fuzz_shadow_request.c $(SHADOW_SOURCES),$(SHADOW_LIBS)))
$(eval $(call fuzzer,fuzz_shadow_update,tests/fuzz/fuzz_shadow_update.c $(SHADOW_SOURCES),$(SHADOW_LIBS)))
