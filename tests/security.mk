# SPDX-License-Identifier: GPL-2.0
# Security host tests (scripts printing TAP, against the sanitized build).
HOST_TESTS += tests/shadowd_security.sh
tests/shadowd_security.sh: $(SAN)/bin/kthing-shadowd
