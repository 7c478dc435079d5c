# SPDX-License-Identifier: GPL-2.0
# kthing: kernel modules (through Kbuild) and userspace programs.

# The kernel tree to build the modules against: the running kernel's when it
# has one, else the newest installed tree with a matching kernel image.
KDIR ?= $(shell tests/vm/find-kdir)

BUILD := build
SAN := $(BUILD)/san

CC ?= cc
PKG_CONFIG ?= pkg-config
WARNINGS := -Wall -Wextra -Werror
# The vendored UAPI header wins over an older system copy.
CPPFLAGS += -Iinclude/uapi -Iinclude -D_GNU_SOURCE
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARNINGS)
SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

# Fragments below add to these.
PROGRAMS :=
SAN_PROGRAMS :=
HOST_TESTS :=
FUZZERS :=

.PHONY: all modules programs clean
all: modules programs

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KCFLAGS=-Werror modules

# $(call program,NAME,SOURCES,LIBS): build/bin/NAME, and a sanitized twin in
# build/san/bin/NAME that tests use.
define program
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(2))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $(3)
$(SAN)/bin/$(1): $(patsubst %.c,$(SAN)/obj/%.o,$(2))
	@mkdir -p $$(@D)
	$$(CC) $$(SANFLAGS) $$(LDFLAGS) -o $$@ $$^ $(3)
PROGRAMS += $(BUILD)/bin/$(1)
SAN_PROGRAMS += $(SAN)/bin/$(1)
endef

# $(call host_test,NAME,SOURCES,LIBS): a sanitized test program whose output
# is TAP (cmocka: CMOCKA_MESSAGE_OUTPUT=TAP), run by `make check-host`.
define host_test
$(SAN)/tests/$(1): $(patsubst %.c,$(SAN)/obj/%.o,$(2))
	@mkdir -p $$(@D)
	$$(CC) $$(SANFLAGS) $$(LDFLAGS) -o $$@ $$^ $(3)
HOST_TESTS += $(SAN)/tests/$(1)
endef

# $(call fuzzer,NAME,SOURCES,LIBS): a libFuzzer harness build/fuzz/NAME (clang),
# its seed corpus in tests/fuzz/corpus/NAME/. `make fuzz-smoke` runs each briefly.
FUZZ_CC ?= clang
FUZZFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
define fuzzer
$(BUILD)/fuzz/$(1): $(2)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(CPPFLAGS) -std=gnu11 $$(WARNINGS) $$(FUZZFLAGS) -o $$@ $$^ $(3)
FUZZERS += $(BUILD)/fuzz/$(1)
endef

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<
$(SAN)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(SANFLAGS) -MMD -MP -c -o $@ $<

# Before the fragments: it sets PREFIX (default /usr) for them.
include install.mk
include $(sort $(wildcard agent/*.mk tests/*.mk))

programs: $(PROGRAMS)
san-programs: $(SAN_PROGRAMS)
host-tests: $(HOST_TESTS)

# Tests (tests/check.sh): `make check` installs what is missing, builds
# everything with warnings as errors, lints, runs the host tests and the
# in-VM suite, and ends with one line "N passed, N failed".
.PHONY: check check-host check-vm lint deps san-programs host-tests
check:
	KDIR=$(KDIR) tests/check.sh all
# check, and the in-VM suite on 6.12-rt (PREEMPT_RT) too.
.PHONY: check-matrix check-debug
check-matrix:
	KDIR=$(KDIR) tests/check.sh matrix
# The in-VM suite and the KUnit tests on a 6.1 debug kernel (KASAN, lockdep,
# kmemleak, UBSAN), built once into /var/cache/kthing-debug-kernel.
check-debug:
	tests/check.sh debug
check-host:
	tests/check.sh host
check-vm:
	KDIR=$(KDIR) tests/check.sh vm
lint:
	KDIR=$(KDIR) tests/check.sh lint
deps:
	tests/deps.sh

# `make -s print-VAR` prints a variable, for the test scripts.
print-%:
	@echo '$($*)'

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
