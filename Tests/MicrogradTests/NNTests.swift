import Foundation
import Micrograd
import Testing

@Suite struct NeuralNet {
    @Test func mersenneTwisterMatchesPython() {
        // random.seed(1337); [random.uniform(-1, 1) for _ in range(3)]
        var random = MersenneTwister(seed: 1337)
        #expect((0..<3).map { _ in random.uniform(-1, 1) }
            == [0.23550571390294128, 0.06653114721000164, -0.26830328150124894])
        var wide = MersenneTwister(seed: (1 << 40) + 5)  // seeds wider than 32 bits
        #expect(wide.nextDouble() == 0.5043802970418443)
    }

    @Test func seededMLPMatchesPythonMicrograd() throws {
        // random.seed(1337); MLP(3, [4, 4, 1]) from micrograd.nn; forward and backward at (2, 3, -1).
        let graph = Graph()
        let model = try MLP(inputs: 3, outputs: [4, 4, 1], seed: 1337, in: graph)
        let parameters = model.parameters()
        #expect(parameters.count == 41)
        #expect(parameters[5].data == -0.6686254326224383)
        let y = model([2.0, 3.0, -1.0].map { Value($0, in: graph) })[0]
        y.backward()
        #expect(isClose(y.data, 4.000271647734554, relative: 1e-14))
        #expect(isClose(parameters[0].grad, 1.3269388774388875, relative: 1e-14))
        #expect(parameters[40].grad == 1)
        #expect(model.layers.map { $0.neurons[0].activation } == [.relu, .relu, .linear])
    }

    @Test func tanhMLPMatchesTheLectureFormula() throws {
        // The same weights with tanh on every layer, computed with Python's math.tanh.
        let graph = Graph()
        let model = try MLP(inputs: 3, outputs: [4, 4, 1], activation: .tanh, seed: 1337, in: graph)
        let y = model([2.0, 3.0, -1.0].map { Value($0, in: graph) })[0]
        #expect(isClose(y.data, 0.27691344470572843, relative: 1e-14))
        #expect(y.opName == "tanh")
    }

    @Test func neuronSumsInMicrogradOrder() throws {
        let graph = Graph()
        let model = try MLP(inputs: 2, outputs: [1], parameters: [0.5, -2, 0.25], in: graph)
        let x = [Value(4.0, in: graph), Value(1.0, in: graph)]
        let before = graph.count
        let out = model(x)[0]
        // w0*x0, b + w0*x0, w1*x1, (b + w0*x0) + w1*x1; linear last layer.
        #expect(graph.count - before == 4)
        #expect(out.opName == "+" && out.operands[0].operands[0].id == model.layers[0].neurons[0].bias.id)
        #expect(out.data == 0.25)  // 0.25 + 0.5 * 4 - 2 * 1
    }

    /// A model's call is recorded as the range of nodes it made and its inputs, with the
    /// model's shape: calls nested in it (its layers' and neurons') are not recorded apart.
    @Test func callsAreRecordedAsRangesOfTheTape() throws {
        let graph = Graph()
        let model = try MLP(inputs: 2, outputs: [2, 1], seed: 7, in: graph)
        let x = [Value(1.5, in: graph), Value(-2.0, in: graph)]
        let out = model(x)[0]
        // Parameters are ids 0-8 (3 per neuron), inputs 9-10; each neuron then makes
        // 2 products, 2 sums and its activation (the last layer is linear): 11..<25.
        var (models, calls, inputs) = graph.recordedCalls
        #expect(models.count == 1 && models[0].kind == .mlp && models[0].nodeCount == 14 && out.id == 24)
        #expect(calls == [ModelCall(model: 0, start: 11, inputs: 0)] && inputs == [9, 10])
        #expect(models[0].layers.map { $0.map(\.bias) } == [[2, 5], [8]])
        #expect(models[0].layers[0][1].weights == [3, 4] && models[0].layers[1][0].activation == .linear)
        // A layer and a neuron called alone are calls of their own shapes.
        let hidden = model.layers[0](x)
        _ = model.layers[1].neurons[0](hidden)
        (models, calls, inputs) = graph.recordedCalls
        #expect(models.map(\.kind) == [.mlp, .layer, .neuron])
        #expect(calls.map(\.start) == [11, 25, 35] && inputs == [9, 10, 9, 10, hidden[0].id, hidden[1].id])
        // The same model called again is the same model.
        _ = model(x)
        #expect(graph.recordedCalls.calls.last == ModelCall(model: 0, start: 39, inputs: 6))
        // Truncation forgets the calls it cuts into.
        graph.truncate(to: 30)
        #expect(graph.recordedCalls.calls == [ModelCall(model: 0, start: 11, inputs: 0)] && graph.recordedCalls.inputs == [9, 10])
    }

    @Test func wrongParameterCountsAreErrors() {
        #expect(MLP.parameterCount(inputs: 2, outputs: [16, 16, 1]) == 337)
        #expect(MLP.parameterCount(inputs: 4_294_967_296, outputs: [4_294_967_296]) == nil)
        #expect(throws: MLPError.self) { try MLP(inputs: 2, outputs: [1], parameters: [1, 2], in: Graph()) }
        #expect(throws: MLPError.self) { try MLP(inputs: 0, outputs: [1], seed: 1, in: Graph()) }
        // Sizes whose parameter count overflows Int are an error, not a trap.
        #expect(throws: MLPError.self) { try MLP(inputs: 4_294_967_296, outputs: [4_294_967_296], seed: 1, in: Graph()) }
    }

    @Test func mlpErrorsSayWhatIsWrong() {
        #expect(throws: MLPError.wrongParameterCount(sizes: [2, 1], expected: 3, got: 2)) {
            try MLP(inputs: 2, outputs: [1], parameters: [1, 2], in: Graph())
        }
        #expect(throws: MLPError.nonPositiveSizes([2])) { try MLP(inputs: 2, outputs: [], seed: 1, in: Graph()) }
        let texts = [
            MLPError.nonPositiveSizes([0, 1]),
            .parameterCountOverflows(sizes: [4_294_967_296, 4_294_967_296]),
            .wrongParameterCount(sizes: [2, 1], expected: 3, got: 2),
        ].map { "\($0)" }
        #expect(texts == [
            "layer sizes must be positive, got [0, 1]",
            "MLP[4294967296, 4294967296] has more parameters than an Int can count",
            "MLP[2, 1] has 3 parameters, got 2",
        ])
    }

    @Test func moonsLossesMatchPythonMicrograd() throws {
        let data = sharedFolder.appendingPathComponent("data")
        let reference = try String(contentsOf: data.appendingPathComponent("moons_reference.txt"), encoding: .utf8)
            .split(separator: "\n").prefix(5).map { $0.split(separator: " ") }
        let csv = try String(contentsOf: data.appendingPathComponent("moons.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        let initial = try JSONSerialization.jsonObject(
            with: Data(contentsOf: data.appendingPathComponent("mlp_2_16_16_1_init.json"))) as! [String: Any]

        let graph = Graph()
        let model = try MLP(inputs: 2, outputs: [16, 16, 1], parameters: initial["parameters"] as! [Double], in: graph)
        let parameters = model.parameters()
        let persistent = graph.count
        for (k, line) in reference.enumerated() {
            graph.truncate(to: persistent)
            let scores = rows.map { model([Value($0[0], in: graph), Value($0[1], in: graph)])[0] }
            let losses = zip(rows, scores).map { (1 + -$0[2] * $1).relu() }
            let loss = pythonSum(losses) * (1.0 / 100) + 1e-4 * pythonSum(parameters.map { $0 * $0 })
            let accuracy = Double(zip(rows, scores).filter { ($0[2] > 0) == ($1.data > 0) }.count) / 100
            #expect(isClose(loss.data, Double(line[3])!, relative: 1e-9), "step \(k)")
            #expect(accuracy == Double(line[5])!, "step \(k)")
            for p in parameters { p.grad = 0 }
            loss.backward()
            for p in parameters { p.data -= (1.0 - 0.9 * Double(k) / 100) * p.grad }
        }
    }
}
