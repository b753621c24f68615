#!/usr/bin/env bash
# Times `mgviz samples/softmax.json -o out.svg` end to end against Python micrograd's
# draw_dot through the `graphviz` package (which runs `dot`), for the same graph, in one
# run. Prints both medians and their ratio. Usage: benchmarks/render_compare.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
venv=/tmp/mgviz-bench-venv
scripts/setup.sh
# The Python side needs the dot program; mgviz itself never runs it.
command -v dot >/dev/null || { apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import graphviz" 2>/dev/null || "$venv/bin/pip" install --quiet graphviz
swift build -c release --static-swift-stdlib --product mgviz >/dev/null
mgviz=$(swift build -c release --static-swift-stdlib --show-bin-path)/mgviz
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$venv/bin/python" - "$runs" "$mgviz" "$venv/bin/python" "$out" <<'PY'
import statistics, subprocess, sys, time
runs, mgviz, python, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = {
    "mgviz": [mgviz, "samples/softmax.json", "-o", f"{out}/mgviz.svg"],
    "python draw_dot": [python, "benchmarks/draw_dot.py", f"{out}/python"],
}
times = {name: [] for name in commands}
for _ in range(runs):  # interleaved, so both see the same machine load
    for name, command in commands.items():
        start = time.perf_counter()
        subprocess.run(command, check=True)
        times[name].append(time.perf_counter() - start)
m, p = statistics.median(times["mgviz"]), statistics.median(times["python draw_dot"])
print(f"softmax to SVG, end to end, median of {runs}: mgviz {m * 1000:.1f} ms, python draw_dot {p * 1000:.1f} ms")
print(f"speedup: {p / m:.1f}x (target >= 5x)")
PY
