# SPDX-License-Identifier: GPL-2.0
# C helpers for the in-VM tests: every tests/vm/progs/NAME.c is built to
# build/vm/NAME, linked with libnl, libgpiod and pthreads.

VM_PROGS := $(patsubst tests/vm/progs/%.c,$(BUILD)/vm/%,$(wildcard tests/vm/progs/*.c))
VM_PROG_PKGS := libnl-3.0 libnl-genl-3.0 libgpiod
VM_PROG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(VM_PROG_PKGS))
VM_PROG_LIBS = $(shell $(PKG_CONFIG) --libs $(VM_PROG_PKGS)) -lpthread

.PHONY: vm-progs
all: vm-progs
vm-progs: $(VM_PROGS)

$(BUILD)/vm/%: tests/vm/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(VM_PROG_CFLAGS) $(CFLAGS) -MMD -MP -MF $(BUILD)/vm/.$*.d \
		-o $@ $< $(VM_PROG_LIBS)
