#!/usr/bin/env bash
# Builds the spec fuzzer with libFuzzer and AddressSanitizer and runs it for N seconds on
# fuzz/corpus (what earlier runs found, minimized) and fuzz/seeds (the samples, the
# bad-input tests and every crash found so far). New finds go to .build-fuzz/corpus, so that a
# run leaves the checkout clean; merge them into fuzz/corpus by hand when they are worth keeping:
#   .build-fuzz/spec-fuzzer -merge=1 fuzz/corpus .build-fuzz/corpus
# Usage: fuzz/run.sh [seconds] [more libFuzzer flags]. Crashes land in .build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=.build-fuzz
rm -rf "$build/src"
mkdir -p "$build/src" "$build/corpus"
# One module: the libraries' sources without their imports of each other, and the entry.
for file in Sources/Micrograd/*.swift Sources/MgvizSpec/*.swift Sources/MgvizExport/*.swift; do
    sed -e '/^import Micrograd$/d' "$file" > "$build/src/$(basename "$(dirname "$file")")_$(basename "$file")"
done
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name MgvizFuzz \
    "$build"/src/*.swift fuzz/SpecFuzzer.swift -o "$build/spec-fuzzer"
"$build/spec-fuzzer" "$build/corpus" fuzz/corpus fuzz/seeds -max_total_time="$seconds" -max_len=1024 -timeout=10 \
    -rss_limit_mb=4096 -dict=fuzz/spec.dict -artifact_prefix="$build/" -print_final_stats=1 "$@"
