#!/usr/bin/env bash
# Builds the release mgviz that scripts/mgviz runs and scripts/install.sh installs, and prints
# its path. Release, with the Swift runtime linked statically (for a fast start), in a build
# folder of its own, .build-release: no other build (debug, the tests', the benchmarks', the
# fuzzer's, each with other flags) makes it rebuild, and it makes none of them rebuild.
# swift build takes 0.5 to 1.5 s to find that nothing changed, so it is not run at all when
# the binary was built after the last change to what it is built from (Sources/,
# Package.swift, Package.resolved, this script); when it runs, its output goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/.build-release"
binary="$build/release/mgviz"
# Touched as a build starts and kept if it succeeds: a file changed during a build is newer.
stamp="$build/mgviz.built"
inputs=("$root/Sources" "$root/Package.swift" "$root/scripts/release-build.sh")
[ ! -e "$root/Package.resolved" ] || inputs+=("$root/Package.resolved")
# find also lists a folder whose entries were added, removed or renamed since.
if [ -x "$binary" ] && [ -e "$stamp" ] && [ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit)" ]; then
    printf '%s\n' "$binary"
    exit 0
fi
mkdir -p "$build"
touch "$stamp.new"
swift build --package-path "$root" --build-path "$build" -c release --static-swift-stdlib --product mgviz >&2
mv "$stamp.new" "$stamp"
# swift build writes Package.resolved as it resolves, at the start of a first build: not a
# change to build again for (which the next run would otherwise do).
if [ -e "$root/Package.resolved" ] && [ "$root/Package.resolved" -nt "$stamp" ]; then touch -r "$root/Package.resolved" "$stamp"; fi
printf '%s\n' "$binary"
