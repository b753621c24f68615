// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mgviz",
    products: [
        .library(name: "Micrograd", targets: ["Micrograd"]),
        .executable(name: "mgviz-bench", targets: ["MgvizBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The engine: depends on nothing but the toolchain.
        .target(name: "Micrograd"),
        .executableTarget(
            name: "MgvizBench",
            dependencies: ["Micrograd", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "MicrogradTests", dependencies: ["Micrograd"]),
    ]
)
