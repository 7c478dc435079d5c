# SPDX-License-Identifier: GPL-2.0
# make demo: kthing in the test VM with a simulated thing, a broker, the
# shadow service and the agent; telemetry printed here, the broker on
# 127.0.0.1:18830 (DEMO_PORT). make demo-smoke checks it without a terminal,
# and make check runs that check (tests/demo-smoke.sh).
.PHONY: demo demo-smoke
demo:
	demo/run
demo-smoke:
	demo/run --smoke

HOST_TESTS += tests/demo-smoke.sh
tests/demo-smoke.sh: $(BUILD)/bin/kthingd $(BUILD)/bin/kthing-shadowd $(BUILD)/bin/kthingctl
