#!/usr/bin/env bash
# Re-renders the samples' images listed in samples/renderings.tsv into docs/, refreshes the
# golden DOT (and the golden text of softmax and the lecture MLP) the tests compare against, and redraws the mgviz blocks of README.md and
# docs/*.md (the same images, drawn from their own blocks). Run it after changing how
# diagrams look, and commit all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quietly.sh
scripts/setup.sh
quietly swift build --product mgviz
mgviz=$(swift build --show-bin-path)/mgviz
while IFS=$'\t' read -r name rendering flags; do
    case "$name" in '#'*|'') continue ;; esac
    # A sample whose "expect" is WRONG exits 1 by design; its diagram is still written.
    # What it prints on stdout is dropped (held in a variable); its warnings still show.
    said=$("$mgviz" "samples/$name.json" -o "docs/$rendering" $flags) || [ $? -eq 1 ]
    said=$("$mgviz" "samples/$name.json" -o "Tests/MgvizTests/Golden/$name.dot") || [ $? -eq 1 ]
done < samples/renderings.tsv
for name in softmax mlp_lecture; do
    "$mgviz" "samples/$name.json" -o "Tests/MgvizTests/Golden/$name.txt"
done
"$mgviz" README.md docs/*.md --out-dir docs
