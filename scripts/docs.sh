#!/usr/bin/env bash
# Builds the DocC documentation of the library products as one combined archive,
# .build/plugins/Swift-DocC/outputs/mgviz.doccarchive: Micrograd, MgvizKit, and the modules
# MgvizKit's API speaks in (MgvizSpec, MgvizExport, MgvizRender, MgvizFiles), each linked to the ones it
# depends on, so that ``/MgvizSpec/Spec`` in MgvizKit's articles resolves. Warnings are
# errors: every link in a catalog or a doc comment resolves. Then checks that every public
# symbol has a doc comment of its own, from the symbol graphs the build extracted. Everything
# it writes is under .build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/quietly.sh
modules=(Micrograd MgvizSpec MgvizExport MgvizRender MgvizFiles MgvizKit)
targets=()
for module in "${modules[@]}"; do targets+=(--target "$module"); done
quietly swift package generate-documentation "${targets[@]}" --enable-experimental-combined-documentation --warnings-as-errors
# The plugin extracts each target's symbol graphs to extracted-symbols/PACKAGE/TARGET beside
# the build folders; PACKAGE is the checkout's folder name.
python3 - "$(swift build --show-bin-path)/../extracted-symbols" "${modules[@]}" <<'PY'
import glob, json, os, sys
extracted, modules = sys.argv[1], sys.argv[2:]
missing, count = [], 0
for module in modules:
    folders = glob.glob(os.path.join(extracted, "*", module))
    assert folders, f"no symbol graphs for {module} under {extracted}"
    newest = max(folders, key=os.path.getmtime)
    for path in glob.glob(os.path.join(newest, "*.symbols.json")):
        for symbol in json.load(open(path))["symbols"]:
            # Compiler-made members (a protocol's default implementations, `init(rawValue:)`)
            # are documented by their protocol; an extension of another module's type stands
            # for that type, documented there.
            if "::SYNTHESIZED::" in symbol["identifier"]["precise"] or "location" not in symbol:
                continue
            if symbol["kind"]["identifier"] == "swift.extension":
                continue
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            count += 1
            if symbol.get("docComment"):
                continue
            file = symbol["location"]["uri"].split("/Sources/")[-1]
            name = f"{module}: {symbol['kind']['displayName'].lower()} {'.'.join(symbol['pathComponents'])} ({file})"
            missing.append(name)
if missing:
    print("docs: public symbols without a doc comment:", *sorted(missing), sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"docs: {count} public symbols of {', '.join(modules)} documented; DocC built them without a warning")
PY
