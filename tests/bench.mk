# SPDX-License-Identifier: GPL-2.0
# make bench: the performance of the event -> MQTT pipeline, the shadow
# round trip and the footprint, against their floors, in one VM run
# (tests/bench/run, docs/performance.md). make bench-smoke: the same with
# tiny counts, checking only that every stage produced numbers.

BENCH_PROGS := $(BUILD)/bench/bench-listen $(BUILD)/bench/bench-kernel \
	$(BUILD)/bench/bench-mqtt
BENCH_UTIL := tests/bench/util.c agent/common/tcp_nodelay.c
BENCH_LIBS_bench-listen := $(shell $(PKG_CONFIG) --libs libnl-3.0 libnl-genl-3.0)
BENCH_CFLAGS_bench-listen := $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-genl-3.0)
BENCH_LIBS_bench-mqtt := $(shell $(PKG_CONFIG) --libs libcjson) -lpaho-mqtt3c -lpthread

.PHONY: bench bench-smoke bench-progs
all: bench-progs
bench-progs: $(BENCH_PROGS)

$(BUILD)/bench/%: tests/bench/%.c $(BENCH_UTIL) tests/bench/util.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/bench -Iagent/common $(BENCH_CFLAGS_$*) $(CFLAGS) -MMD -MP \
		-MF $(BUILD)/bench/.$*.d -o $@ $< $(BENCH_UTIL) $(BENCH_LIBS_$*)

# The cases also use build/vm/status_read (vm-progs).
bench: modules programs vm-progs bench-progs
	tests/bench/run
bench-smoke: programs vm-progs bench-progs
	tests/bench/run --smoke
