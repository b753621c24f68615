// swift-tools-version:6.0
import PackageDescription

// Data flows one way: spec → engine graph → exporter → renderer → file. MgvizKit owns that
// pipeline; the command, the benchmarks, the fuzzer and Swift programs all draw through it.
let package = Package(
    name: "mgviz",
    products: [
        .library(name: "Micrograd", targets: ["Micrograd"]),
        // MgvizKit's API speaks in the types of the layers below it (a `Spec`, a `Diagram`, a
        // `RenderError`): a program imports the module each type lives in.
        .library(name: "MgvizKit", targets: ["MgvizKit", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizFiles"]),
        .executable(name: "mgviz", targets: ["mgviz"]),
        .executable(name: "mgviz-bench", targets: ["MgvizBench"]),
        .executable(name: "mgviz-fuzz", targets: ["MgvizFuzz"]),
        .plugin(name: "MgvizPlugin", targets: ["MgvizPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation`: the DocC catalogs of Micrograd and MgvizKit.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The engine: depends on nothing but the toolchain.
        .target(name: "Micrograd"),
        // The JSON spec: parsed and evaluated into an engine graph; a dump, read into a Diagram.
        .target(name: "MgvizSpec", dependencies: ["Micrograd", "MgvizExport"]),
        // Engine graph or dump → Diagram → DOT and the JSON dump. Pure Swift.
        .target(name: "MgvizExport", dependencies: ["Micrograd"]),
        // Graphviz's C library, found through pkg-config.
        .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc", providers: [.apt(["libgraphviz-dev"])]),
        // CommonMark's reference parser, found through pkg-config: a Markdown document's blocks.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // Frees what Graphviz 2.42's dot layout leaks for clusters (see its header).
        .target(name: "CDotLeakFix"),
        // DOT → SVG, PNG or PDF in-process. The only Swift target that touches C.
        .target(name: "MgvizRender", dependencies: ["CGraphviz", "CDotLeakFix"]),
        // Files read within a size limit, and written whole: a file is replaced through a temp
        // file beside it, never left partial. It never handles a signal or ends the process:
        // the command removes the temp file on a signal (MgvizProcess).
        .target(name: "MgvizFiles", dependencies: ["MgvizExport"]),
        // The pipeline: spec or Value → annotated diagram → bytes, the HTML page built around
        // the rendered SVG. The viewer's script and style are files, embedded at build time.
        // A library: it returns values and throws typed errors, and never prints, exits,
        // handles signals or arms timers.
        .target(
            name: "MgvizKit",
            dependencies: ["Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizFiles", "CCmark"],
            resources: [.embedInCode("Viewer/viewer.js"), .embedInCode("Viewer/viewer.css"), .embedInCode("Viewer/difference.js"),
                        .embedInCode("Viewer/timeline.js"), .embedInCode("Viewer/timeline.css"), .embedInCode("Viewer/evaluator.js")]
        ),
        // What the executables do to their process, which the library never does: exit
        // statuses, one-line diagnostics on standard error, the temp file removed on a signal,
        // and the CPU-time limit on a layout.
        .target(name: "MgvizProcess", dependencies: ["MgvizFiles", "MgvizRender", "MgvizSpec"]),
        .executableTarget(
            name: "mgviz",
            dependencies: [
                "Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizFiles", "MgvizKit", "MgvizProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "MgvizBench",
            dependencies: [
                "Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizKit", "MgvizProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer's target, built by fuzz/run.sh with -sanitize=fuzzer,address -DFUZZING;
        // a plain build replays the files it is given.
        .executableTarget(name: "MgvizFuzz", dependencies: ["Micrograd", "MgvizExport", "MgvizFiles", "MgvizKit", "MgvizSpec"]),
        // `swift package --allow-writing-to-package-directory mgviz Docs/guide.md` in any
        // package that depends on this one: the command's Markdown rendering.
        .plugin(
            name: "MgvizPlugin",
            capability: .command(
                intent: .custom(verb: "mgviz", description: "Draw the diagrams of the mgviz blocks in Markdown documents"),
                permissions: [.writeToPackageDirectory(reason: "mgviz writes each block's diagram beside its document and its image link after the block")]
            ),
            dependencies: ["mgviz"]
        ),
        .testTarget(name: "MicrogradTests", dependencies: ["Micrograd"]),
        .testTarget(
            name: "MgvizTests",
            dependencies: [
                "Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender", "MgvizFiles", "MgvizKit", "MgvizProcess", "mgviz", "MgvizBench",
            ],
            exclude: ["Golden"]
        ),
    ]
)
