#!/usr/bin/env bash
# Times `mgviz samples/softmax.json -o out.svg` (static release build) against gv_floor, a C
# program that renders the same DOT through libgvc (../shared/bench/gv_floor.c), in one run
# of interleaved processes. Also times gv_floor without the neato_layout plugin (the plugins
# mgviz loads for dot), `mgviz --version` (ArgumentParser's path) and a spec with one op.
# Prints medians and ratios. Usage: benchmarks/startup_compare.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
floor_source=../shared/bench/gv_floor.c
[ -f "$floor_source" ] || { echo "no $floor_source" >&2; exit 1; }
scripts/setup.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift build -c release --static-swift-stdlib --product mgviz > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
mgviz=$(swift build -c release --static-swift-stdlib --show-bin-path)/mgviz
cc -O2 "$floor_source" -o "$out/gv_floor" $(pkg-config --cflags --libs libgvc) -ldl
sed 's/{"gvplugin_neato_layout_LTX_library", plug("neato_layout", "gvplugin_neato_layout_LTX_library")},/{0, 0},/' \
    "$floor_source" > "$out/gv_floor_dot.c"
cc -O2 "$out/gv_floor_dot.c" -o "$out/gv_floor_dot" $(pkg-config --cflags --libs libgvc) -ldl
"$mgviz" samples/softmax.json -o "$out/softmax.dot"
printf '{"inputs": {"x": 1}, "define": ["y = x * 2"]}' > "$out/tiny.json"

python3 - "$runs" "$mgviz" "$out" <<'PY'
import statistics, subprocess, sys, time
runs, mgviz, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = {
    "gv_floor": [f"{out}/gv_floor", f"{out}/softmax.dot", f"{out}/floor.svg"],
    "gv_floor, dot plugins only": [f"{out}/gv_floor_dot", f"{out}/softmax.dot", f"{out}/floor_dot.svg"],
    "mgviz softmax.json -o .svg": [mgviz, "samples/softmax.json", "-o", f"{out}/mgviz.svg"],
    "mgviz tiny.json -o .json": [mgviz, f"{out}/tiny.json", "-o", f"{out}/tiny.out.json"],
    "mgviz --version": [mgviz, "--version"],
}
times = {name: [] for name in commands}
for _ in range(runs):  # interleaved, so that all see the same machine load
    for name, command in commands.items():
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times[name].append(time.perf_counter() - start)
medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
for name, median in medians.items():
    print(f"{name:28} median of {runs}: {median:6.2f} ms")
mgviz_svg = medians["mgviz softmax.json -o .svg"]
print(f"mgviz / gv_floor: {mgviz_svg / medians['gv_floor']:.2f}x (target <= 1.3x)")
print(f"mgviz / gv_floor with dot plugins only: {mgviz_svg / medians['gv_floor, dot plugins only']:.2f}x")
PY
