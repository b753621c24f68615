import ArgumentParser
import Foundation
import Micrograd
import MgvizKit

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time exporting chains of growing size to DOT and JSON, to show the cost is linear.",
        discussion: """
            Per size: collecting the diagram, DOT and JSON made in memory (rendered(as:)), and DOT and \
            JSON streamed to a file in a temp folder (Drawing.write(as:to:), fsync included); then \
            nanoseconds a node over the first three, and the sizes. \
            Example: mgviz-bench export --nodes 1000000
            """)

    @Option(help: "The largest chain; it also runs a quarter and a half of it.")
    var nodes: Int = 1_000_000

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mgviz-bench-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for size in [nodes / 4, nodes / 2, nodes] {
            let graph = Graph()
            var y = Value(0.5, label: "x", in: graph)
            for _ in 1..<size { y = y.tanh() }
            y.backward()
            var stopwatch = Stopwatch()
            let drawing = try Drawing(output: y)
            let collect = stopwatch.lap()
            let dot = try drawing.rendered(as: .dot).bytes.count
            let dotSeconds = stopwatch.lap()
            let json = try drawing.rendered(as: .json).bytes.count
            let jsonSeconds = stopwatch.lap()
            try drawing.write(as: .dot, to: folder.appendingPathComponent("chain.dot").path)
            let dotFileSeconds = stopwatch.lap()
            try drawing.write(as: .json, to: folder.appendingPathComponent("chain.json").path)
            let jsonFileSeconds = stopwatch.lap()
            let count = drawing.checkedDiagram.nodes.count
            print(String(
                format: "nodes %d collect_s %.3f dot_s %.3f json_s %.3f dot_file_s %.3f json_file_s %.3f ns_per_node %.0f dot_bytes %d json_bytes %d",
                count, collect, dotSeconds, jsonSeconds, dotFileSeconds, jsonFileSeconds,
                (collect + dotSeconds + jsonSeconds) / Double(count) * 1e9, dot, json))
        }
    }
}
