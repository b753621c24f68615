import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizSpec
import Testing

/// micrograd's demo loss on the first `count` moons points, built as its notebook builds it:
/// hinge loss per point, the mean, and L2 regularisation with alpha 1e-4.
func demoLoss(points count: Int, graph: Graph) throws -> (loss: Value, model: MLP) {
    let data = try MoonsData.shared()
    let model = try MLP(inputs: 2, outputs: [16, 16, 1], parameters: data.parameters, in: graph)
    let inputs = data.points.prefix(count).map { [Value($0.x, in: graph), Value($0.y, in: graph)] }
    let scores = inputs.map { model($0)[0] }
    let losses = zip(data.labels, scores).map { (1 + -$0 * $1).relu() }
    // Python's `sum`: it starts from the int 0, which micrograd turns into a leaf.
    func pythonSum(_ values: [Value]) -> Value { values.dropFirst().reduce(values[0] + 0) { $0 + $1 } }
    let dataLoss = pythonSum(losses) * (1.0 / Double(losses.count))
    let regLoss = 1e-4 * pythonSum(model.parameters().map { $0 * $0 })
    return (dataLoss + regLoss, model)
}

/// The moons points and the demo's starting weights, from ../shared/data.
struct MoonsData {
    var points: [(x: Double, y: Double)] = []
    var labels: [Double] = []
    var parameters: [Double] = []

    static func shared() throws -> MoonsData {
        let folder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        var data = MoonsData()
        let csv = try String(contentsOf: folder.appendingPathComponent("moons.csv"), encoding: .utf8)
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            data.points.append((fields[0], fields[1]))
            data.labels.append(fields[2])
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("mlp_2_16_16_1_init.json")))
        data.parameters = (json as? [String: Any])?["parameters"] as? [Double] ?? []
        return data
    }
}

/// A model's parameters' names, in `parameters()` order: `L1 N1 w1`, …, `L1 N1 b`, ….
func parameterNames(_ model: MLP) -> [String] {
    model.layers.enumerated().flatMap { l, layer in
        layer.neurons.enumerated().flatMap { n, neuron in
            (1...neuron.weights.count).map { "L\(l + 1) N\(n + 1) w\($0)" } + ["L\(l + 1) N\(n + 1) b"]
        }
    }
}

@Suite struct Batches {
    /// Each call of the model is a group, its parameters are named by their neuron, its
    /// inputs and score by the example.
    @Test func callsAreGroupsAndTheModelNamesItsNodes() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, model) = try demoLoss(points: 4, graph: graph)
            loss.backward()
            let whole = Diagram(output: loss, title: nil, withGrad: true)
            let calls = whole.groups.filter { $0.kind == .call }
            #expect(calls.map(\.name) == ["MLP(x[0])", "MLP(x[1])", "MLP(x[2])", "MLP(x[3])"] && calls.map(\.number) == [0, 1, 2, 3])
            let labels = Set(whole.nodes.map(\.label))
            #expect(labels.isSuperset(of: ["L1 N1 w1", "L1 N1 w2", "L1 N1 b", "L3 N1 w16", "x[2][0]", "x[2][1]", "score[3]"]))
            let w = try #require(whole.nodes.first { $0.label == "L2 N5 w7" })
            #expect(w.kind == .parameter && w.data == model.layers[1].neurons[4].weights[6].data)
            #expect(w.grad == model.layers[1].neurons[4].weights[6].grad)
            // A parameter is in its neuron's group outside the calls; a call's nodes inside it.
            #expect(w.group?.name == "L2 N5" && w.group.flatMap { whole.groups[$0.parent!].parent } == nil)
            let score = try #require(whole.nodes.first { $0.label == "score[2]" })
            #expect(score.group?.name == "L3 N1" && whole.groups[whole.groups[whole.groups.firstIndex(of: score.group!)!].parent!].parent.map { whole.groups[$0].name } == "MLP(x[2])")
        }
    }

    /// The plate shows one example's own nodes, with every example's numbers; the grads
    /// outside are the batch's. Each edge from a parameter into the plate carries the
    /// example's share of its grad: over all examples, with the regularisation's 2·alpha·p,
    /// those add up to the parameter's grad.
    @Test func thePlateShowsOneExampleAndTheSharesAddUp() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let points = 4
            let (loss, model) = try demoLoss(points: points, graph: graph)
            loss.backward()
            let whole = Diagram(output: loss, title: nil, withGrad: true)
            let parameters = model.parameters()
            var shares = [Double](repeating: 0, count: parameters.count)
            for example in 0..<points {
                let plate = try whole.plate(showing: example)
                let info = try #require(plate.plate)
                #expect(info.count == points && info.shown == example && info.caption == "× 4 examples, showing x[\(example)]")
                // Inside: this example's forward pass and loss term; its numbers are the whole graph's.
                let inside = info.members.map { plate.nodes[Int($0)] }
                #expect(inside.contains { $0.label == "score[\(example)]" } && !inside.contains { $0.label == "score[\((example + 1) % points)]" })
                for (m, node) in inside.enumerated() {
                    #expect(info.data[example * info.members.count + m].bitPattern == node.data.bitPattern)
                    #expect(info.grads[example * info.members.count + m].bitPattern == node.grad!.bitPattern)
                }
                #expect(info.labels.values.contains { $0 == (0..<points).map { "score[\($0)]" } })
                // Outside: every parameter with its whole grad, and the sum over the examples.
                let nodes = Array(plate.nodes)
                var share: [Int: Double] = [:]
                for result in nodes {
                    for (operand, note) in zip(result.operands, result.edgeNotes) {
                        if case .contribution(let amount)? = note { share[operand, default: 0] += amount }
                    }
                }
                let positionOf = Dictionary(nodes.indices.map { (nodes[$0].label, $0) }, uniquingKeysWith: { a, _ in a })
                for (index, name) in parameterNames(model).enumerated() {
                    let position = try #require(positionOf[name])
                    #expect(nodes[position].grad == parameters[index].grad && nodes[position].kind == .parameter)
                    shares[index] += share[position] ?? 0
                }
                #expect(plate.nodes.contains { $0.label == "Σ over 4 examples" && $0.op == "Σ" })
                #expect(plate.nodes.contains { $0.label == "Σ of 337 terms" && $0.op == "Σ p*p" })
            }
            for (index, parameter) in parameters.enumerated() {
                let regularisation = 2 * 1e-4 * parameter.data
                #expect(abs(shares[index] + regularisation - parameter.grad) <= 1e-12 * max(1, abs(parameter.grad)), "\(index)")
            }
        }
    }

    /// A plate's dump holds every example's numbers and reads back into the same drawing; a
    /// whole batch's dump reads back into the same diagram, its groups included.
    @Test func platesAndBatchesRoundTripThroughTheDump() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, _) = try demoLoss(points: 3, graph: graph)
            loss.backward()
            let whole = Diagram(output: loss, title: "demo", withGrad: true)
            guard case .graph(let dump) = try InputDocument(bytes: JSONExporter().exportBytes(whole)) else {
                Issue.record("not read as a dump")
                return
            }
            #expect(dump.diagram == whole)
            for view in [try whole.plate(showing: 1), try whole.plate(showing: 2).collapsing(.neurons)] {
                let json = JSONExporter().exportBytes(view)
                #expect(String(decoding: json.prefix(50), as: UTF8.self).contains("\"version\": 2"))
                guard case .graph(let read) = try InputDocument(bytes: json) else {
                    Issue.record("not read as a dump")
                    return
                }
                #expect(DOTExporter().exportBytes(read.diagram) == DOTExporter().exportBytes(view))
                #expect(read.diagram.plate == view.plate)
            }
        }
    }

    /// Each collapse level folds one call's groups; the parameters fold into one node.
    @Test func collapseLevels() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, _) = try demoLoss(points: 4, graph: graph)
            loss.backward()
            let plate = try Diagram(output: loss, title: nil, withGrad: true).plate(showing: 0)
            let neurons = plate.collapsing(.neurons)
            #expect(neurons.nodes.filter { $0.op.hasSuffix("(Σwx+b)") || $0.op == "Σwx+b" }.count == 33)
            #expect(neurons.nodes.filter { $0.label == "parameters" && $0.kind == .parameter }.count == 1)
            let layers = plate.collapsing(.layers)
            #expect(layers.nodes.map(\.label).filter { $0.hasPrefix("L") } == ["L1: 16 neurons, ReLU", "L2: 16 neurons, ReLU", "L3: 1 neuron, linear"])
            let calls = plate.collapsing(.calls)
            let call = try #require(calls.nodes.first { $0.label == "MLP(x[0])" })
            #expect(call.data == plate.nodes.first { $0.label == "score[0]" }?.data)
            // All calls drawn, each one node.
            let all = Diagram(output: loss, title: nil, withGrad: true).collapsing(.calls)
            #expect(all.nodes.filter { $0.label.hasPrefix("MLP(x[") }.count == 4)
        }
    }

    /// A neuron whose ReLU gives 0 for every example is drawn dead, with a note.
    @Test func deadUnitsAreDrawnDead() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, _) = try demoLoss(points: 4, graph: graph)
            loss.backward()
            let whole = Diagram(output: loss, title: nil, withGrad: true)
            let plate = try whole.plate(showing: 0).collapsing(.neurons)
            // Independently: the neurons whose ReLU is 0 in all four calls.
            var outputs: [String: [Double]] = [:]
            for node in whole.nodes where node.op == "ReLU" {
                guard let group = node.group, group.kind == .neuron else { continue }
                outputs[group.name, default: []].append(node.data)
            }
            let dead = Set(outputs.filter { $0.value.count == 4 && $0.value.allSatisfy { $0 == 0 } }.keys)
            let drawnDead = Set(plate.nodes.filter { $0.fold?.isDead == true }.compactMap { $0.group?.name })
            #expect(drawnDead == dead)
            let dot = DOTExporter().export(plate)
            #expect(dead.isEmpty || dot.contains("dead for every example"))
        }
    }
}

@Suite struct BatchSpecs {
    /// samples/moons_batch.json is micrograd's demo loss as one spec: its losses and every
    /// parameter's grad are what Python micrograd computes (scripts/moons-batch.py wrote both).
    @Test func theDemoLossMatchesPythonMicrograd() throws {
        let spec = try Spec(bytes: Array(Data(contentsOf: sample("moons_batch"))))
        let evaluation = try spec.evaluate()
        evaluation.output.backward()
        let reference = try JSONSerialization.jsonObject(
            with: Data(contentsOf: packageRoot.appendingPathComponent("samples/moons_batch.reference.json"))) as? [String: Any]
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }
        #expect(evaluation.outputName == "total_loss" && evaluation.graph.count == 65_818)
        #expect(close(evaluation.output.data, reference?["total_loss"] as? Double ?? .nan))
        #expect(close(evaluation.values["data_loss"]!.data, reference?["data_loss"] as? Double ?? .nan))
        #expect(close(evaluation.values["reg_loss"]!.data, reference?["reg_loss"] as? Double ?? .nan))
        let grads = reference?["grads"] as? [Double] ?? []
        #expect(grads.count == 337 && evaluation.parameters.count == 337)
        for (parameter, grad) in zip(evaluation.parameters, grads) { #expect(close(parameter.grad, grad)) }
        // The step-0 loss that Python micrograd's training printed, from the shared data.
        #expect(evaluation.output.data == 1.178558624029077)
    }

    /// The batch's parts are checked as it is read.
    @Test(arguments: [
        (#""loss": "hinge""#, #""loss": "hingy""#, #"spec.json: "batch"."loss" (line 1, column 12): expected "hinge" or "squared""#),
        (#""targets": [1, -1]"#, #""targets": [1]"#, #"spec.json: "batch"."targets" (line 1, column 12): expected 2 targets, one per example, got 1"#),
        (#"[[0.5, 1], [2, -1]]"#, #"[[0.5, 1], [2]]"#, #"spec.json: "batch"."inputs" (line 1, column 12): expected an example of 2 numbers, as MLP[2, 3, 1] takes"#),
        (#""sizes": [2, 3, 1]"#, #""sizes": [2, 3, 2]"#, #"spec.json: "mlp"."sizes": a batch's loss takes one score an example: the last layer must have 1 neuron, not 2"#),
    ])
    func badBatchesAreOneLine(old: String, new: String, message: String) throws {
        let good = #"{"mlp": {"sizes": [2, 3, 1], "seed": 1}, "batch": {"inputs": [[0.5, 1], [2, -1]], "targets": [1, -1], "loss": "hinge"}}"#
        #expect(good.contains(old))
        #expect(throws: Never.self) { try Spec(bytes: Array(good.utf8)).evaluate() }
        let text = good.replacingOccurrences(of: old, with: new)
        #expect(specError(text)?.hasPrefix(String(message.prefix(while: { $0 != "(" }))) == true, "\(specError(text) ?? "no error")")
    }

    /// The lecture's squared error, summed: (score - y)**2 for each example.
    @Test func theLecturesSquaredErrorSummed() throws {
        let text = #"{"mlp": {"sizes": [3, 4, 4, 1], "activation": "tanh", "seed": 1337}, "batch": {"inputs": [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]], "targets": [1, -1, -1, 1], "loss": "squared", "reduction": "sum"}}"#
        let evaluation = try evaluate(text)
        let graph = Graph()
        let model = try MLP(inputs: 3, outputs: [4, 4, 1], activation: .tanh, seed: 1337, in: graph)
        let xs: [[Double]] = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]], ys: [Double] = [1, -1, -1, 1]
        let byHand = zip(xs, ys).map { x, y in (model(x.map { Value($0, in: graph) })[0] - y) ** 2 }
        let total = byHand.dropFirst().reduce(byHand[0] + 0) { $0 + $1 }
        #expect(evaluation.output.data == total.data && evaluation.graph.count == graph.count)
    }
}

@Suite struct BatchRegressions {
    /// `sum(model(x) for x in xs)` with a linear last layer: the sum over the examples carries
    /// straight on from each call's last weighted sum, and must stop at the call (it crashed
    /// with "node 27 is in two folds").
    @Test func aSumOfTheModelsOutputsStopsAtEachCall() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let model = try MLP(inputs: 2, outputs: [2, 1], seed: 4, in: graph)
            let total = model([Value(1, in: graph), Value(2, in: graph)])[0] + model([Value(-1, in: graph), Value(0.5, in: graph)])[0]
            total.backward()
            let plate = try Diagram(output: total, title: nil, withGrad: true).plate(showing: 1)
            let neurons = plate.collapsing(.neurons)
            #expect(neurons.nodes.contains { $0.label == "L2 N1 score[1]" })
            #expect(neurons.nodes.first { $0.label == "Σ over 2 examples" }?.data == total.data)
        }
    }

    /// Dumps from elsewhere may list a parameter after a node that uses it; folding the
    /// parameters, or a layer among the next one's nodes, keeps operands before their results
    /// (it crashed with "operand 673 is not an earlier node").
    @Test(arguments: ["regression-parameters-after-their-use", "regression-sum-of-model-outputs"])
    func foldedDumpsKeepOperandsFirst(name: String) throws {
        let bytes = try Data(contentsOf: packageRoot.appendingPathComponent("fuzz/seeds/\(name).json"))
        for level in CollapseLevel.allCases {
            for batch in DrawOptions.BatchView.allCases {
                let drawing = try Drawing(document: InputDocument(bytes: Array(bytes)), options: DrawOptions(collapse: level, batch: batch))
                let diagram = try drawing.diagram
                for (position, node) in diagram.nodes.enumerated() { #expect(node.operands.allSatisfy { $0 < position }) }
                _ = try drawing.rendered(as: .dot)
            }
        }
    }
}

@Suite struct PlateLedgers {
    /// The replay of a plate ends with every running grad at the grad drawn: the shown
    /// example's steps, then one step for what the other examples add to what they share.
    @Test func everyRunningGradEndsAtItsGrad() throws {
        let graph = Graph()
        try withExtendedLifetime(graph) {
            let (loss, _) = try demoLoss(points: 4, graph: graph)
            loss.backward()
            for level in [nil, CollapseLevel.neurons] {
                var plate = try Diagram(output: loss, title: nil, withGrad: true).plate(showing: 2)
                if let level { plate = plate.collapsing(level) }
                let ledger = try #require(BackwardLedger(plate, precision: 4))
                var final: [Int: Double] = [:]
                for step in ledger.steps { for use in step.uses { final[use.operand] = use.total } }
                let nodes = Array(plate.nodes)
                for (position, total) in final where nodes[position].fold?.lines == nil {
                    #expect(abs(total - nodes[position].grad!) <= 1e-12 * max(1, abs(total)), "\(nodes[position].label)")
                }
                let last = try #require(ledger.steps.last)
                #expect(last.uses.allSatisfy { $0.slot == -1 } && last.uses.contains { $0.text.contains("the other 3 examples") })
            }
        }
    }
}
