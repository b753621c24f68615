import ArgumentParser
import Foundation
import MgvizExport
import MgvizKit
import Micrograd

/// The graphs users train, drawn from Swift: the micrograd demo's total loss (a batch over
/// an MLP) built with Micrograd's MLP, run backward and drawn with `Value.draw`, in each view.
struct BatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Draw the micrograd demo's loss, built in Swift, as a plate and in each collapse level; print the medians.",
        discussion: "Example: mgviz-bench batch --data ../shared/data --runs 5")

    @Option(help: "Folder with moons.csv and mlp_2_16_16_1_init.json.")
    var data: String = "../shared/data"

    @Option(help: "Runs of each case; the median is printed.")
    var runs: Int = 3

    @Option(help: "Where the drawings go (a temp folder by default).")
    var out: String?

    @Flag(help: "Time the phases of the largest case instead (capture, plate, collapse, render).")
    var phases = false

    @Option(help: "The points of the largest case, for --phases.")
    var points = 1000

    func run() throws {
        let moons = try MoonsData(directory: URL(fileURLWithPath: data))
        let folder = out ?? NSTemporaryDirectory() + "mgviz-batch-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if out == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let cases: [(name: String, points: Int, layers: [Int], options: DrawOptions, target: Double)] = [
            ("demo, 100 points, plate", 100, [16, 16, 1], DrawOptions(), 2),
            ("demo, plate, collapsed to neurons", 100, [16, 16, 1], DrawOptions(collapse: .neurons), 1),
            ("demo, every example, collapsed to calls", 100, [16, 16, 1], DrawOptions(collapse: .calls, batch: .all), 2),
            ("demo, 4 points, plate", 4, [16, 16, 1], DrawOptions(), 1),
            ("MLP(2, [64, 64, 1]) on 1,000 points, plate", 1000, [64, 64, 1], DrawOptions(), 10),
        ]
        if phases { return try timePhases(moons) }
        print("case                                              values   build+backward   draw SVG   total   target   ratio")
        for (name, points, layers, options, target) in cases {
            var builds: [Double] = [], draws: [Double] = []
            var values = 0
            for _ in 0..<runs {
                let graph = Graph()
                try withExtendedLifetime(graph) {
                    var stopwatch = Stopwatch()
                    let loss = try demoLoss(moons, points: points, layers: layers, graph: graph)
                    loss.backward()
                    builds.append(stopwatch.lap())
                    values = graph.count
                    try loss.draw(to: folder + "/batch.svg", options: options)
                    draws.append(stopwatch.lap())
                }
            }
            let total = median(zip(builds, draws).map { $0 + $1 })
            print(
                name.padding(toLength: 48, withPad: " ", startingAt: 0),
                String(format: "%9d   %12.3f s   %6.3f s  %5.2f s  %4.0f s   %.2f", values, median(builds), median(draws), total, target, total / target))
        }
    }
}

/// The demo notebook's total loss on the first `points` moons points, built as it builds it;
/// a model wider than the shared weights starts from micrograd's seeded init.
func demoLoss(_ moons: MoonsData, points: Int, layers: [Int], graph: Graph) throws -> Value {
    let model = layers == Array(moons.layers.dropFirst())
        ? try MLP(inputs: 2, outputs: layers, parameters: moons.parameters, in: graph)
        : try MLP(inputs: 2, outputs: layers, seed: 1337, in: graph)
    let inputs = (0..<points).map { k in
        let point = moons.points[k % moons.points.count]
        // Past the shared 100 points, the same points shifted, so that each example differs.
        let shift = Double(k / moons.points.count) * 0.01
        return [Value(point.x + shift, in: graph), Value(point.y - shift, in: graph)]
    }
    let scores = inputs.map { model($0)[0] }
    let losses = (0..<points).map { (1 + -moons.labels[$0 % moons.labels.count] * scores[$0]).relu() }
    let dataLoss = pythonSum(losses) * (1.0 / Double(points))
    let regLoss = 1e-4 * pythonSum(model.parameters().map { $0 * $0 })
    return dataLoss + regLoss
}

extension BatchBench {
    /// The largest case's draw, phase by phase.
    private func timePhases(_ moons: MoonsData) throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            var stopwatch = Stopwatch()
            let loss = try demoLoss(moons, points: points, layers: [64, 64, 1], graph: graph)
            loss.backward()
            print("build+backward", stopwatch.lap())
            let whole = Diagram(output: loss, title: nil, withGrad: true)
            print("capture", stopwatch.lap())
            let plate = try whole.plate(showing: 0)
            print("plate", stopwatch.lap(), plate.nodes.count)
            let collapsed = plate.collapsing(.neurons)
            print("collapse", stopwatch.lap(), collapsed.nodes.count)
            _ = try Drawing(output: loss).rendered(as: .svg)
            print("whole drawing", stopwatch.lap())
        }
    }
}
