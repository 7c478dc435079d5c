# SPDX-License-Identifier: GPL-2.0
# libkthing: the device SDK shared by kthingd, kthingctl and applications.
#
# Programs in this tree compile the library's sources in (so the sanitized
# twin gets a sanitized library):
#   include agent/libkthing.mk   (fragments sorting before this one)
#   $(eval $(call program,NAME,SOURCES $(LIBKTHING_SOURCES),... $(LIBKTHING_LIBS)))
# and include it as <kthing.h>. Applications link the shared library
# build/lib/libkthing.so (SONAME libkthing.so.0) or the static archives
# build/lib/libkthing.a and build/san/lib/libkthing.a.
ifndef LIBKTHING_MK
LIBKTHING_MK := 1

LIBKTHING_VERSION := 0.1.0
LIBKTHING_SONAME := libkthing.so.0
LIBKTHING_SOURCES := $(addprefix agent/libkthing/,value.c names.c clock.c \
	device.c genl.c stream.c events.c requests.c)
LIBKTHING_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0)

CPPFLAGS += -Iagent/libkthing $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0)

LIBKTHING_SO := $(BUILD)/lib/libkthing.so.$(LIBKTHING_VERSION)
LIBKTHING_A := $(BUILD)/lib/libkthing.a
LIBKTHING_SAN_A := $(SAN)/lib/libkthing.a
LIBKTHING_PC := $(BUILD)/lib/pkgconfig/libkthing.pc

.PHONY: libkthing
libkthing: $(LIBKTHING_SO) $(LIBKTHING_A) $(LIBKTHING_SAN_A) $(LIBKTHING_PC) \
	$(BUILD)/examples/kthing-example
programs: libkthing

# Position-independent objects for the shared library; only kthing_* is
# exported (version script).
$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(LIBKTHING_SO): $(patsubst %.c,$(BUILD)/pic/%.o,$(LIBKTHING_SOURCES)) \
		agent/libkthing/libkthing.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIBKTHING_SONAME) \
		-Wl,--version-script=agent/libkthing/libkthing.map -Wl,-z,defs \
		-o $@ $(filter %.o,$^) $(LIBKTHING_LIBS)
	ln -sf $(@F) $(@D)/$(LIBKTHING_SONAME)
	ln -sf $(LIBKTHING_SONAME) $(@D)/libkthing.so

$(LIBKTHING_A): $(patsubst %.c,$(BUILD)/obj/%.o,$(LIBKTHING_SOURCES))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBKTHING_SAN_A): $(patsubst %.c,$(SAN)/obj/%.o,$(LIBKTHING_SOURCES))
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The example program, built as an application would: the public header and
# the shared library only.
$(BUILD)/examples/kthing-example: agent/libkthing/example.c $(LIBKTHING_SO)
	@mkdir -p $(@D)
	$(CC) -Iinclude/uapi -Iagent/libkthing -std=gnu11 $(WARNINGS) $(CFLAGS) \
		-o $@ $< -L$(BUILD)/lib -lkthing

LIBKTHING_PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@VERSION@|$(LIBKTHING_VERSION)|g'

$(LIBKTHING_PC): agent/libkthing/libkthing.pc.in agent/libkthing.mk
	@mkdir -p $(@D)
	$(LIBKTHING_PC_SED) $< > $@

# The SDK as a distribution lays it out: the shared library with its links,
# <kthing.h> and the UAPI header it includes (under kthing/, which the
# pkg-config file adds to the include path), and the pkg-config file.
.PHONY: install-libkthing uninstall-libkthing
install-libkthing: $(LIBKTHING_SO)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/kthing/linux
	install -m 0644 $(LIBKTHING_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIBKTHING_SO)) $(DESTDIR)$(LIBDIR)/$(LIBKTHING_SONAME)
	ln -sf $(LIBKTHING_SONAME) $(DESTDIR)$(LIBDIR)/libkthing.so
	install -m 0644 agent/libkthing/kthing.h $(DESTDIR)$(INCLUDEDIR)/kthing.h
	install -m 0644 include/uapi/linux/kthing.h \
		$(DESTDIR)$(INCLUDEDIR)/kthing/linux/kthing.h
	$(LIBKTHING_PC_SED) agent/libkthing/libkthing.pc.in \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/libkthing.pc
	# Installed into the live system: let the dynamic linker know.
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi

uninstall-libkthing:
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(LIBKTHING_SO)) \
		$(DESTDIR)$(LIBDIR)/$(LIBKTHING_SONAME) \
		$(DESTDIR)$(LIBDIR)/libkthing.so \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libkthing.pc \
		$(DESTDIR)$(INCLUDEDIR)/kthing.h \
		$(DESTDIR)$(INCLUDEDIR)/kthing/linux/kthing.h
	-rmdir $(DESTDIR)$(INCLUDEDIR)/kthing/linux $(DESTDIR)$(INCLUDEDIR)/kthing

$(eval $(call host_test,libkthing_events,tests/libkthing_events.c agent/libkthing/stream.c agent/libkthing/genl.c,-lcmocka $(LIBKTHING_LIBS)))
$(eval $(call host_test,libkthing_value,tests/libkthing_value.c $(LIBKTHING_SOURCES),-lcmocka $(LIBKTHING_LIBS)))

$(eval $(call fuzzer,fuzz_kthing_events,tests/fuzz/fuzz_kthing_events.c agent/libkthing/stream.c agent/libkthing/genl.c,$(LIBKTHING_LIBS)))
$(eval $(call fuzzer,fuzz_kthing_value,tests/fuzz/fuzz_kthing_value.c agent/libkthing/value.c,-lm))

# In-VM test programs using the library link the archive (tests/vm.mk
# builds them).
LIBKTHING_VM_PROGS := $(BUILD)/vm/kthingctl_libkthing $(BUILD)/vm/kthingctl_flood
$(LIBKTHING_VM_PROGS): $(LIBKTHING_A)
$(LIBKTHING_VM_PROGS): VM_PROG_LIBS = $(LIBKTHING_A) $(LIBKTHING_LIBS)

endif
