#!/usr/bin/env bash
# The test command: sets up the machine, fuzzes the spec parser for 60 seconds, drives the
# HTML viewer in headless Chromium, then runs the whole suite (last, so that its summary
# closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
fuzz/run.sh 60 2>&1 | tail -n 8
swift build --product mgviz >/dev/null
mgviz=$(swift build --show-bin-path)/mgviz
"$mgviz" samples/softmax.json -o .build/viewer-test.html
python3 scripts/browser-test.py .build/viewer-test.html .build/viewer-screenshot.png 5
swift test --disable-xctest
