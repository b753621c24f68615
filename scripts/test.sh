#!/usr/bin/env bash
# The test command: sets up the machine, fuzzes the pipeline for 60 seconds, builds the
# README's library example as a package outside the repo, drives the HTML viewer in headless
# Chromium, then runs the whole suite (last, so that its summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
# The tests leave the checkout as they found it, and the machine's devices as they were.
checkout_before=$(git status --porcelain 2>/dev/null || true)
fuzz/run.sh 60 2>&1 | tail -n 8
scripts/library-check.sh
# The viewer's script is a file of its own, so that it can be checked as JavaScript.
if command -v node >/dev/null 2>&1; then node --check Sources/MgvizKit/Viewer/viewer.js; fi
swift build --product mgviz >/dev/null
mgviz=$(swift build --show-bin-path)/mgviz
"$mgviz" samples/softmax.json -o .build/viewer-test.html
python3 scripts/browser-test.py .build/viewer-test.html .build/viewer-screenshot.png 5
scripts/python-test.sh "$mgviz"
swift test --disable-xctest
if [ "$(git status --porcelain 2>/dev/null || true)" != "$checkout_before" ]; then
    echo "scripts/test.sh: the test run changed the checkout:" >&2
    git status --porcelain >&2
    exit 1
fi
[ -c /dev/null ] || { echo "scripts/test.sh: /dev/null is no longer a character device" >&2; exit 1; }
