import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizRender
import Testing

/// micrograd's demo loss on the first `count` moons points, built as Python micrograd builds it.
func demoLoss(points count: Int, graph: Graph) throws -> (loss: Value, model: MLP) {
    let data = sharedData()
    let model = try MLP(inputs: 2, outputs: [16, 16, 1], parameters: data.parameters, in: graph)
    let inputs = data.points.prefix(count).map { [Value($0.x, in: graph), Value($0.y, in: graph)] }
    let scores = inputs.map { model($0)[0] }
    let losses = zip(data.labels, scores).map { (1 + -$0 * $1).relu() }
    func pythonSum(_ values: [Value]) -> Value { values.dropFirst().reduce(values[0] + 0) { $0 + $1 } }
    let dataLoss = pythonSum(losses) * (1.0 / Double(losses.count))
    let regLoss = 1e-4 * pythonSum(model.parameters().map { $0 * $0 })
    return (dataLoss + regLoss, model)
}

struct SharedData {
    var points: [(x: Double, y: Double)] = []
    var labels: [Double] = []
    var parameters: [Double] = []
}

func sharedData() -> SharedData {
    let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    var data = SharedData()
    let csv = try! String(contentsOf: folder.appendingPathComponent("moons.csv"), encoding: .utf8)
    for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
        let fields = line.split(separator: ",").compactMap { Double($0) }
        data.points.append((fields[0], fields[1]))
        data.labels.append(fields[2])
    }
    let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("mlp_2_16_16_1_init.json"))) as! [String: Any]
    data.parameters = json["parameters"] as! [Double]
    return data
}

@Suite struct Batches {
    @Test func scratch() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, _) = try demoLoss(points: 4, graph: graph)
            loss.backward()
            let whole = Diagram(output: loss, title: "demo, 4 points", withGrad: true)
            let plate = try whole.plate(showing: 1)
            let dot = DOTExporter().export(plate)
            try dot.write(toFile: "/tmp/scratch/plate.dot", atomically: true, encoding: .utf8)
            print("whole", whole.nodes.count, "plate", plate.nodes.count, plate.plate!.members.count)
            let svg = try Renderer().render(dot, to: .svg)
            try Data(svg).write(to: URL(fileURLWithPath: "/tmp/scratch/plate.svg"))
            let png0 = try Renderer().render(dot, to: .png)
            try Data(png0).write(to: URL(fileURLWithPath: "/tmp/scratch/plate.png"))
            for level in CollapseLevel.allCases {
                let collapsed = plate.collapsing(level)
                let cdot = DOTExporter().export(collapsed)
                let png = try Renderer().render(cdot, to: .png)
                try Data(png).write(to: URL(fileURLWithPath: "/tmp/scratch/plate_\(level).png"))
                print("collapsed", level, collapsed.nodes.count)
            }
        }
    }
}
