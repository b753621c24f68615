#!/usr/bin/env bash
# The Python bridge's tests. Installs python/ as a user would (pip install, from a copy in a
# temp folder, so that the checkout is left as it was) into a venv of its own,
# /tmp/mgviz-python-venv, made once with pytest, the PyPI micrograd 0.1.0, and nbclient and
# ipykernel (to execute a notebook), and runs
# python/tests against the mgviz binary given as the first argument (passed on as MGVIZ).
# The exercises notebook, the moons points and the demo's starting weights are read from
# ../shared beside the checkout.
# Prints pytest's short report; pip's chatter is kept and shown only when a step fails.
# Usage: scripts/python-test.sh path/to/mgviz
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ]; then
    echo "usage: scripts/python-test.sh path/to/mgviz" >&2
    exit 64
fi
binary=$1
case $binary in /*) ;; *) binary="$PWD/$binary" ;; esac
if [ ! -x "$binary" ]; then
    echo "python-test: $binary is not an executable mgviz" >&2
    exit 66
fi
python=${PYTHON:-python3}
venv=/tmp/mgviz-python-venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

# Runs a command with its output in $log, shown only if it fails.
quiet() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "python-test: failed: $*" >&2
        exit 1
    fi
}

# The venv is kept between runs; a stamp says what it was made with, and a different Python
# or list of packages makes it again.
# nbclient and ipykernel execute a real notebook that calls mgviz.show (tests/test_jupyter.py).
requirements=(pytest "micrograd==0.1.0" "flit_core>=3.4,<4" nbclient ipykernel)
stamp="$venv/mgviz-stamp"
want="$("$python" -c 'import sys; print(sys.version)') ${requirements[*]}"
have=""
if [ -f "$stamp" ]; then have=$(cat "$stamp"); fi
if [ "$have" != "$want" ] || [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    quiet "$python" -m venv "$venv"
    quiet "$venv/bin/python" -m pip install --quiet "${requirements[@]}"
    printf '%s\n' "$want" >"$stamp"
fi

# pip install ./python, from a copy: the build backend (flit_core, already in the venv) writes
# nothing into the tree, and the copy goes away with the temp folder either way. The copy's
# package folder is then removed, so the tests can only import the installed one.
cp -R "$root/python" "$work/python"
quiet "$venv/bin/python" -m pip install --no-build-isolation --no-deps --force-reinstall "$work/python"
rm -rf "$work/python/mgviz"

cd "$work"
MGVIZ="$binary" MGVIZ_REPO="$root" "$venv/bin/pytest" -q -p no:cacheprovider \
    --basetemp="$work/pytest" "$work/python/tests"
