#!/usr/bin/env bash
# The test command: sets up the machine, fuzzes the spec parser for 60 seconds, then runs
# the whole suite (last, so that its summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
fuzz/run.sh 60 2>&1 | tail -n 8
swift test --disable-xctest
