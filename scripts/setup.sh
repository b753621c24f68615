#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test mgviz: Graphviz's C library
# (libgvc, for in-process rendering) and pkg-config. Idempotent and quiet when all is there.
set -euo pipefail
if pkg-config --exists libgvc 2>/dev/null; then exit 0; fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq libgraphviz-dev pkg-config >/dev/null
