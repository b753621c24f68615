import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing

/// The learner's view outside the page: --explain, --method, and diagrams that never mislead.
@Suite struct Learner {
    func output(_ result: RunResult) -> String { String(decoding: result.stdout, as: UTF8.self) }

    /// The lecture's L, where a is used once and b twice (b * b).
    static let reused = "a = 2.0\nb = -3.0\nc = 10.0\nf = -2.0\ne = a*b\nd = e + c\nL = d * f\ng = L + b*b\n"

    @Test func explainPrintsTheLedgerInBackwardsOrder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = folder.appendingPathComponent("l.mg")
        try Data(Self.reused.utf8).write(to: spec)
        let result = try runMgviz([spec.path, "--explain"], in: folder)
        #expect(result.status == 0 && result.stderr.isEmpty)
        // g = L + b*b: dg/dL = 1, dg/db = 2b + a*f = -6 - 4 = -10 by hand.
        #expect(output(result) == """
            step 1  L.grad += g.grad = 1   (L.grad now 1)
            step 1  (b * b).grad += g.grad = 1   ((b * b).grad now 1)
            step 2  b.grad += b.data * (b * b).grad = -3 * 1 = -3   (b.grad now -3)
            step 2  b.grad += b.data * (b * b).grad = -3 * 1 = -3   (b.grad now -6)
            step 3  d.grad += f.data * L.grad = -2 * 1 = -2   (d.grad now -2)
            step 3  f.grad += d.data * L.grad = 4 * 1 = 4   (f.grad now 4, final)
            step 4  e.grad += d.grad = -2   (e.grad now -2)
            step 4  c.grad += d.grad = -2   (c.grad now -2, final)
            step 5  a.grad += b.data * e.grad = -3 * -2 = 6   (a.grad now 6, final)
            step 5  b.grad += a.data * e.grad = 2 * -2 = -4   (b.grad now -10, final)

            """)
        // Without -o nothing is drawn; with it, the diagram is written as usual.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["l.mg"])
        let drawn = try runMgviz([spec.path, "--explain", "-o", "l.svg", "--precision", "1"], in: folder)
        #expect(output(drawn).hasPrefix("step 1  L.grad += g.grad = 1   (L.grad now 1)\n"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("l.svg").path))
    }

    /// One line per operand use on backward's path, and each node's last running value is its
    /// grad: the ledger adds what backward adds, in backward's order.
    @Test(arguments: ["softmax", "derivatives", "neuron", "dead_relu", "mlp_lecture", "moons_point"])
    func theLedgerAddsUpToEveryGrad(name: String) throws {
        for collapse in [nil, DrawOptions.Collapse.neurons] {
            try checkLedger(
                sampleDrawing(name, options: DrawOptions(collapse: collapse)), "\(name) \(String(describing: collapse))", collapsed: collapse != nil)
        }
        #expect(try sampleDrawing(name, options: DrawOptions(focus: "n1")).backwardLedger == nil)
    }

    /// The same, for MLPs whose dump lists each node after its operands depth first, as the
    /// Python bridge writes them: a neuron's nodes then come around those of the neurons that
    /// feed it, not in one run.
    @Test(arguments: ["mlp_lecture", "moons_point"])
    func theLedgerAddsUpInADepthFirstDump(name: String) throws {
        let dump = try JSONSerialization.jsonObject(with: Data(try sampleDrawing(name).rendered(as: .json).bytes)) as! [String: Any]
        let nodes = dump["nodes"] as! [[String: Any]], edges = dump["edges"] as! [[String: String]]
        var operands: [String: [String]] = [:]
        for edge in edges { operands[edge["to"]!, default: []].append(edge["from"]!) }
        // Depth first from the output, each node after its operands, without recursion.
        var order: [String] = [], seen: Set<String> = [dump["output"] as! String]
        var stack: [(id: String, next: Int)] = [(dump["output"] as! String, 0)]
        while let (id, next) = stack.last {
            let kids = operands[id] ?? []
            if next < kids.count {
                stack[stack.count - 1].next += 1
                if seen.insert(kids[next]).inserted { stack.append((kids[next], 0)) }
            } else {
                order.append(id)
                stack.removeLast()
            }
        }
        let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0) })
        var reordered = dump
        reordered["nodes"] = order.map { byID[$0]! }
        reordered["edges"] = order.flatMap { id in (operands[id] ?? []).map { ["from": $0, "to": id] } }
        let text = try JSONSerialization.data(withJSONObject: reordered)
        let moved = zip(order, nodes.map { $0["id"] as! String }).filter { $0 != $1 }.count
        #expect(moved > nodes.count / 2, "\(name): the depth-first order differs from the tape's")
        let document = try InputDocument(bytes: Array(text))
        try checkLedger(Drawing(document: document, options: DrawOptions(collapse: .neurons)), "\(name) depth first, collapsed", collapsed: true)
    }

    private func checkLedger(_ drawing: Drawing, _ what: String, collapsed: Bool) throws {
        let diagram = try drawing.diagram
        let ledger = try #require(drawing.backwardLedger)
        let uses = diagram.nodes.reduce(0) { $0 + $1.operands.count }
        #expect(ledger.contributionCount == uses, "\(what)")
        #expect(ledger.explanation().count == uses)
        var last: [Int: Double] = [ledger.output: ledger.seed]
        for step in ledger.steps { for use in step.uses { last[use.operand] = use.total } }
        for (position, node) in diagram.nodes.enumerated() where !node.operands.isEmpty || position == diagram.output || last[position] != nil {
            // Bit for bit where nothing is collapsed; a collapsed neuron's sum of its
            // nodes' contributions may round differently.
            let grad = try #require(node.grad), total = try #require(last[position], "\(what) \(node.id)")
            #expect(collapsed ? isClose(total, grad, relative: 1e-12) : total == grad, "\(what) \(node.id): \(total) vs \(grad)")
        }
        // Each use's local derivative times its step's grad is its amount: for a collapsed
        // neuron, ∂output/∂operand by the chain rule through its nodes.
        for step in ledger.steps {
            for use in step.uses where use.amount.isFinite {
                #expect(abs(use.local * step.grad - use.amount) <= 1e-12 * max(1, abs(use.amount)), "\(what): \(use.text)")
            }
        }
        // Every node that feeds another gets its grad from the ledger.
        for node in diagram.nodes { for operand in node.operands { #expect(last[operand] != nil, "\(what): \(operand) gets nothing") } }
        // Steps in reverse topological order, the output's first.
        #expect(ledger.steps.first?.node == diagram.output)
        #expect(ledger.steps.map(\.node) == Array(ledger.steps.map(\.node).sorted().reversed()))
    }

    @Test func explainRefusesWhatItCannotReplay() throws {
        let forward = try runMgviz([sample("softmax").path, "--explain", "--no-backward"])
        #expect(forward.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(forward.stderr == "mgviz: error: --explain replays backward: drop --no-backward; see 'mgviz --help'\n")
        // A dump written without grads has no backward to replay either.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try runMgviz([sample("softmax").path, "--no-backward", "-o", "g.json"], in: folder)
        let dump = try runMgviz(["g.json", "--explain"], in: folder)
        #expect(dump.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(dump.stderr == "mgviz: error: g.json: --explain replays backward, and this dump has no grads (it was written with --no-backward); dump the graph with its grads\n")
    }

    /// A collapsed neuron's ∂output/∂operand comes by the chain rule through its nodes, not
    /// from amount / grad: it shows where the neuron's grad is 0. Here h = tanh(w*x + b) with
    /// w = 0.5, x = 1, b = 0, and out = h * z with z = 0: ∂h/∂x = (1 - h²) w = 0.3932.
    @Test func aDeadNeuronStillShowsItsDerivative() throws {
        let text = """
            {"format": "mgviz-graph", "version": 1, "title": null, "output": "out",
             "nodes": [
              {"id": "x", "label": "x", "op": "", "kind": "input", "data": 1.0, "grad": 0.0, "cluster": null},
              {"id": "w", "label": "w", "op": "", "kind": "parameter", "data": 0.5, "grad": 0.0, "cluster": "L1 N1"},
              {"id": "b", "label": "b", "op": "", "kind": "parameter", "data": 0.0, "grad": 0.0, "cluster": "L1 N1"},
              {"id": "p", "label": "", "op": "*", "kind": "op", "data": 0.5, "grad": 0.0, "cluster": "L1 N1"},
              {"id": "s", "label": "", "op": "+", "kind": "op", "data": 0.5, "grad": 0.0, "cluster": "L1 N1"},
              {"id": "h", "label": "h", "op": "tanh", "kind": "op", "data": 0.46211715726000974, "grad": 0.0, "cluster": "L1 N1"},
              {"id": "z", "label": "z", "op": "", "kind": "input", "data": 0.0, "grad": 0.46211715726000974, "cluster": null},
              {"id": "out", "label": "out", "op": "*", "kind": "op", "data": 0.0, "grad": 1.0, "cluster": null}],
             "edges": [
              {"from": "w", "to": "p"}, {"from": "x", "to": "p"}, {"from": "b", "to": "s"}, {"from": "p", "to": "s"},
              {"from": "s", "to": "h"}, {"from": "h", "to": "out"}, {"from": "z", "to": "out"}]}
            """
        let drawing = try Drawing(document: InputDocument(bytes: Array(text.utf8)), options: DrawOptions(collapse: .neurons))
        let lines = try #require(drawing.backwardLedger).explanation()
        #expect(lines.last == "step 2  x.grad += ∂(L1 N1 h)/∂x * (L1 N1 h).grad = 0.3932 * 0 = 0   (x.grad now 0, final)")
        let h = 0.46211715726000974
        let use = try #require(drawing.backwardLedger?.steps.flatMap(\.uses).last)
        #expect(isClose(use.local, (1 - h * h) * 0.5, relative: 1e-15))
    }

    /// Section 1 of the notebook: the forward difference, then the better central one.
    @Test func checkWithEitherEstimate() throws {
        let forward = try sampleDrawing("derivatives", options: DrawOptions(checksGradients: true, gradientMethod: .forward))
        let central = try sampleDrawing("derivatives", options: DrawOptions(checksGradients: true))
        // The notebook's own estimates, with h = 0.000001.
        let notebookForward = [-12.353559348809995, 10.256991666679482, 0.062499984743169534]
        let notebookCentral = [-12.353553391353245, 10.25699027401572, 0.06250000028629188]
        let exact = [-12.353553390593273, 10.25699027111255, 0.0625]
        for i in 0..<3 {
            #expect(isClose(forward.gradientChecks[i].result.numeric, notebookForward[i], relative: 1e-8))
            #expect(isClose(central.gradientChecks[i].result.numeric, notebookCentral[i], relative: 1e-8))
            #expect(abs(central.gradientChecks[i].result.numeric - exact[i]) < abs(forward.gradientChecks[i].result.numeric - exact[i]))
        }
        let coarse = try runMgviz([sample("derivatives").path, "--check", "--method", "forward", "--step", "1e-3"])
        #expect(coarse.status == MgvizProcess.ExitStatus.wrong.rawValue)
        #expect(output(coarse).hasPrefix("WRONG a  autograd -12.3535533906  numeric -12.3595102075\n"))
    }

    @Test func binaryPowerSaysWhichIsTheBase() throws {
        let spec = try Spec(text: Array("x = 2.0\ny = 3.0\np = x**y\nq = y**x\ns = p + q\n".utf8))
        let dot = String(decoding: try Drawing(spec: spec).rendered(as: .dot).bytes, as: UTF8.self)
        #expect(dot.contains("  n0 -> n2_op [label=\"base\", fontsize=9];\n  n1 -> n2_op [label=\"exponent\", fontsize=9];\n"))
        #expect(dot.contains("  n1 -> n3_op [label=\"base\", fontsize=9];\n  n0 -> n3_op [label=\"exponent\", fontsize=9];\n"))
        // A constant exponent is in the op's name, `**2`: its one edge needs no label.
        let square = try Spec(text: Array("x = 2.0\ny = x**2\n".utf8))
        #expect(!String(decoding: try Drawing(spec: square).rendered(as: .dot).bytes, as: UTF8.self).contains("base"))
    }

    /// Each layer's neurons in order, N1 first, in both directions, collapsed or not.
    @Test(arguments: [RankDirection.leftToRight, .topToBottom], [DrawOptions.Collapse?.none, .neurons])
    func neuronsInOrder(direction: RankDirection, collapse: DrawOptions.Collapse?) throws {
        let drawing = try sampleDrawing("mlp_lecture", options: DrawOptions(rankDirection: direction, collapse: collapse))
        let svg = String(decoding: try drawing.rendered(as: .svg).bytes, as: UTF8.self)
        for layer in 1...2 {
            // Where each neuron's name is drawn: the collapsed node's text, or the cluster's label.
            let places = try (1...4).map { neuron -> Double in
                let name = "L\(layer) N\(neuron)"
                let text = try #require(svg.firstMatch(of: try Regex(#"<text text-anchor="middle" x="([-0-9.]+)" y="([-0-9.]+)"[^>]*>\#(name)</text>"#)))
                return Double(text.output[direction == .topToBottom ? 1 : 2].substring!)!
            }
            #expect(places == places.sorted(), "L\(layer) \(direction) \(String(describing: collapse)): \(places)")
        }
    }

    @Test func theOutputStaysMarkedAndTheLegendShowsWhatOccurs() throws {
        let drawing = try sampleDrawing("dead_relu", options: DrawOptions(coloring: .grad))
        let dot = String(decoding: try drawing.rendered(as: .dot).bytes, as: UTF8.self)
        #expect(dot.contains("n25 [shape=record, fillcolor=\"#d8949c\", fontcolor=\"#000000\", color=\"#e8590c\", penwidth=3, label=\"{loss|"))
        // Every |grad| equal, all positive: one swatch, no negative shades, no grey.
        let equal = try Drawing(spec: try Spec(text: Array("a = 1.0\nb = 2.0\nc = a + b\n".utf8)), options: DrawOptions(coloring: .grad))
        let legend = String(decoding: try equal.rendered(as: .dot).bytes, as: UTF8.self)
        #expect(legend.contains("legend0 [shape=box, fontsize=9, height=0.25, fillcolor=\"#b2182b\", fontcolor=\"#ffffff\", label=\"+1\"];\n  }"))
        #expect(!legend.contains("legend1") && !legend.contains("style=invis"))
    }

    /// Warnings name nodes as the drawing shows them; a number that rounds to zero is not drawn as one.
    @Test func namesAsDrawnAndNearZeros() throws {
        let nan = try runMgviz([sample("nan").path, "-o", "-", "--format", "dot"])
        #expect(nan.stderr == "mgviz: warning: NaN first appears at 'log(p)' (log of -0.5)\n")
        let spec = try Spec(text: Array("x = 0.4999\ny = x * 0.0001\nz = y * -1\n".utf8))
        let dot = String(decoding: try Drawing(spec: spec, options: DrawOptions(precision: 0)).rendered(as: .dot).bytes, as: UTF8.self)
        #expect(dot.contains("label=\"{x|data ≈0|grad ≈-0}\""))
        #expect(dot.contains("label=\"{z|data ≈-0|grad 1}\""))
        // An exact zero stays 0; the tooltip has every digit, and the id under the name.
        let zero = try Spec(text: Array("x = 0.0\ny = x * 3\n".utf8))
        let zeros = String(decoding: try Drawing(spec: zero, options: DrawOptions(precision: 0)).rendered(as: .dot).bytes, as: UTF8.self)
        #expect(zeros.contains("label=\"{x|data 0|grad 3}\", tooltip=\"x\\nn0\\ndata = 0.0\\ngrad = 3.0\""))
    }
}
