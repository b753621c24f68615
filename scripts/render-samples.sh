#!/usr/bin/env bash
# Re-renders every sample into docs/ (the README's images) and refreshes the golden DOT
# that the tests compare against. Run it after changing how diagrams look, and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product mgviz >/dev/null
mgviz=$(swift build --show-bin-path)/mgviz
for spec in samples/*.json; do
    name=$(basename "$spec" .json)
    "$mgviz" "$spec" -o "docs/$name.svg"
    "$mgviz" "$spec" -o "Tests/MgvizTests/Golden/$name.dot"
done
