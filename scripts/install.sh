#!/usr/bin/env bash
# Installs mgviz into PREFIX/bin (default /usr/local/bin): installs what the machine lacks
# (scripts/setup.sh), builds the release binary with the Swift runtime linked statically
# (scripts/release-build.sh: the quick start's build, reused when it is up to date) and copies
# it there. The binary needs Graphviz's libraries (libgvc) at run time, not Swift.
# Usage: scripts/install.sh [PREFIX]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:-/usr/local}"
"$root/scripts/setup.sh"
binary=$("$root/scripts/release-build.sh")
install -d "$prefix/bin"
bin=$(cd "$prefix/bin" && pwd)
install -m 755 "$binary" "$bin/mgviz"
echo "mgviz: installed $bin/mgviz"
case ":$PATH:" in
    *":$bin:"*) ;;
    *) echo "mgviz: $bin is not on PATH; add it there, or run $bin/mgviz" ;;
esac
