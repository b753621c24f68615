import Foundation
import Micrograd
import MgvizProcess
import Testing

/// Issue 26: the page's evaluator (Sources/MgvizKit/Viewer/evaluator.js), run under node,
/// against the Swift engine to 1e-12 on every sample that is one graph and the moons point:
/// forward and backward from the drawn leaves, a nudge of each leaf, and update steps.
@Suite struct Evaluator {
    static let node = URL(fileURLWithPath: "/usr/bin/node")
    /// moons_batch is left out: its dump is a plate, one example's nodes with the grads of all
    /// 100 summed outside it (`Σ` nodes), not a graph the engine ran as drawn.
    static let samples = ["softmax", "derivatives", "neuron", "wrong_expect", "nan", "dead_relu", "mlp_lecture", "moons_point"]
    static let step = 1e-3, rate = 0.01, steps = 3

    /// What the evaluator computes on a dump: data and grads, the output after a nudge of
    /// each leaf by `step`, and the output before and after each of `steps` update steps.
    struct Result: Decodable {
        var data: [Dump.Number]
        var grads: [Dump.Number]
        var nudged: [Int: Dump.Number]
        var descent: [Dump.Number]
    }

    static let driver = """
        const evaluator = require(process.argv[2]);
        const dump = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
        const graph = evaluator.fromDump(dump);
        const data = evaluator.forward(graph, graph.leafData);
        const grads = evaluator.backward(graph, data);
        const nudged = {};
        graph.ops.forEach((op, i) => { if (op === "") nudged[i] = evaluator.nudge(graph, graph.leafData, i, \(step)).after; });
        // Non-finite numbers as the dump writes them.
        const shown = (x) => Number.isFinite(x) ? x : String(x);
        const result = { data: data.map(shown), grads: grads.map(shown), descent: evaluator.descend(graph, \(rate), \(steps)).map(shown), nudged: {} };
        for (const i in nudged) result.nudged[i] = shown(nudged[i]);
        process.stdout.write(JSON.stringify(result));
        """

    /// The Swift engine on the dump's graph, the leaves' data from `leaves` (one entry a node):
    /// every node's data and grad.
    static func engine(_ dump: Dump, leaves: [Double]) throws -> (data: [Double], grads: [Double]) {
        let graph = Graph()
        let index = Dictionary(uniqueKeysWithValues: dump.nodes.enumerated().map { ($1.id, $0) })
        var operands = [[Int]](repeating: [], count: dump.nodes.count)
        for edge in dump.edges { operands[index[edge.to]!].append(index[edge.from]!) }
        var values: [Value] = []
        for (i, node) in dump.nodes.enumerated() {
            let a = operands[i].first.map { values[$0] }, b = operands[i].dropFirst().first.map { values[$0] }
            switch node.op {
            case "": values.append(Value(leaves[i], in: graph))
            case "+": values.append(a! + b!)
            case "*": values.append(a! * b!)
            case "**": values.append(a! ** b!)
            case "exp": values.append(a!.exp())
            case "log": values.append(a!.log())
            case "tanh": values.append(a!.tanh())
            case "ReLU": values.append(a!.relu())
            case "sigmoid": values.append(a!.sigmoid())
            case "sin": values.append(a!.sin())
            case "cos": values.append(a!.cos())
            default:
                let exponent = String(node.op.dropFirst(2))
                if let k = Int(exponent) { values.append(a! ** k) } else { values.append(a! ** Double(exponent)!) }
            }
        }
        let output = values[index[dump.output!]!]
        output.backward()
        return (values.map(\.data), values.map(\.grad))
    }

    /// A number as the dump writes it.
    static func double(_ number: Dump.Number) -> Double {
        switch number {
        case .finite(let x): return x
        case .nonFinite(let text): return text == "Infinity" ? .infinity : text == "-Infinity" ? -.infinity : .nan
        }
    }

    /// Whether the evaluator's number is the engine's to 1e-12 (relative past 1); NaN is NaN,
    /// an infinity itself.
    static func agrees(_ shown: Dump.Number, _ expected: Double) -> Bool {
        let x = double(shown)
        if !x.isFinite || !expected.isFinite { return x == expected || (x.isNaN && expected.isNaN) }
        return abs(x - expected) <= 1e-12 * max(1, abs(expected))
    }

    @Test(arguments: samples) func theEvaluatorAgreesWithTheEngine(name: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dumped = try runMgviz([sample(name).path, "-o", "dump.json"], in: folder)
        #expect(dumped.status == 0 || name == "wrong_expect", "\(dumped.stderr)")
        try Data(Self.driver.utf8).write(to: folder.appendingPathComponent("driver.js"))
        let evaluator = packageRoot.appendingPathComponent("Sources/MgvizKit/Viewer/evaluator.js").path
        let run = try runProgram(Self.node, [folder.appendingPathComponent("driver.js").path, evaluator, folder.appendingPathComponent("dump.json").path])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONDecoder().decode(Result.self, from: run.stdout)
        let dump = try Dump(Data(contentsOf: folder.appendingPathComponent("dump.json")))
        let drawn = dump.nodes.map { Self.double($0.data) }
        let engine = try Self.engine(dump, leaves: drawn)
        // The engine on the dump is the engine that wrote it.
        for (i, node) in dump.nodes.enumerated() {
            #expect(Self.agrees(node.data, engine.data[i]) && Self.agrees(node.grad!, engine.grads[i]), "\(name) \(node.id)")
            #expect(Self.agrees(result.data[i], engine.data[i]), "\(name) \(node.id) data: \(result.data[i]) vs \(engine.data[i])")
            #expect(Self.agrees(result.grads[i], engine.grads[i]), "\(name) \(node.id) grad: \(result.grads[i]) vs \(engine.grads[i])")
        }
        let output = dump.nodes.firstIndex { $0.id == dump.output }!
        // A nudge: the engine run again with one leaf moved.
        #expect(result.nudged.count == dump.nodes.count { $0.op.isEmpty })
        for (leaf, after) in result.nudged {
            var moved = drawn
            moved[leaf] += Self.step
            let expected = try Self.engine(dump, leaves: moved).data[output]
            #expect(Self.agrees(after, expected), "\(name) nudge of \(dump.nodes[leaf].id): \(after) vs \(expected)")
        }
        // Update steps: the parameters (or the inputs, where there are none) move by -rate × grad.
        let parameters = dump.nodes.indices.filter { dump.nodes[$0].op.isEmpty && dump.nodes[$0].kind == "parameter" }
        let moving = parameters.isEmpty ? dump.nodes.indices.filter { dump.nodes[$0].op.isEmpty && dump.nodes[$0].kind == "input" } : parameters
        var leaves = drawn
        var outputs: [Double] = []
        for k in 0...Self.steps {
            let run = try Self.engine(dump, leaves: leaves)
            outputs.append(run.data[output])
            if k < Self.steps { for i in moving { leaves[i] -= Self.rate * run.grads[i] } }
        }
        #expect(result.descent.count == outputs.count)
        for (shown, expected) in zip(result.descent, outputs) { #expect(Self.agrees(shown, expected), "\(name) descent: \(shown) vs \(expected)") }
        // Where there is something to learn, the steps lower the loss.
        if ["softmax", "mlp_lecture", "moons_point"].contains(name) { #expect(outputs.last! < outputs.first!, "\(name): \(outputs)") }
    }

    /// A folded node is no op the evaluator can run: it says which.
    @Test func aCollapsedDumpIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runMgviz([sample("mlp_lecture").path, "--collapse", "neurons", "-o", "dump.json"], in: folder).status == 0)
        let script = "const e = require(process.argv[2]); try { e.fromDump(JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'))); } catch (error) { process.stdout.write(error.message); }"
        try Data(script.utf8).write(to: folder.appendingPathComponent("refuse.js"))
        let evaluator = packageRoot.appendingPathComponent("Sources/MgvizKit/Viewer/evaluator.js").path
        let output = try runProgram(Self.node, [folder.appendingPathComponent("refuse.js").path, evaluator, folder.appendingPathComponent("dump.json").path])
        #expect(String(decoding: output.stdout, as: UTF8.self).contains(": the evaluator cannot run the op "), "\(output.stderr)")
    }
}
