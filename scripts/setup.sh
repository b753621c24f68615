#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test mgviz: Graphviz's C library (libgvc,
# for in-process rendering), pkg-config, and Chromium for the HTML viewer's browser test.
# Idempotent and quiet when all is there.
set -euo pipefail
missing=()
pkg-config --exists libgvc 2>/dev/null || missing+=(libgraphviz-dev pkg-config)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
