#!/usr/bin/env bash
# Installs what a fresh machine lacks to build mgviz: Graphviz's C library (libgvc, for
# in-process rendering) and pkg-config; with --browser, also Chromium for the HTML viewer's
# browser test. Idempotent and quiet when all is there.
set -euo pipefail
missing=()
pkg-config --exists libgvc 2>/dev/null || missing+=(libgraphviz-dev pkg-config)
if [ "${1:-}" = "--browser" ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
