import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizSpec
import Testing

/// Issue 5: models in specs, drawn by neuron.
@Suite struct Models {
    func diagram(_ name: String) throws -> (Evaluation, Diagram) {
        let drawing = try sampleDrawing(name)
        return (drawing.evaluation!, try drawing.diagram)
    }

    @Test func moonsPointMatchesPythonMicrograd() throws {
        // micrograd.nn.MLP(2, [16, 16, 1]) with the shared weights on the first moons point.
        let (evaluation, _) = try diagram("moons_point")
        #expect(evaluation.values["score"]!.data == 2.031872433491135)
        #expect(evaluation.output.data == 3.031872433491135)
        #expect(isClose(evaluation.values["x"]!.grad, 0.2730792141040157, relative: 1e-14))
        #expect(isClose(evaluation.values["y"]!.grad, -0.14815841080607742, relative: 1e-14))
        #expect(evaluation.parameters.count == 337)
        #expect(evaluation.parameters.first!.grad == 0 && evaluation.parameters.last!.grad == 1)
    }

    @Test func lectureMLPMatchesTheTanhFormula() throws {
        let (evaluation, diagram) = try diagram("mlp_lecture")
        #expect(isClose(evaluation.values["y"]!.data, 0.27691344470572843, relative: 1e-14))
        #expect(evaluation.parameters.count == 41 && evaluation.graph.recordedCalls.calls.count == 1)
        let kinds = Dictionary(grouping: diagram.nodes, by: \.kind).mapValues(\.count)
        #expect(kinds[.parameter] == 41 && kinds[.input] == 3)
        let clusters = Set(diagram.nodes.compactMap(\.group?.name))
        #expect(clusters == Set(["L1 N1", "L1 N2", "L1 N3", "L1 N4", "L2 N1", "L2 N2", "L2 N3", "L2 N4", "L3 N1"]))
        // A neuron's cluster holds its weights, bias, products, sums and activation: 3 inputs
        // make 3 weights + 1 bias + 3 products + 3 sums + tanh = 11 nodes.
        #expect(diagram.nodes.filter { $0.group?.name == "L1 N2" }.count == 11)
        #expect(diagram.nodes.first { $0.label == "y" }?.group?.name == "L3 N1")
        #expect(diagram.nodes.first { $0.label == "loss" }?.group == nil)
    }

    @Test func clustersAndParametersInTheOutputs() throws {
        let (_, diagram) = try diagram("mlp_lecture")
        let dot = DOTExporter().export(diagram)
        #expect(dot.contains("subgraph cluster_L1 {\n    label=\"L1\""))
        #expect(dot.contains("    subgraph cluster_L2_N3 {\n      label=\"L2 N3\""))
        #expect(dot.contains("fillcolor=\"\(Theme.Colors.light.parameter)\", label=\"{L1\\ N1\\ w1|"))
        let dump = try Dump(JSONExporter().export(diagram))
        #expect(dump.nodes.filter { $0.kind == "parameter" }.count == 41)
        #expect(dump.nodes.first { $0.label == "y" }?.cluster == "L3 N1")
        #expect(dump.nodes.first { $0.label == "x1" }?.cluster == nil)
    }

    @Test func collapsedNeurons() throws {
        let (_, diagram) = try diagram("mlp_lecture")
        let collapsed = diagram.collapsingNeurons()
        // 3 inputs, 9 neurons, then the loss: (y - 1)**2 = y + (-1), **2.
        #expect(collapsed.nodes.count == 3 + 9 + 3)
        let neuron = collapsed.nodes.first { $0.label == "L2 N3" }!
        #expect(neuron.op == "tanh(Σwx+b)" && neuron.operands.count == 4)
        #expect(Set(neuron.operands.map { collapsed.nodes[$0].label }) == ["L1 N1", "L1 N2", "L1 N3", "L1 N4"])
        let output = collapsed.nodes.first { $0.label == "L3 N1 y" }!
        let original = diagram.nodes.first { $0.label == "y" }!
        #expect(output.data == original.data && output.grad == original.grad)
        #expect(collapsed.nodes[collapsed.output].label == "loss")
        let dot = DOTExporter().export(collapsed)
        #expect(dot.contains("subgraph cluster_L2 {") && !dot.contains("cluster_L2_N3"))
        let result = try runMgviz([sample("mlp_lecture").path, "-o", "-", "--format", "json", "--collapse", "neurons"])
        #expect(try Dump(result.stdout).nodes.count == 15)
    }

    @Test(arguments: [
        (#""mlp": {"sizes": [3, 1], "seed": 1, "inputs": ["x", "y", "z"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"inputs\": unknown input 'z' (expected one of the spec's \"inputs\")"),
        (#""mlp": {"sizes": [2, 1], "seed": 1, "inputs": ["x"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"inputs\" (line 1, column 108): MLP[2, 1] takes 2 inputs, got 1"),
        (#""mlp": {"sizes": [2, 2], "seed": 1, "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"outputs\" (line 1, column 131): MLP[2, 2] has 2 outputs, got 1"),
        (#""mlp": {"sizes": [2, 1], "parameters": [1, 2], "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"parameters\" (line 1, column 101): MLP[2, 1] has 3 parameters, got 2"),
        (#""mlp": {"sizes": [2, 0], "seed": 1, "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"sizes\" (line 1, column 83): expected a whole number of at least 1, got a fraction or a number out of range"),
        (#""mlp": {"sizes": [2], "seed": 1, "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"sizes\" (line 1, column 79): expected the input width and at least one layer, like [3, 4, 4, 1]"),
        (#""mlp": {"sizes": [2, 1], "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\" (line 1, column 69): expected \"seed\" or \"parameters\" for the starting weights"),
        (#""mlp": {"sizes": [2, 1], "seed": 1, "parameters": [1, 2, 3], "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"seed\" (line 1, column 95): give \"seed\" or \"parameters\", not both"),
        (#""mlp": {"sizes": [2, 1], "seed": 1.5, "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"seed\" (line 1, column 95): expected a whole number of at least 0, got a fraction or a number out of range"),
        (#""mlp": {"sizes": [2, 1], "seed": 1, "activation": "gelu", "inputs": ["x", "y"], "outputs": ["o"]}"#, "spec.json: \"mlp\".\"activation\" (line 1, column 112): expected \"relu\" (micrograd's nn, last layer linear) or \"tanh\" (the lecture's)"),
        (#""mlp": {"sizes": [2, 1], "seed": 1, "inputs": ["x", "y"], "outputs": ["x"]}"#, "spec.json: \"mlp\".\"outputs\": 'x' is already an input; outputs need names of their own"),
        (#""mlp": {"sizes": [2, 1], "seed": 1, "inputs": ["x", "y"], "outputs": ["o"], "layers": 2}"#, "spec.json: \"mlp\".\"layers\" (line 1, column 148): unknown key \"layers\" (expected one of: sizes, activation, seed, parameters, inputs, outputs)"),
    ])
    func badModels(_ model: String, _ expected: String) {
        let spec = #"{"inputs": {"x": 1.0, "y": 2.0}, "define": ["loss = o * 2"], MODEL}"#
            .replacingOccurrences(of: "MODEL", with: model)
        #expect(specError(spec) == expected, "\(spec)")
    }
}
