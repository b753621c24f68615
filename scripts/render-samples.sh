#!/usr/bin/env bash
# Re-renders the README's images listed in samples/renderings.tsv into docs/, and refreshes
# the golden DOT the tests compare against. Run it after changing how diagrams look, and
# commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product mgviz >/dev/null
mgviz=$(swift build --show-bin-path)/mgviz
while IFS=$'\t' read -r name rendering flags; do
    case "$name" in '#'*|'') continue ;; esac
    # A sample whose "expect" is WRONG exits 1 by design; its diagram is still written.
    "$mgviz" "samples/$name.json" -o "docs/$rendering" $flags >/dev/null || [ $? -eq 1 ]
    "$mgviz" "samples/$name.json" -o "Tests/MgvizTests/Golden/$name.dot" >/dev/null || [ $? -eq 1 ]
done < samples/renderings.tsv
