// swift-tools-version:6.0
import PackageDescription

// Data flows one way: spec → engine graph → exporter → renderer → file.
let package = Package(
    name: "mgviz",
    products: [
        .library(name: "Micrograd", targets: ["Micrograd"]),
        .library(name: "MgvizSpec", targets: ["MgvizSpec"]),
        .library(name: "MgvizExport", targets: ["MgvizExport"]),
        .library(name: "MgvizRender", targets: ["MgvizRender"]),
        .executable(name: "mgviz", targets: ["mgviz"]),
        .executable(name: "mgviz-bench", targets: ["MgvizBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The engine: depends on nothing but the toolchain.
        .target(name: "Micrograd"),
        // The JSON spec: parsed and evaluated into an engine graph.
        .target(name: "MgvizSpec", dependencies: ["Micrograd"]),
        // Engine graph → DOT and the JSON dump. Pure Swift.
        .target(name: "MgvizExport", dependencies: ["Micrograd"]),
        // Graphviz's C library, found through pkg-config.
        .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc", providers: [.apt(["libgraphviz-dev"])]),
        // Frees what Graphviz 2.42's dot layout leaks for clusters (see its header).
        .target(name: "CDotLeakFix"),
        // DOT → SVG, PNG or PDF in-process. The only Swift target that touches C.
        .target(name: "MgvizRender", dependencies: ["CGraphviz", "CDotLeakFix"]),
        .executableTarget(
            name: "mgviz",
            dependencies: [
                "MgvizSpec", "MgvizExport", "MgvizRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "MgvizBench",
            dependencies: [
                "Micrograd", "MgvizSpec", "MgvizExport", "MgvizRender",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MicrogradTests", dependencies: ["Micrograd"]),
        .testTarget(
            name: "MgvizTests",
            dependencies: ["MgvizSpec", "MgvizExport", "MgvizRender", "mgviz", "MgvizBench"],
            exclude: ["Golden"]
        ),
    ]
)
