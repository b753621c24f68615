import Foundation
import Micrograd
import MgvizExport
import MgvizKit
import MgvizSpec
import Testing

/// mgviz-graph documents as input: drawn as given, validated whole.
@Suite struct GraphDumpInput {
    /// `mgviz spec.json -o g.json && mgviz g.json -o g.FORMAT` makes the bytes that
    /// `mgviz spec.json -o s.FORMAT` makes, for every sample and the flags its renderings use.
    /// wrong_expect is left out: its red marks come from the spec's `expect`, which a dump
    /// does not carry.
    @Test(arguments: Export.renderings.filter { $0.sample != "wrong_expect" })
    func roundTripIsByteIdentical(rendering: (sample: String, rendering: String, flags: [String])) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Same file names in three folders: the HTML page names its input.
        let names = ["spec", "dump", "drawn"].map { folder.appendingPathComponent($0) }
        for name in names { try FileManager.default.createDirectory(at: name, withIntermediateDirectories: true) }
        let dump = names[1].appendingPathComponent("\(rendering.sample).json")
        _ = try run(mgvizBinary, [sample(rendering.sample).path, "-o", dump.path])
        for format in ["svg", "dot", "json", "html"] {
            let expected = names[0].appendingPathComponent("\(rendering.sample).\(format)")
            let drawn = names[2].appendingPathComponent("\(rendering.sample).\(format)")
            _ = try run(mgvizBinary, [sample(rendering.sample).path, "-o", expected.path] + rendering.flags)
            _ = try run(mgvizBinary, [dump.path, "-o", drawn.path] + rendering.flags)
            #expect(try Data(contentsOf: drawn) == Data(contentsOf: expected), "\(rendering.sample).\(format) \(rendering.flags)")
        }
    }

    /// Reading a sample's dump back gives the Diagram it was dumped from: every node's op,
    /// data and grad bit for bit, labels, kinds, operands and neurons as groups in layers,
    /// with and without grads.
    @Test(arguments: ["softmax", "derivatives", "neuron", "dead_relu", "nan", "mlp_lecture", "moons_point"])
    func aDumpReadBackIsTheSameDiagram(sample name: String) throws {
        for options in [DrawOptions(), DrawOptions(showsGradients: false)] {
            let diagram = try sampleDrawing(name, options: options).checkedDiagram
            guard case .graph(let dump) = try InputDocument(bytes: JSONExporter().exportBytes(diagram)) else {
                Issue.record("\(name): not read as a dump")
                return
            }
            #expect(dump.diagram == diagram, "\(name)")
            #expect(dump.diagram.groups.map(\.kind).contains(.neuron) == (name == "mlp_lecture" || name == "moons_point"))
        }
    }

    /// A dump of two leaves and their product, which each case below spoils in one place.
    static let base = """
        {"format": "mgviz-graph", "version": 1, "title": null, "output": "c",
         "nodes": [
          {"id": "a", "label": "a", "op": "", "kind": "input", "data": 2.0, "grad": 3.0, "cluster": null},
          {"id": "b", "label": "", "op": "", "kind": "constant", "data": 3.0, "grad": 2.0, "cluster": null},
          {"id": "c", "label": "c", "op": "*", "kind": "op", "data": 6.0, "grad": 1.0, "cluster": null}],
         "edges": [
          {"from": "a", "to": "c"},
          {"from": "b", "to": "c"}]}
        """

    static func spoiled(_ old: String, _ new: String) -> String {
        precondition(base.contains(old), old)
        return base.replacingOccurrences(of: old, with: new)
    }

    /// One line each, naming the node or edge, the key and the place.
    @Test(arguments: [
        // the document
        (#""version": 1"#, #""version": 3"#, #"g.json: "version" (line 1, column 38): expected 1 or 2, got 3 (this mgviz reads mgviz-graph versions 1 and 2)"#),
        (#""version": 1"#, #""version": 2"#, #"g.json: missing required key "groups""#),
        (#""format": "mgviz-graph""#, #""format": "mgviz""#, #"g.json: "format" (line 1, column 12): unknown format "mgviz" (this mgviz reads "mgviz-graph")"#),
        (#""title": null, "#, "", #"g.json: missing required key "title""#),
        (#""title": null"#, #""title": null, "colour": 1"#, #"g.json: "colour" (line 1, column 66): unknown key "colour" (expected one of: format, version, title, output, nodes, edges)"#),
        (#""title": null"#, #""title": 3"#, #"g.json: "title" (line 1, column 50): expected a string or null, got a number"#),
        (#""title": null"#, #""title": null, "focus": {}"#, #"g.json: "focus" (line 1, column 65): this dump is of a focused part, not the whole graph; dump the whole graph and focus on a part when drawing it"#),
        (#""title": null"#, #""title": null, "collapse": "neurons""#, #"g.json: "collapse" (line 1, column 68): this dump is of a diagram with its neurons collapsed, which are no ops of the engine; dump it without collapsing, and collapse it when drawing it"#),
        // the output is not a node
        (#""output": "c""#, #""output": "d""#, #"g.json: "output" (line 1, column 66): no node has the id "d""#),
        (#""output": "c""#, #""output": null"#, #"g.json: "output" (line 1, column 66): expected a string, got null"#),
        // nodes: a duplicate id, a missing or unknown key, a wrong type, an unknown kind or op
        (#"{"id": "b", "label": "", "#, #"{"id": "a", "label": "", "#, #"g.json: node 1 "a", "id" (line 4, column 3): duplicate id; node 0 has it"#),
        (#""data": 2.0, "#, "", #"g.json: node 0 (line 3, column 3): missing required key "data""#),
        (#""cluster": null}],"#, #""cluster": null, "shape": "box"}],"#, #"g.json: node 2, "shape" (line 5, column 106): unknown key "shape" (expected one of: id, label, op, kind, data, grad, cluster)"#),
        (#""label": "a""#, #""label": 1"#, #"g.json: node 0 "a", "label" (line 3, column 24): expected a string, got a number"#),
        (#""kind": "constant""#, #""kind": "const""#, #"g.json: node 1 "b", "kind" (line 4, column 46): unknown kind "const" (expected one of: input, constant, parameter, op)"#),
        (#""op": "*""#, #""op": "times""#, #"g.json: node 2 "c", "op" (line 5, column 35): unknown op 'times' (the engine has: +, *, ** (a Value exponent), **k (k an int or float literal, as Python prints it), exp, log, tanh, ReLU, sigmoid, sin, cos)"#),
        (#""op": "*""#, #""op": "**02""#, #"g.json: node 2 "c", "op" (line 5, column 35): unknown op '**02' (the engine has: +, *, ** (a Value exponent), **k (k an int or float literal, as Python prints it), exp, log, tanh, ReLU, sigmoid, sin, cos)"#),
        (#""op": "*", "kind": "op""#, #""op": "", "kind": "op""#, #"g.json: node 2 "c", "op" (line 5, column 35): a node of kind "op" needs an op"#),
        (#""label": "a", "op": """#, #""label": "a", "op": "exp""#, #"g.json: node 0 "a", "op" (line 3, column 35): a node of kind "input" is a leaf, and has no op"#),
        (#""label": "", "op": "", "kind": "constant""#, #""label": "k", "op": "", "kind": "constant""#, #"g.json: node 1 "b", "label" (line 4, column 24): a constant is an unlabelled leaf; a labelled one is an "input""#),
        (#""cluster": null}],"#, #""cluster": "L1 N0"}],"#, #"g.json: node 2 "c", "cluster" (line 5, column 91): expected a neuron such as "L1 N3" or null, got "L1 N0""#),
        // a wrongly spelled non-finite value, grads on some nodes only
        (#""data": 6.0"#, #""data": "nan""#, #"g.json: node 2 "c", "data" (line 5, column 62): expected a number or "NaN", "Infinity", "-Infinity", got "nan""#),
        (#""grad": 2.0"#, #""grad": "inf""#, #"g.json: node 1 "b", "grad" (line 4, column 79): expected a number or "NaN", "Infinity", "-Infinity", got "inf""#),
        (#""grad": 2.0"#, #""grad": null"#, #"g.json: node 1 "b", "grad" (line 4, column 79): is null, while node 0 has a grad: a dump has every grad or none"#),
        // edges: an unknown id, a cycle, too many or too few operands, a wrong shape
        (#"{"from": "a", "to": "c"}"#, #"{"from": "z", "to": "c"}"#, #"g.json: edge 0, "from" (line 7, column 12): no node has the id "z""#),
        (#"{"from": "a", "to": "c"}"#, #"{"from": "c", "to": "a"}"#, #"g.json: edge 0 (line 7, column 3): goes from "c" (node 2) to "a" (node 0), which is not a later node: a dump lists operands before their results, so an edge back is a cycle"#),
        (#"{"from": "a", "to": "c"}"#, #"{"from": "c", "to": "c"}"#, #"g.json: edge 0 (line 7, column 3): goes from "c" (node 2) to "c" (node 2), which is not a later node: a dump lists operands before their results, so an edge back is a cycle"#),
        (#"{"from": "b", "to": "c"}]}"#, #"{"from": "b", "to": "c"}, {"from": "b", "to": "c"}]}"#, #"g.json: edge 2 (line 8, column 29): one edge too many into "c": it is '*', which takes 2"#),
        (#"{"from": "b", "to": "c"}]}"#, #"{"from": "b", "to": "c"}, {"from": "a", "to": "b"}]}"#, #"g.json: edge 2 (line 8, column 29): one edge too many into "b": it is a leaf, which takes no operands"#),
        (",\n  {\"from\": \"b\", \"to\": \"c\"}]}", "]}", #"g.json: node 2 "c" (line 5, column 3): '*' takes 2 operands, but 1 edge goes into it"#),
        (#"{"from": "a", "to": "c"}"#, #"{"from": "a", "to": "c", "label": "x"}"#, #"g.json: edge 0, "label" (line 7, column 37): unknown key "label" (expected one of: from, to)"#),
        (#"{"from": "a", "to": "c"}"#, #"{"from": 1, "to": "c"}"#, #"g.json: edge 0, "from" (line 7, column 12): expected a string, got a number"#),
        (#"{"from": "a", "to": "c"}"#, #"["a", "c"]"#, #"g.json: edge 0 (line 7, column 3): expected an object, got an array"#),
    ])
    func badDumpsAreOneLine(old: String, new: String, message: String) {
        do {
            _ = try InputDocument(bytes: Array(Self.spoiled(old, new).utf8))
            Issue.record("accepted: \(new)")
        } catch {
            #expect("g.json: \(error)" == message)
        }
    }

    @Test func theCommandSaysSoInOneLineAndWritesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("g.json")
        try Data(Self.spoiled(#""op": "*""#, #""op": "times""#).utf8).write(to: bad)
        let refused = try runMgviz([bad.path, "-o", folder.appendingPathComponent("g.svg").path])
        #expect(refused.status == MgvizKit.ExitStatus.dataError.rawValue)
        #expect(refused.stderr.hasPrefix("mgviz: error: \(bad.path): node 2 \"c\", \"op\" (line 5, column 35): unknown op 'times'"))
        #expect(refused.stderr.filter { $0 == "\n" }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("g.svg").path))

        // --check and expect need a spec: there is nothing to evaluate again.
        let good = folder.appendingPathComponent("good.json")
        try Data(Self.base.utf8).write(to: good)
        let check = try runMgviz([good.path, "--check"])
        #expect(check.status == MgvizKit.ExitStatus.usage.rawValue)
        #expect(check.stderr == "mgviz: error: \(good.path): --check evaluates the graph again, and a dump (\"format\": \"mgviz-graph\") is drawn as given, with no expressions; check the spec it came from\n")
    }

    /// Data and grads are the file's, even where the engine would compute others; kinds,
    /// labels and clusters too. Ids may be any strings, and edges come in any order.
    @Test func aDumpIsDrawnAsGiven() throws {
        let text = """
            {"format": "mgviz-graph", "version": 1, "title": "from elsewhere", "output": "out",
             "nodes": [
              {"id": "w", "label": "", "op": "", "kind": "parameter", "data": 0.5, "grad": -4.0, "cluster": "L1 N1"},
              {"id": "x", "label": "x", "op": "", "kind": "input", "data": 3.0, "grad": "NaN", "cluster": null},
              {"id": "wx", "label": "", "op": "*", "kind": "op", "data": 1.25, "grad": 2.0, "cluster": "L1 N1"},
              {"id": "sq", "label": "", "op": "**2", "kind": "op", "data": "Infinity", "grad": 1.0, "cluster": null},
              {"id": "out", "label": "L", "op": "+", "kind": "op", "data": -7.5, "grad": 1.0, "cluster": null}],
             "edges": [
              {"from": "sq", "to": "out"}, {"from": "x", "to": "wx"}, {"from": "w", "to": "wx"},
              {"from": "wx", "to": "sq"}, {"from": "x", "to": "out"}]}
            """
        guard case .graph(let dump) = try InputDocument(bytes: Array(text.utf8)) else {
            Issue.record("not read as a dump")
            return
        }
        let drawing = try Drawing(dump: dump)
        let json = String(decoding: try drawing.rendered(as: .json).bytes, as: UTF8.self)
        let redumped = try Dump(json)
        #expect(redumped.title == "from elsewhere" && redumped.output == "n4")
        #expect(redumped.nodes.map(\.kind) == ["parameter", "input", "op", "op", "op"])
        #expect(redumped.nodes.map(\.label) == ["", "x", "", "", "L"])
        #expect(redumped.nodes.map(\.op) == ["", "", "*", "**2", "+"])
        #expect(redumped.nodes.map(\.cluster) == ["L1 N1", nil, "L1 N1", nil, nil])
        // 0.5 * 3 is 1.5 and -7.5 is no sum of its operands: drawn as the file says.
        #expect(redumped.nodes.map(\.data) == [.finite(0.5), .finite(3), .finite(1.25), .nonFinite("Infinity"), .finite(-7.5)])
        #expect(redumped.nodes[0].grad == .finite(-4) && redumped.nodes[1].grad == .nonFinite("NaN"))
        // Operands in the order their edges come: x is wx's lhs, sq is out's.
        #expect(redumped.edges == [
            .init(from: "n1", to: "n2"), .init(from: "n0", to: "n2"), .init(from: "n2", to: "n3"),
            .init(from: "n3", to: "n4"), .init(from: "n1", to: "n4"),
        ])
        // Data first: the infinity at n3 is reported, not n1's NaN grad.
        #expect(drawing.nonFinite?.node.id == "n3")
    }

    /// Collapsing a neuron whose nodes something outside it uses too, as Python micrograd's
    /// regularisation `sum(p * p for p in model.parameters())` uses the weights: a weight
    /// stays drawn and feeds its neuron, and a neuron whose partial sum is used elsewhere
    /// stays drawn in full. Every running grad of the ledger still ends at the grad.
    @Test func collapseKeepsWhatOthersUse() throws {
        let text = """
            {"format": "mgviz-graph", "version": 1, "title": null, "output": "out",
             "nodes": [
              {"id": "x", "label": "x", "op": "", "kind": "input", "data": 2.0, "grad": -0.5, "cluster": null},
              {"id": "w", "label": "w", "op": "", "kind": "parameter", "data": 0.5, "grad": 3.0, "cluster": "L1 N1"},
              {"id": "b", "label": "b", "op": "", "kind": "parameter", "data": 1.0, "grad": 1.0, "cluster": "L1 N1"},
              {"id": "p", "label": "", "op": "*", "kind": "op", "data": 1.0, "grad": 1.0, "cluster": "L1 N1"},
              {"id": "s", "label": "", "op": "+", "kind": "op", "data": 2.0, "grad": 1.0, "cluster": "L1 N1"},
              {"id": "a", "label": "", "op": "ReLU", "kind": "op", "data": 2.0, "grad": 1.0, "cluster": "L1 N1"},
              {"id": "w2", "label": "w2", "op": "", "kind": "parameter", "data": -1.0, "grad": 2.0, "cluster": "L1 N2"},
              {"id": "b2", "label": "b2", "op": "", "kind": "parameter", "data": 0.5, "grad": 1.0, "cluster": "L1 N2"},
              {"id": "p2", "label": "p2", "op": "*", "kind": "op", "data": -2.0, "grad": 1.0, "cluster": "L1 N2"},
              {"id": "s2", "label": "s2", "op": "+", "kind": "op", "data": -1.5, "grad": 1.0, "cluster": "L1 N2"},
              {"id": "a2", "label": "a2", "op": "ReLU", "kind": "op", "data": 0.0, "grad": 1.0, "cluster": "L1 N2"},
              {"id": "r", "label": "r", "op": "*", "kind": "op", "data": 0.25, "grad": 1.0, "cluster": null},
              {"id": "t1", "label": "", "op": "+", "kind": "op", "data": 2.0, "grad": 1.0, "cluster": null},
              {"id": "t2", "label": "", "op": "+", "kind": "op", "data": 2.25, "grad": 1.0, "cluster": null},
              {"id": "out", "label": "", "op": "+", "kind": "op", "data": 0.75, "grad": 1.0, "cluster": null}],
             "edges": [
              {"from": "w", "to": "p"}, {"from": "x", "to": "p"}, {"from": "b", "to": "s"}, {"from": "p", "to": "s"},
              {"from": "s", "to": "a"}, {"from": "w2", "to": "p2"}, {"from": "x", "to": "p2"}, {"from": "b2", "to": "s2"},
              {"from": "p2", "to": "s2"}, {"from": "s2", "to": "a2"}, {"from": "w", "to": "r"}, {"from": "w", "to": "r"},
              {"from": "a", "to": "t1"}, {"from": "a2", "to": "t1"}, {"from": "t1", "to": "t2"}, {"from": "r", "to": "t2"},
              {"from": "t2", "to": "out"}, {"from": "s2", "to": "out"}]}
            """
        guard case .graph(let dump) = try InputDocument(bytes: Array(text.utf8)) else {
            Issue.record("not read as a dump")
            return
        }
        let drawing = try Drawing(dump: dump, options: DrawOptions(collapse: .neurons))
        let diagram = try drawing.diagram
        let nodes = diagram.nodes
        #expect(nodes.map(\.label) == ["x", "w", "L1 N1", "w2", "b2", "p2", "s2", "a2", "r", "", "", ""])
        #expect(nodes[2].operands.map { nodes[$0].label } == ["w", "x"])
        #expect(nodes[8].operands.map { nodes[$0].label } == ["w", "w"])
        let redumped = try Dump(String(decoding: try drawing.rendered(as: .json).bytes, as: UTF8.self))
        #expect(redumped.nodes.map(\.cluster) == [nil, nil, "L1 N1"] + Array(repeating: "L1 N2", count: 5) + Array(repeating: nil, count: 4))
        #expect(try drawing.rendered(as: .svg).bytes.count > 1000)

        let ledger = try #require(drawing.backwardLedger)
        var last: [Int: Double] = [ledger.output: ledger.seed]
        for step in ledger.steps { for use in step.uses { last[use.operand] = use.total } }
        for (position, node) in nodes.enumerated() where position != ledger.output {
            #expect(last[position] == node.grad, "\(node.label) at \(position)")
        }
    }

    /// A cluster folds into one node only when it can stand for a neuron: its last node a
    /// sum, or ReLU, tanh or sigmoid of one. Leaves alone, or a square, stay drawn as they are.
    @Test func onlyNeuronsCollapse() throws {
        func collapsed(_ nodes: String, _ edges: String, output: String) throws -> [String] {
            let text = #"{"format": "mgviz-graph", "version": 1, "title": null, "output": ""# + output + #"", "nodes": ["# + nodes + #"], "edges": ["# + edges + "]}"
            let drawing = try Drawing(document: InputDocument(bytes: Array(text.utf8)), options: DrawOptions(collapse: .neurons))
            return try drawing.diagram.nodes.map { $0.label + "|" + $0.op }
        }
        func node(_ id: String, _ op: String, _ cluster: String?) -> String {
            let kind = op.isEmpty ? "input" : "op"
            return #"{"id": ""# + id + #"", "label": ""# + id + #"", "op": ""# + op + #"", "kind": ""# + kind
                + #"", "data": 1.0, "grad": 1.0, "cluster": "# + (cluster.map { "\"\($0)\"" } ?? "null") + "}"
        }
        func edge(_ from: String, _ to: String) -> String { #"{"from": ""# + from + #"", "to": ""# + to + #""}"# }
        // Two leaves in a cluster, multiplied outside it.
        #expect(try collapsed(
            [node("a", "", "L1 N1"), node("b", "", "L1 N1"), node("f", "*", nil)].joined(separator: ", "),
            [edge("a", "f"), edge("b", "f")].joined(separator: ", "), output: "f") == ["a|", "b|", "f|*"])
        // A square in a cluster.
        #expect(try collapsed(
            [node("a", "", nil), node("q", "**2", "L1 N1"), node("e", "exp", nil)].joined(separator: ", "),
            [edge("a", "q"), edge("q", "e")].joined(separator: ", "), output: "e") == ["a|", "q|**2", "e|exp"])
        // A sigmoid of a sum folds.
        #expect(try collapsed(
            [node("a", "", nil), node("w", "", "L1 N1"), node("p", "*", "L1 N1"), node("s", "+", "L1 N1"),
             node("g", "sigmoid", "L1 N1"), node("e", "exp", nil)].joined(separator: ", "),
            [edge("w", "p"), edge("a", "p"), edge("p", "s"), edge("a", "s"), edge("s", "g"), edge("g", "e")].joined(separator: ", "),
            output: "e") == ["a|", "L1 N1 g|sigmoid(Σwx+b)", "e|exp"])
    }

    @Test func aDumpWithoutGradsDrawsNone() throws {
        let noGrads = Self.base.replacingOccurrences(of: #""grad": \d\.0"#, with: #""grad": null"#, options: .regularExpression)
        guard case .graph(let dump) = try InputDocument(bytes: Array(noGrads.utf8)) else {
            Issue.record("not read as a dump")
            return
        }
        #expect(!dump.hasGrads)
        let drawing = try Drawing(dump: dump)
        let json = String(decoding: try drawing.rendered(as: .json).bytes, as: UTF8.self)
        #expect(try Dump(json).nodes.allSatisfy { $0.grad == nil })
        let svg = String(decoding: try drawing.rendered(as: .svg).bytes, as: UTF8.self)
        #expect(svg.contains("data 6.0000") && !svg.contains("grad"))
    }
}
