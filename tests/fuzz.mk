# SPDX-License-Identifier: GPL-2.0
# libFuzzer harnesses (each declared with $(call fuzzer,...) by its
# component's fragment): `make fuzz-smoke` runs each for a few seconds, as
# `make check` does; `make fuzz` runs each for FUZZ_SECONDS.

FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SECONDS ?= 600

.PHONY: fuzzers fuzz-smoke fuzz
fuzzers: $(FUZZERS)

fuzz-smoke: $(FUZZERS)
	tests/fuzz/run $(FUZZ_SMOKE_SECONDS) $(FUZZERS)

fuzz: $(FUZZERS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZERS)
