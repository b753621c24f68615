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
# Each run beside its anchor: as many bytes written with fdatasync in the same folder. Medians of 5.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for format in json dot; do
    : > "$big/runs"
    for _ in 1 2 3 4 5; do
        rm -f "$big/out.$format"
        /usr/bin/time -o "$big/time" -f "%e %M" "$mgviz" "$big/sum.json" -o "$big/out.$format" > "$big/log" 2>&1
        read -r seconds kilobytes < "$big/time"
        megabytes=$(( ($(stat -c %s "$big/out.$format") + 1048575) / 1048576 ))
        /usr/bin/time -o "$big/time" -f "%e" dd if=/dev/zero of="$big/anchor" bs=1M count=$megabytes conv=fdatasync > "$big/log" 2>&1
        rm -f "$big/anchor"
        echo "$seconds $kilobytes $(cat "$big/time")" >> "$big/runs"
    done
    seconds=$(awk '{ print $1 }' "$big/runs" | median)
    kilobytes=$(awk '{ print $2 }' "$big/runs" | median)
    anchor=$(awk '{ print $3 }' "$big/runs" | median)
    awk -v f="$format" -v s="$seconds" -v k="$kilobytes" -v a="$anchor" -v n="$megabytes" 'BEGIN {
        printf "mgviz: 1,000,000-term sum to .%s in %s s, peak %d KB; %d MiB written with fdatasync in %s s: %.1fx (medians of 5)\n", f, s, k, n, a, s / a }'
done
