#!/usr/bin/env bash
# Installs what a fresh machine lacks to build mgviz: Graphviz's C library (libgvc, for
# in-process rendering), CommonMark's reference parser (libcmark, for Markdown documents) and
# pkg-config; with --browser, also Chromium for the HTML viewer's browser test. Idempotent and
# quiet when all is there.
set -euo pipefail
missing=()
# Probes print nothing: `command -v` finds a program or prints nothing, and
# `pkg-config --exists` only sets its status.
has() { [ -n "$(command -v "$1" || true)" ]; }
{ has pkg-config && pkg-config --exists libgvc; } || missing+=(libgraphviz-dev pkg-config)
{ has pkg-config && pkg-config --exists libcmark; } || missing+=(libcmark-dev pkg-config)
if [ "${1:-}" = "--browser" ]; then
    has chromium || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
source "$(dirname "$0")/quietly.sh"
quietly $sudo apt-get install -y -qq "${missing[@]}"
