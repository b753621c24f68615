#!/usr/bin/env bash
# Times Python micrograd and the Swift engine back to back on this machine, and prints
# both figures and their ratios. Usage: benchmarks/compare.sh [python-steps] [swift-steps]
set -euo pipefail
cd "$(dirname "$0")/.."
python_steps=${1:-5}
swift_steps=${2:-100}
data=${MGVIZ_DATA:-../shared/data}
venv=/tmp/mgviz-bench-venv

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import micrograd" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet micrograd==0.1.0
fi
swift build -c release --static-swift-stdlib --product mgviz-bench >/dev/null
bench=.build/release/mgviz-bench

figure() { awk -v key="$1" '$1 == key { print $2 }'; }

py_step=$("$venv/bin/python" benchmarks/moons.py moons --data "$data" --steps "$python_steps" | figure seconds_per_step)
swift_step=$("$bench" moons --data "$data" --steps "$swift_steps" | figure seconds_per_step)
py_mem=$("$venv/bin/python" benchmarks/moons.py memory | figure bytes_per_node)
swift_mem=$("$bench" memory | figure bytes_per_node)

echo "moons step (median): python ${py_step}s ($python_steps steps), swift ${swift_step}s ($swift_steps steps)"
awk -v p="$py_step" -v s="$swift_step" 'BEGIN { printf "speedup: %.0fx (target >= 500x)\n", p / s }'
echo "memory per node (1,000,000-node graph): python ${py_mem} B, swift ${swift_mem} B"
awk -v p="$py_mem" -v s="$swift_mem" 'BEGIN { printf "memory ratio: 1/%.1f (target <= 1/10)\n", p / s }'
"$bench" chain

# Export is linear in the graph's size: the library at 250k, 500k and 1M nodes, then the
# CLI end to end on a spec whose output is a 1,000,000-term sum.
"$bench" export --nodes 1000000
swift build -c release --static-swift-stdlib --product mgviz >/dev/null
mgviz=$(swift build -c release --static-swift-stdlib --show-bin-path)/mgviz
big=$(mktemp -d)
trap 'rm -rf "$big"' EXIT
python3 -c 'print("{\"inputs\": {\"x\": 1.5}, \"define\": [\"y = " + " + ".join(["x"] * 1000000) + "\"]}")' > "$big/sum.json"
for format in json dot; do
    /usr/bin/time -f "mgviz: 1,000,000-term sum to .$format in %e s, peak %M KB" "$mgviz" "$big/sum.json" -o "$big/out.$format"
done
