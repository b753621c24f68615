#!/usr/bin/env bash
# The wheel as a user gets it, on a machine with neither Swift nor Graphviz: installed into a
# fresh venv, and run in a mount namespace of its own (unshare: no other process sees it)
# where the Swift toolchain, Graphviz's plugin folder and the machine's copy of every library
# the wheel carries (libgvc, libcmark, cairo, pango, glib, ...) are hidden under empty bind
# mounts, with MGVIZ unset and no mgviz on PATH. There:
#   - the bridge finds the wheel's binary (MGVIZ before it), draws a traced graph to SVG, PNG
#     and PDF, and mgviz.show returns its SVG;
#   - the `mgviz` command the wheel installs draws samples/softmax.json to SVG, PNG and PDF,
#     and its --version names the Graphviz it runs with;
#   - the binary loads nothing from outside the venv but glibc, the C++ runtime and libexpat
#     (the loader's own account, LD_DEBUG=libs, while it draws a PNG and a PDF);
#   - and all of it again with the machine's fonts hidden too (/etc/fonts, /usr/share/fonts),
#     where the bridge hands the binary the wheel's font.
# Every drawing is byte for byte what the source build (scripts/release-build.sh, with the
# machine's Graphviz and fonts) draws from the same input, but for a PDF's creation time.
# Without an argument the wheel is built first, into the temp folder (dist/ is left alone).
# Usage: scripts/wheel-test.sh [path/to/mgviz-*.whl]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "wheel-test: $*" >&2; exit 1; }
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$root/scripts/quietly.sh"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
if [ $# -ge 1 ]; then
    wheel=$(realpath "$1")
else
    wheel=$("$root/scripts/build-wheel.sh" "$work/dist")
    echo "wheel-test: built $(basename "$wheel") in $(($(date +%s) - start)) s"
fi
[ -f "$wheel" ] || fail "no wheel at $wheel"
binary=$("$root/scripts/release-build.sh")
quietly "${PYTHON:-python3}" -m venv "$work/venv"
quietly "$work/venv/bin/python" -m pip install --no-index --no-deps "$wheel"

# The user's part, run with nothing of this process's environment: the bridge finds the
# wheel's binary, draws a small graph (Values of the bridge's own kind: data, grad, _prev,
# _op, label), shows and dumps it; MGVIZ comes first.
cat >"$work/user.py" <<'PY'
import os
import sys

import mgviz

out, work, bundle = os.environ["OUT"], os.environ["WORK"], os.environ["BUNDLE"]


class Value:
    def __init__(self, data, children=(), op="", label="", grad=0.0):
        self.data, self.grad, self._prev, self._op, self.label = data, grad, set(children), op, label


# The lecture's first graph, with the grads backward() leaves.
a, b, c = Value(2.0, label="a", grad=6.0), Value(-3.0, label="b", grad=-4.0), Value(10.0, label="c", grad=-2.0)
e = Value(-6.0, (a, b), "*", "e", -2.0)
d = Value(4.0, (e, c), "+", "d", -2.0)
f = Value(-2.0, label="f", grad=4.0)
L = Value(-8.0, (d, f), "*", "L", 1.0)

found = mgviz.find_mgviz()
if "MGVIZ" in os.environ or found != os.path.join(bundle, "bin", "mgviz"):
    sys.exit("wheel-test: the bridge found %s, not the wheel's binary" % found)
for fmt in ("svg", "png", "pdf"):
    mgviz.draw(L, os.path.join(out, "bridge." + fmt))
with open(os.path.join(out, "show.svg"), "w", encoding="utf-8") as shown:
    shown.write(mgviz.show(L, format="svg")._repr_svg_())
# The interactive page, as Jupyter shows it: an iframe of the page, with the SVG beside it.
bundle_shown = mgviz.show(L)._repr_mimebundle_()
if "<iframe" not in bundle_shown["text/html"] or "image/svg+xml" not in bundle_shown:
    sys.exit("wheel-test: show() gave no page in an iframe with its SVG: %s" % sorted(bundle_shown))
mgviz.dump(L, os.path.join(out, "bridge.json"))
other = os.path.join(out, "other-mgviz")
with open(other, "w") as script:
    script.write("#!/bin/sh\n")
os.chmod(other, 0o755)
os.environ["MGVIZ"] = other
if mgviz.find_mgviz() != other:
    sys.exit("wheel-test: MGVIZ does not come before the wheel's binary")
os.remove(other)
PY

# Inside the namespace, as its root: hides, in one process (mount(8) needs libmount, libblkid
# and libselinux, which the wheel carries too, and so do coreutils: nothing but this Python
# and what it starts runs once they are hidden), then runs the user's part, the command, and
# the binary under LD_DEBUG.
cat >"$work/inside.py" <<'PY'
import ctypes
import glob
import os
import re
import shutil
import subprocess
import sys

root, work, out = sys.argv[1:4]
without_fonts = sys.argv[4:] == ["--no-fonts"]
venv = os.path.join(work, "venv")
bundle = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "mgviz", "_bundle"))[0]
sample = os.path.join(root, "samples", "softmax.json")


def fail(message):
    sys.exit("wheel-test: " + message)


hidden = set()
swift = shutil.which("swift")
if swift:
    hidden.add(os.path.dirname(os.path.dirname(os.path.realpath(swift))))
# The loader's cache: `\tlibgvc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgvc.so.6`.
cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
machine = {}
for name, path in re.findall(r"^\s*(\S+) \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.M):
    machine.setdefault(name, []).append(path)
for name in os.listdir(os.path.join(bundle, "lib")):
    for path in machine.get(name, []):
        hidden.add(os.path.realpath(path))
        plugins = os.path.join(os.path.dirname(path), "graphviz")
        if name == "libgvc.so.6" and os.path.isdir(plugins):
            hidden.add(os.path.realpath(plugins))
if without_fonts:
    hidden.update(folder for folder in ("/etc/fonts", "/usr/share/fonts", "/usr/local/share/fonts",
                                        "/var/cache/fontconfig") if os.path.isdir(folder))
hidden.update(os.path.realpath(path) for path in ("/usr/bin/mgviz", "/bin/mgviz") if os.path.exists(path))

empty_file, empty_folder = os.path.join(work, "empty-file"), os.path.join(work, "empty-folder")
open(empty_file, "w").close()
os.makedirs(empty_folder, exist_ok=True)
libc = ctypes.CDLL(None, use_errno=True)
MS_BIND = 4096
for target in sorted(hidden):
    source = empty_folder if os.path.isdir(target) else empty_file
    if libc.mount(source.encode(), target.encode(), None, MS_BIND, None) != 0:
        fail("cannot hide %s: %s" % (target, os.strerror(ctypes.get_errno())))
if shutil.which("swift") or any(os.path.getsize(path) for path in machine.get("libgvc.so.6", [])):
    fail("Swift or the machine's libgvc is still there")
print("wheel-test: %shid %d of the machine's files and folders: its copies of the wheel's libraries, Graphviz's "
      "plugins, Swift%s" % ("again " if without_fonts else "", len(hidden), ", its fonts" if without_fonts else ""))

# As a user runs it: none of this process's environment, no mgviz on PATH.
user = {"HOME": os.path.join(work, "home"), "XDG_CACHE_HOME": os.path.join(work, "home", ".cache"),
        "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def run(command, **environment):
    result = subprocess.run(command, env=dict(user, **environment), capture_output=True)
    if result.returncode != 0:
        fail("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr.decode(errors="replace")))
    return result.stdout


os.makedirs(out)
run([os.path.join(venv, "bin", "python"), os.path.join(work, "user.py")], WORK=work, OUT=out, BUNDLE=bundle)
command = os.path.join(venv, "bin", "mgviz")
for fmt in ("svg", "png", "pdf"):
    run([command, sample, "-o", os.path.join(out, "softmax." + fmt)])
with open(os.path.join(out, "version"), "wb") as version:
    version.write(run([command, "--version"]))

# What the binary loads, by the loader's own account: each library it initialises. (It has no
# fonts of its own when run straight, so only with the machine's.)
if not without_fonts:
    for fmt in ("png", "pdf"):
        run([os.path.join(bundle, "bin", "mgviz"), sample, "-o", os.path.join(work, "ld-check." + fmt)],
            LD_DEBUG="libs", LD_DEBUG_OUTPUT=os.path.join(work, "ld-debug"))
    initialised = set()
    # LD_DEBUG_OUTPUT is a prefix: the loader writes ld-debug.PID.
    for log in glob.glob(os.path.join(work, "ld-debug.*")):
        with open(log) as lines:
            initialised.update(re.findall(r"calling init: (\S+)", lines.read()))
    own = [path for path in initialised if path.startswith(venv + "/")]
    machines = re.compile(r"/(ld-linux-x86-64|libc|libm|libgcc_s|libstdc\+\+|libexpat)\.so\.[0-9.]+$")
    outside = sorted(path for path in initialised if path not in own and not machines.search(path))
    if not own or outside:
        fail("the wheel's mgviz loaded %d libraries from the venv, and from the machine: %s" % (len(own), outside))
    print("wheel-test: the binary loads %d libraries from the venv, and from the machine only glibc's, the C++ "
          "runtime's and libexpat" % len(own))
PY

# The namespace: root's, or a user namespace's root for anyone else.
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(--user --map-root-user)
for run in wheel no-fonts; do
    unshare "${as_root[@]}" --mount --propagation private \
        "$work/venv/bin/python" "$work/inside.py" "$root" "$work" "$work/$run" $([ $run = wheel ] || echo --no-fonts)
done

# What the source build draws from the same inputs.
for format in svg png pdf; do
    "$binary" "$root/samples/softmax.json" -o "$work/source.softmax.$format"
    "$binary" - --output="$work/source.bridge.$format" <"$work/wheel/bridge.json"
done
"$binary" - --output=- --format=svg <"$work/wheel/bridge.json" >"$work/source.show.svg"
# Byte for byte, but for the time at which cairo made a PDF (cairo 1.16 writes it whatever
# SOURCE_DATE_EPOCH says; the Swift tests set it aside the same way).
same() {
    "$work/venv/bin/python" - "$1" "$2" <<'PY'
import re, sys
stamp = re.compile(rb"/CreationDate \(D:[0-9]{14}Z\)")
first, second = (stamp.sub(b"/CreationDate (D:00000000000000Z)", open(path, "rb").read()) for path in sys.argv[1:])
sys.exit(first != second)
PY
}
compared=0
for run in wheel no-fonts; do
    for name in softmax.svg softmax.png softmax.pdf bridge.svg bridge.png bridge.pdf show.svg; do
        same "$work/source.$name" "$work/$run/$name" || fail "$run/$name differs from the source build's"
        compared=$((compared + 1))
    done
    cmp "$work/wheel/bridge.json" "$work/$run/bridge.json" || fail "$run/bridge.json differs"
done
version=$("$binary" --version)
[[ $version == *" (Graphviz "[0-9]*")" ]] || fail "mgviz --version says '$version', not the Graphviz it runs with"
for run in wheel no-fonts; do
    [ "$(cat "$work/$run/version")" = "$version" ] || fail "the wheel's mgviz --version says '$(cat "$work/$run/version")', the source build's '$version'"
done
echo "wheel-test: $compared drawings (softmax.json by the command; a traced graph by draw and show; with the machine's fonts and without) are the source build's, byte for byte"
echo "wheel-test: mgviz --version: $version, from the wheel as from the source build"
echo "wheel-test: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KB, passed in $(($(date +%s) - start)) s"
