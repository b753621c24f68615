#!/usr/bin/env bash
# Builds the spec fuzzer (the MgvizFuzz target: MgvizKit's pipeline under every option set, and
# Markdown documents' link blocks rewritten, trapping unless every other byte stays and a second
# run changes nothing) with libFuzzer and AddressSanitizer through swift build, and runs it for
# N seconds on fuzz/corpus (what earlier runs found, minimized) and fuzz/seeds (the samples, the
# bad-input tests, Markdown documents and every crash found so far). New finds go to
# .build-fuzz/corpus, so that a run leaves the checkout clean; merge them into fuzz/corpus by
# hand when they are worth keeping:
#   .build-fuzz/release/mgviz-fuzz -merge=1 fuzz/corpus .build-fuzz/corpus
# Usage: fuzz/run.sh [seconds] [more libFuzzer flags]. Crashes land in .build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=.build-fuzz
# libFuzzer prints a crash's stack itself; Swift's backtracer, attached to the same crash,
# was seen to wait 20 minutes.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$build/corpus"
swift build -c release --product mgviz-fuzz --build-path "$build" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -g
"$build/release/mgviz-fuzz" "$build/corpus" fuzz/corpus fuzz/seeds -max_total_time="$seconds" -max_len=1024 -timeout=10 \
    -rss_limit_mb=4096 -dict=fuzz/spec.dict -artifact_prefix="$build/" -print_final_stats=1 "$@"
