#!/usr/bin/env bash
# Builds the "Use as a library" example of docs/library.md as a package of its own, outside
# the repo, in a temp folder: its Package.swift and main.swift are that document's blocks
# marked `<!-- library-example: PATH -->`, used as written: `../mgviz` is a link to this
# checkout.
# Then checks that it prints what its comment says, draws o.svg, and built neither
# swift-argument-parser nor the command's or the benchmarks' modules. (SwiftPM still clones
# swift-argument-parser to resolve the package graph; it compiles nothing of it.) Then runs the
# command plugin from that package on a Markdown document of its own. A document given as
# the argument is read instead of docs/library.md: a proposed text checked before it is written.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
readme=$(realpath "${1:-$root/docs/library.md}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
demo="$work/demo"
mkdir -p "$demo"
ln -s "$root" "$work/mgviz"
python3 - "$readme" "$demo" <<'PY'
import os, re, sys
document, demo = sys.argv[1:]
text = open(document).read()
blocks = re.findall(r"<!-- library-example: (\S+) -->\n```swift\n(.*?)```", text, re.S)
assert [path for path, _ in blocks] == ["Package.swift", "Sources/Demo/main.swift"], blocks
for path, body in blocks:
    os.makedirs(os.path.dirname(os.path.join(demo, path)) or demo, exist_ok=True)
    open(os.path.join(demo, path), "w").write(body)
PY
# Each print(…) line's trailing comment is what it prints.
expected=$(sed -n 's|^print(.*) *// ||p' "$demo/Sources/Demo/main.swift")
(cd "$demo" && swift build 2>&1 | tail -n 1)
output=$(cd "$demo" && "$(swift build --show-bin-path)/Demo")
[ "$output" = "$expected" ] || { printf 'library-check: printed\n%s\nexpected\n%s\n' "$output" "$expected" >&2; exit 1; }
head -c 5 "$demo/o.svg" | grep -q '<?xml' || { echo "library-check: o.svg is not an SVG" >&2; exit 1; }
# SwiftPM plans a folder for every target of the graph; a compiled one holds object files.
built=$(cd "$demo/.build/debug" && for folder in ArgumentParser*.build mgviz.build MgvizProcess.build MgvizBench.build MgvizFuzz.build; do
    [ ! -d "$folder" ] || find "$folder" -name '*.o'
done)
[ -z "$built" ] || { echo "library-check: the example built what it does not use: $built" >&2; exit 1; }
[ -n "$(find "$demo/.build/debug/MgvizKit.build" -name '*.o')" ] || { echo "library-check: MgvizKit was not built where expected" >&2; exit 1; }
echo "library-check: the example of docs/library.md builds outside the repo, prints what it says and draws o.svg"

# The DocC catalogs' code, in the same package: each page's Swift blocks, in order, are one
# program, which builds against the API it documents and prints what its comments say.
pages=$(python3 - "$root" "$demo" <<'PY'
import glob, os, re, sys
root, demo = sys.argv[1:]
products = '[.product(name: "Micrograd", package: "mgviz"), .product(name: "MgvizKit", package: "mgviz")]'
targets = []
for page in sorted(glob.glob(os.path.join(root, "Sources", "*", "*.docc", "*.md"))):
    blocks = re.findall(r"```swift\n(.*?)```", open(page).read(), re.S)
    if not blocks:
        continue
    name = os.path.basename(os.path.dirname(page)).removesuffix(".docc") + os.path.splitext(os.path.basename(page))[0]
    os.makedirs(os.path.join(demo, "Sources", name))
    open(os.path.join(demo, "Sources", name, "main.swift"), "w").write("".join(blocks))
    targets.append(name)
manifest = open(os.path.join(demo, "Package.swift")).read()
added = "".join(f'\n        .executableTarget(name: "{name}", dependencies: {products}),' for name in targets)
assert manifest.count("targets: [") == 1, "the example's Package.swift has one targets list"
open(os.path.join(demo, "Package.swift"), "w").write(manifest.replace("targets: [", "targets: [" + added))
print(" ".join(targets))
PY
)
(cd "$demo" && swift build 2>&1 | tail -n 1)
for page in $pages; do
    expected=$(sed -n 's|^ *print(.*) *// ||p' "$demo/Sources/$page/main.swift")
    output=$(cd "$demo" && "$(swift build --show-bin-path)/$page")
    [ "$output" = "$expected" ] || { printf 'library-check: %s printed\n%s\nexpected\n%s\n' "$page" "$output" "$expected" >&2; exit 1; }
done
echo "library-check: the DocC pages' code ($pages) builds against the API and prints what it says"

# The command plugin, from the same package: a document's mgviz block drawn beside it, its
# link put after the block, and --check content afterwards.
mkdir -p "$demo/Docs"
printf '# Guide\n\n```mgviz id=square\nx = 3.0\ny = x**2\n```\n' > "$demo/Docs/guide.md"
said=$(cd "$demo" && swift package --allow-writing-to-package-directory mgviz Docs/guide.md 2>&1) || { printf '%s\n' "$said" >&2; exit 1; }
head -c 5 "$demo/Docs/square.svg" | grep -q '<?xml' || { printf 'library-check: the plugin drew no Docs/square.svg\n%s\n' "$said" >&2; exit 1; }
# An untitled block's image gets a generated alt text, escaped for Markdown.
grep -qxF '![a graph of 2 values: y = x\*\*2, from x](square.svg)' "$demo/Docs/guide.md" || { echo "library-check: the plugin put no link after the block" >&2; cat "$demo/Docs/guide.md" >&2; exit 1; }
said=$(cd "$demo" && swift package --allow-writing-to-package-directory mgviz Docs/guide.md --check 2>&1) || { printf '%s\n' "$said" >&2; exit 1; }
echo "library-check: swift package mgviz Docs/guide.md draws a document's blocks from a package that depends on mgviz"
