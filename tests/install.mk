# SPDX-License-Identifier: GPL-2.0
# make install checked in a DESTDIR (tests/install.sh), run by make check.
HOST_TESTS += tests/install.sh
tests/install.sh: $(BUILD)/bin/kthingd $(BUILD)/bin/kthing-shadowd $(BUILD)/bin/kthingctl
