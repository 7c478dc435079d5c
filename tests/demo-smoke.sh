#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo without a terminal, for make check: the packages and the build
# are make check's own stages, so neither is repeated here. TAP on stdout.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
exec env KTHING_SKIP_DEPS=1 KTHING_SKIP_BUILD=1 demo/run --smoke
