# SPDX-License-Identifier: GPL-2.0
# make install / uninstall / dkms-install: kthing laid out as Debian lays out
# a package. DESTDIR stages the tree; PREFIX (default /usr) moves programs,
# units, rules, manual pages and documentation; configuration stays in
# SYSCONFDIR (/etc). A configuration file the administrator may edit is
# installed only when absent and never removed by uninstall.
#
# Included by the Makefile before the agent fragments, so PREFIX defaults to
# /usr for install-libkthing too.

PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
# Debian puts libraries in the multiarch directory (lib/x86_64-linux-gnu).
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/kthing
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= /etc
KTHING_CONFDIR := $(SYSCONFDIR)/kthing

KTHING_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRCDIR ?= /usr/src/kthing-$(KTHING_VERSION)
DKMS ?= dkms

INSTALL ?= install

INSTALL_SBIN := kthingd kthing-shadowd
INSTALL_BIN := kthingctl
INSTALL_UNITS := kthingd.service kthing-shadowd.service
INSTALL_MAN1 := kthingctl.1
INSTALL_MAN8 := kthingd.8 kthing-shadowd.8
# Configuration: NAME.example always, NAME itself only when absent.
INSTALL_CONFIGS := kthingd.json shadowd.json
INSTALL_DOCS := README.md $(wildcard docs/*.md)
INSTALL_EXAMPLES := etc/greenhouse.json.example etc/modules-load.d-kthing.conf.example

.PHONY: install uninstall install-programs install-system install-config \
	install-docs uninstall-config dkms-install dkms-sources dkms-uninstall

install: install-programs install-libkthing install-system install-config install-docs

install-programs: $(addprefix $(BUILD)/bin/,$(INSTALL_SBIN) $(INSTALL_BIN))
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 $(addprefix $(BUILD)/bin/,$(INSTALL_SBIN)) $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0755 $(addprefix $(BUILD)/bin/,$(INSTALL_BIN)) $(DESTDIR)$(BINDIR)/

# The units name the daemons by path: they follow SBINDIR.
install-system:
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(UDEVRULESDIR) \
		$(DESTDIR)$(SYSUSERSDIR)
	for unit in $(INSTALL_UNITS); do \
		sed 's|/usr/sbin/|$(SBINDIR)/|g' systemd/$$unit \
			> $(DESTDIR)$(SYSTEMDUNITDIR)/$$unit && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$unit || exit 1; \
	done
	$(INSTALL) -m 0644 udev/60-kthing.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 systemd/kthing.sysusers $(DESTDIR)$(SYSUSERSDIR)/kthing.conf

# Keys may hold secrets one day (certificate paths, passwords): 0640.
install-config:
	$(INSTALL) -d $(DESTDIR)$(KTHING_CONFDIR)
	for conf in $(INSTALL_CONFIGS); do \
		$(INSTALL) -m 0644 etc/$$conf.example $(DESTDIR)$(KTHING_CONFDIR)/ || exit 1; \
		if [ -e $(DESTDIR)$(KTHING_CONFDIR)/$$conf ]; then \
			echo "keeping $(DESTDIR)$(KTHING_CONFDIR)/$$conf"; \
		else \
			$(INSTALL) -m 0640 etc/$$conf $(DESTDIR)$(KTHING_CONFDIR)/ || exit 1; \
		fi; \
	done

install-docs:
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0644 $(addprefix docs/man/,$(INSTALL_MAN1)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(addprefix docs/man/,$(INSTALL_MAN8)) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 $(INSTALL_EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/

# Everything install put there, except configuration the administrator may
# have edited (the .example files go: they are ours).
uninstall: uninstall-libkthing
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(INSTALL_SBIN)) \
		$(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALL_BIN)) \
		$(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(INSTALL_UNITS)) \
		$(DESTDIR)$(UDEVRULESDIR)/60-kthing.rules \
		$(DESTDIR)$(SYSUSERSDIR)/kthing.conf \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(INSTALL_MAN1)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(INSTALL_MAN8)) \
		$(addprefix $(DESTDIR)$(KTHING_CONFDIR)/,$(addsuffix .example,$(INSTALL_CONFIGS)))
	rm -rf $(DESTDIR)$(DOCDIR)
	rmdir $(DESTDIR)$(KTHING_CONFDIR) 2>/dev/null || true

# The module sources as DKMS builds them: Kbuild, kmod/ (without the KUnit
# tests, built separately), the UAPI header and the in-VM test module
# Kbuild names.
dkms-sources:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRCDIR)
	$(INSTALL) -m 0644 dkms.conf Kbuild $(DESTDIR)$(DKMS_SRCDIR)/
	find kmod include tests/vm/fwnode -path kmod/tests -prune -o \
		-type f -name '*.[ch]' -print | \
		cpio -pdm --quiet $(DESTDIR)$(DKMS_SRCDIR)

# Rebuilt by DKMS on every kernel upgrade (dkms.conf: AUTOINSTALL).
dkms-install: dkms-sources
	$(DKMS) add -m kthing -v $(KTHING_VERSION)
	$(DKMS) build -m kthing -v $(KTHING_VERSION)
	$(DKMS) install -m kthing -v $(KTHING_VERSION)

dkms-uninstall:
	-$(DKMS) remove -m kthing -v $(KTHING_VERSION) --all
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
