#!/usr/bin/env bash
# Renders every sample in each format many times in one process under valgrind memcheck,
# twice (10 rounds, then ROUNDS), and compares what is "definitely lost". A leak per render
# grows with the rounds; a one-time allocation (fontconfig, pango, plugin loading) does not,
# so nothing is suppressed: growth is what counts.
# Usage: scripts/leak-check.sh [rounds] [formats] [specs...]
#   e.g. scripts/leak-check.sh 1000 "svg pdf"
#        scripts/leak-check.sh 200 svg samples/mlp_lecture.json
# By default it renders the six expression samples, then the lecture MLP, whose layers and
# neurons are clusters (dot's cluster code: Graphviz 2.42 leaks its virtual nodes and edges
# there unless CDotLeakFix sweeps them), at CLUSTER_ROUNDS rounds (default 50): it is far
# slower under memcheck. The other model samples take the same code paths.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1000}
formats=${2:-svg pdf png}
shift 2 || shift $#
specs=("$@")
runs=("$rounds:${specs[*]}")
[ ${#specs[@]} -gt 0 ] || runs=("$rounds:$(echo samples/{softmax,derivatives,neuron,wrong_expect,nan,dead_relu}.json)"
                                "${CLUSTER_ROUNDS:-50}:samples/mlp_lecture.json")
source scripts/quietly.sh
[ -n "$(command -v valgrind || true)" ] || { apt-get update -qq && quietly apt-get install -y -qq valgrind; }
scripts/setup.sh
quietly swift build --product mgviz-bench
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# Valgrind 3.19 (Debian 12) gives up on the DWARF 5 debug info of Swift's debug build: run a
# copy without it (the symbol table stays, so stacks keep their function names).
bench=$logs/mgviz-bench
cp "$(swift build --show-bin-path)/mgviz-bench" "$bench"
strip --strip-debug "$bench"
status=0
for run in "${runs[@]}"; do
rounds=${run%%:*}
read -ra specs <<< "${run#*:}"
for format in $formats; do
    for n in 10 "$rounds"; do
        valgrind --leak-check=full --show-leak-kinds=definite --num-callers=40 \
            "$bench" render "${specs[@]}" --count "$n" --format "$format" > "$logs/$format-$n.out" 2> "$logs/$format-$n.log"
    done
    python3 - "$logs/$format-10.log" "$logs/$format-$rounds.log" "$format" "$rounds" "${#specs[@]}" <<'PY' || status=1
import re, sys
def records(path):
    """Definitely-lost bytes by allocation stack, and the total."""
    text = open(path).read()
    found = {}
    for block in re.split(r"\n==\d+== \n", text):
        m = re.search(r"([\d,]+) (?:\(([\d,]+) direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks are definitely lost", block)
        if not m:
            continue
        direct = int((m.group(2) or m.group(1)).replace(",", ""))
        stack = tuple(re.findall(r"(?:at|by) 0x[0-9A-F]+: (\S+)", block))
        found[stack] = found.get(stack, 0) + direct
    total = re.search(r"definitely lost: ([\d,]+) bytes", text)
    return found, int(total.group(1).replace(",", "")) if total else 0
small, small_total = records(sys.argv[1])
large, large_total = records(sys.argv[2])
fmt, rounds, specs = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
renders = (rounds - 10) * specs
graphviz = others = 0
for stack, size in large.items():
    growth = size - small.get(stack, 0)
    if growth <= 0:
        continue
    # parse_reclbl is static in libgvc, so valgrind shows it as ???: strdup called from
    # the record shape's init under dot_init_node_edge is that leak.
    if stack[:2] == ("malloc", "strdup") and "dot_init_node_edge" in stack:
        graphviz += growth
    else:
        others += growth
        print(f"  {fmt}: {growth} bytes more lost at " + " <- ".join(stack[:8]))
print(f"{fmt}: definitely lost {small_total} B after 10 rounds, {large_total} B after {rounds}; "
      f"growth {large_total - small_total} B over {renders} renders: "
      f"Graphviz 2.42 parse_reclbl {graphviz} B ({graphviz / max(renders, 1):.0f} B a render), everything else {others} B")
sys.exit(1 if others > 0 else 0)
PY
done
done
exit $status
