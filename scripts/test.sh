#!/usr/bin/env bash
# The test command: sets up the machine, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test --disable-xctest
