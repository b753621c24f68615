#!/usr/bin/env bash
# The test command: sets up the machine, fuzzes the pipeline for 60 seconds, builds the
# library example (docs/library.md) and the DocC pages' code as a package outside the repo,
# builds the DocC documentation in .build (warnings as errors, every public symbol
# documented), installs a release build into a temp prefix with scripts/install.sh, builds
# the wheel and tests it as a user gets it (scripts/wheel-test.sh), checks that the diagrams
# of README.md and of every document in docs/ are current, drives the HTML
# viewer in headless Chromium (its pages in a temp folder, its screenshots in
# .build/viewer-screenshots), then runs the whole suite (last, so that its summary closes
# the output).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quietly.sh
scripts/setup.sh --browser
# The tests leave the checkout as they found it, and the machine's devices as they were.
# (Outside a git checkout, git's complaint is what is compared.)
checkout_before=$(git status --porcelain 2>&1 || true)
# A crash's report is the end of the fuzzer's output: all of it is kept for that case.
fuzzed=$(fuzz/run.sh 60 2>&1) || { printf '%s\n' "$fuzzed" | tail -n 80 >&2; exit 1; }
printf '%s\n' "$fuzzed" | tail -n 8
scripts/library-check.sh
# The DocC documentation of Micrograd and MgvizKit (with the modules MgvizKit's API speaks in),
# into .build, warnings as errors, and a doc comment on every public symbol.
scripts/docs.sh
# The viewer's scripts are files of their own, so that they can be checked as JavaScript.
if [ -n "$(command -v node || true)" ]; then node --check Sources/MgvizKit/Viewer/viewer.js; node --check Sources/MgvizKit/Viewer/evaluator.js; fi
quietly swift build --product mgviz
mgviz=$(swift build --show-bin-path)/mgviz
# The installer, into a temp prefix (never /usr/local): it builds the release binary in
# .build-release (shared with the quick start, reused when up to date), says where it put
# it and that the folder is not on PATH, and the installed binary draws what the debug one does.
installed=$(mktemp -d)
trap 'rm -rf "$installed"' EXIT
said=$(scripts/install.sh "$installed" 2> "$installed/install.log") || { cat "$installed/install.log" >&2; exit 1; }
expected="mgviz: installed $installed/bin/mgviz
mgviz: $installed/bin is not on PATH; add it there, or run $installed/bin/mgviz"
[ "$said" = "$expected" ] || { printf 'scripts/test.sh: install.sh said\n%s\nexpected\n%s\n' "$said" "$expected" >&2; exit 1; }
"$installed/bin/mgviz" samples/softmax.json -o "$installed/softmax.svg"
"$mgviz" samples/softmax.json -o "$installed/debug.svg"
cmp "$installed/softmax.svg" "$installed/debug.svg"
echo "install: scripts/install.sh PREFIX installs a release mgviz that draws softmax.json as the debug build does"
# The wheel (scripts/build-wheel.sh, from the same release build) as a user gets it: in a
# fresh venv, with Swift, the machine's Graphviz and the libraries the wheel carries hidden.
scripts/wheel-test.sh
# The diagrams of README.md and docs/*.md come from their mgviz blocks, and all are drawn
# into docs/ (where a block in docs/ writes by default too): they are current.
"$mgviz" README.md docs/*.md --out-dir docs --check
python3 scripts/browser-test.py "$mgviz" .build/viewer-screenshots
python3 scripts/browser-test-diff.py "$mgviz" .build/viewer-screenshots/diff
python3 scripts/browser-test-timeline.py "$mgviz" .build/viewer-screenshots/timeline
scripts/python-test.sh "$mgviz"
swift test --disable-xctest
if [ "$(git status --porcelain 2>&1 || true)" != "$checkout_before" ]; then
    echo "scripts/test.sh: the test run changed the checkout:" >&2
    git status --porcelain >&2
    exit 1
fi
[ -c /dev/null ] || { echo "scripts/test.sh: /dev/null is no longer a character device" >&2; exit 1; }
