#!/usr/bin/env bash
# Every speed and memory target, each measured beside its floor or anchor in this one run, on
# this machine: the moons step against moons_floor.c and Python micrograd, memory per node,
# `mgviz samples/softmax.json -o out.svg` against gv_floor.c on the same DOT and against
# micrograd's draw_dot through python-graphviz, and a 1,000,000-term sum to .json and .dot
# against writing the same bytes with fdatasync. Builds the two C floors and mgviz (as the
# quick start builds it: release, Swift runtime linked statically) itself, and sets up a
# Python venv with micrograd and graphviz in /tmp/mgviz-bench-venv. Prints medians.
# Every run is pinned to the last core (taskset), so that each figure and its floor share one.
# Usage: benchmarks/run.sh [runs]   (default 21; the machine is shared and noisy)
#        benchmarks/run.sh bounds   (issue 22: every limit's largest accepted input and a refusal
#                                    over each, as whole processes of the release build that
#                                    scripts/mgviz runs, against the 10 s, 2 GB and 1 s budgets)
#        benchmarks/run.sh page [runs]   (issue 25: the HTML page's size and time to interactive
#                                    in headless Chromium beside a blank page, opening a group and
#                                    switching the plate's example; MGVIZ_BEFORE=path/to/mgviz
#                                    draws the same inputs with another mgviz, for before/after)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = bounds ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    scripts/setup.sh
    binary=$(scripts/release-build.sh)
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 benchmarks/bounds.py --mgviz "$binary" --work "$work"
    exit
fi
if [ "${1:-}" = page ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    scripts/setup.sh
    binary=$(scripts/release-build.sh)
    venv=/tmp/mgviz-bench-venv
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    imported=$("$venv/bin/python" -c "import micrograd" 2>&1) || "$venv/bin/pip" install --quiet micrograd==0.1.0
    python3 benchmarks/page.py --mgviz "$binary" ${MGVIZ_BEFORE:+--before "$MGVIZ_BEFORE"} --work "$work" \
        --runs "${2:-7}" --python "$venv/bin/python"
    exit
fi
runs=${1:-21}
shared=${MGVIZ_SHARED:-../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source scripts/quietly.sh
scripts/setup.sh
# draw_dot's python-graphviz runs the dot program; mgviz itself never does.
[ -n "$(command -v dot || true)" ] || { apt-get update -qq && quietly apt-get install -y -qq graphviz; }
venv=/tmp/mgviz-bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# (The import's error, when a package is missing, is held in a variable and dropped.)
imported=$("$venv/bin/python" -c "import micrograd, graphviz" 2>&1) || "$venv/bin/pip" install --quiet micrograd==0.1.0 graphviz
cc -O2 -march=native "$shared/bench/moons_floor.c" -o "$work/moons_floor" -lm
# shellcheck disable=SC2046
cc -O2 "$shared/bench/gv_floor.c" -o "$work/gv_floor" $(pkg-config --cflags --libs libgvc) -ldl
for product in mgviz mgviz-bench; do
    quietly swift build -c release --static-swift-stdlib --product "$product"
done
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), $(swift --version 2>&1 | head -n 1)"
"$venv/bin/python" benchmarks/run.py --runs "$runs" --bin "$bin" --floors "$work" --data "$shared/data" --work "$work"
