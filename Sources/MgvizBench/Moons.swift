import Foundation
import Micrograd

/// The micrograd demo: MLP(2, [16, 16, 1]) on 100 moons points, SVM hinge loss with L2,
/// full-batch SGD, built exactly as Python micrograd builds it so the losses match.
struct MoonsData {
    var points: [(x: Double, y: Double)]
    var labels: [Double]
    var layers: [Int]
    var parameters: [Double]

    init(directory: URL) throws {
        let csv = try String(contentsOf: directory.appendingPathComponent("moons.csv"), encoding: .utf8)
        points = []
        labels = []
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            guard fields.count == 3 else { throw BenchError("bad moons.csv row: \(line)") }
            points.append((fields[0], fields[1]))
            labels.append(fields[2])
        }
        let json = try Data(contentsOf: directory.appendingPathComponent("mlp_2_16_16_1_init.json"))
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let layers = object["layers"] as? [Int], let parameters = object["parameters"] as? [Double]
        else { throw BenchError("mlp_2_16_16_1_init.json lacks layers or parameters") }
        self.layers = layers
        self.parameters = parameters
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Python's `sum(values)`: it starts from the int 0, which micrograd turns into a leaf.
func pythonSum(_ values: [Value]) -> Value {
    values.dropFirst().reduce(values[0] + 0) { $0 + $1 }
}

struct MoonsStep {
    var loss: Double
    var accuracy: Double
    var seconds: Double
    var nodes: Int
}

/// Trains for `steps` steps and hands each step's figures to `report` as it finishes.
func trainMoons(_ data: MoonsData, steps: Int, report: (Int, MoonsStep) -> Void) throws {
    let graph = Graph()
    let model = try MLP(
        inputs: data.layers[0], outputs: Array(data.layers.dropFirst()), parameters: data.parameters, in: graph)
    let parameters = model.parameters()
    let persistent = graph.count
    for k in 0..<steps {
        let start = DispatchTime.now().uptimeNanoseconds
        graph.truncate(to: persistent)
        let scores = data.points.map { model([Value($0.x, in: graph), Value($0.y, in: graph)])[0] }
        let losses = zip(data.labels, scores).map { (1 + -$0 * $1).relu() }
        let dataLoss = pythonSum(losses) * (1.0 / Double(losses.count))
        let regLoss = 1e-4 * pythonSum(parameters.map { $0 * $0 })
        let total = dataLoss + regLoss
        let correct = zip(data.labels, scores).filter { ($0 > 0) == ($1.data > 0) }.count
        for p in parameters { p.grad = 0 }
        total.backward()
        let learningRate = 1.0 - 0.9 * Double(k) / 100
        for p in parameters { p.data -= learningRate * p.grad }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        report(k, MoonsStep(
            loss: total.data, accuracy: Double(correct) / Double(scores.count), seconds: seconds,
            nodes: graph.count - persistent))
    }
}
