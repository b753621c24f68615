import Foundation
import MgvizExport
import MgvizKit
import MgvizProcess
import Testing

/// Issue 10: `--focus NAME --depth K` draws one corner of a big graph, with stubs on the cuts.
@Suite struct Focusing {
    /// The notebook's softmax around p3 = e3 * total**-1, one op out. By hand: p3's operands
    /// e3 and total**-1 and its result log(p3) are kept. Beyond e3's operand lies x3 (1 node);
    /// beyond its other use, the sum and then loss (2); beyond total**-1's operand, total, the
    /// two partial sums, e0 to e2 and x0 to x3 (10); beyond log, loss (1).
    @Test func softmaxAroundP3() throws {
        let whole = try sampleDiagram("softmax")
        let focused = whole.focusing(on: try whole.position(named: "p3"), depth: 1)
        #expect(focused.nodes.map(\.op) == ["exp", "**-1", "*", "log"])
        #expect(focused.nodes.map(\.label) == ["e3", "", "p3", ""])
        let cuts = try #require(focused.focus).cuts
        #expect(cuts == [
            .init(node: 0, side: .operands, edges: 1, nodesBeyond: 1),
            .init(node: 0, side: .results, edges: 1, nodesBeyond: 2),
            .init(node: 1, side: .operands, edges: 1, nodesBeyond: 10),
            .init(node: 3, side: .results, edges: 1, nodesBeyond: 1),
        ])
        // Kept edges only: e3 and total**-1 into p3's op, p3 into log's.
        #expect(focused.nodes.map(\.operands) == [[], [], [0, 1], [2]])
        // The grads are the whole graph's.
        let p3 = whole.nodes[try whole.position(named: "p3")]
        #expect(focused.nodes[2].grad == p3.grad && p3.grad == -8.806722608469956)
        #expect(focused.output == -1 && focused.focus?.center == 2 && focused.focus?.totalNodes == 16)
        // Ids stay those of the whole diagram: x0 to x3, e0 to e3, the three sums, then these.
        #expect(focused.nodes.map(\.id) == ["n7", "n11", "n12", "n13"])
    }

    @Test func depthZeroKeepsOneNodeAndTheOutputKeepsItsMarking() throws {
        let whole = try sampleDiagram("softmax")
        let alone = whole.focusing(on: try whole.position(named: "total"), depth: 0)
        #expect(alone.nodes.count == 1 && alone.focus?.cuts.map(\.side) == [.operands, .results])
        #expect(alone.focus?.cuts.map(\.edges) == [2, 1])
        let atOutput = whole.focusing(on: whole.output, depth: 2)
        #expect(atOutput.output == atOutput.nodes.count - 1 && atOutput.nodes.last?.label == "loss")
        let dot = DOTExporter().export(atOutput)
        #expect(dot.contains("fillcolor=\"#ffd8a8\", label=\"{loss|"))
    }

    /// Each format from the command line; the dump says it is focused and where it was cut.
    @Test func dumpAndDrawingOfAFocus() throws {
        let dump = try runMgviz([sample("softmax").path, "--focus", "p3", "--depth", "1", "-o", "-", "--format", "json"])
        #expect(dump.status == MgvizProcess.ExitStatus.success.rawValue)
        let text = String(decoding: dump.stdout, as: UTF8.self)
        #expect(text.hasPrefix("{\"format\": \"mgviz-graph\", \"version\": 1, \"title\": \"softmax + negative log likelihood\", \"output\": null,"))
        #expect(text.hasSuffix("""
             "focus": {"center": "n12", "depth": 1, "totalNodes": 16, "cuts": [
              {"node": "n7", "side": "operands", "edges": 1, "nodesBeyond": 1},
              {"node": "n7", "side": "results", "edges": 1, "nodesBeyond": 2},
              {"node": "n11", "side": "operands", "edges": 1, "nodesBeyond": 10},
              {"node": "n13", "side": "results", "edges": 1, "nodesBeyond": 1}]}}

            """))
        #expect(try Dump(dump.stdout).nodes.count == 4)
        let dot = String(decoding: try runMgviz([sample("softmax").path, "--focus", "p3", "--depth", "1", "-o", "-", "--format", "dot"]).stdout, as: UTF8.self)
        #expect(dot.contains(#"label="softmax + negative log likelihood\nfocus on p3 within 1 op: 4 of 16 nodes""#))
        #expect(dot.contains(##"cut2 [shape=plaintext, style="", fontsize=9, fontcolor="#495057", label="⋯ 10 more", tooltip="1 edge cut; 10 nodes beyond"];"##))
        #expect(dot.contains("cut2 -> n11_op [style=dashed") && dot.contains("n13 -> cut3 [style=dashed"))
        // A stub's node is focused on next by its id.
        let next = try runMgviz([sample("softmax").path, "--focus", "n11", "--depth", "1", "-o", "-", "--format", "json"])
        #expect(try Dump(next.stdout).nodes.map(\.id) == ["n10", "n11", "n12"])
    }

    @Test func unknownAndAmbiguousNames() throws {
        let unknown = try runMgviz([sample("softmax").path, "--focus", "e5", "-o", "-"])
        #expect(unknown.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(unknown.stderr == "mgviz: error: \(sample("softmax").path): --focus: no node is labelled 'e5' or has that id; did you mean 'e0', 'e1', 'e2', 'e3'?\n")
        let far = try runMgviz([sample("softmax").path, "--focus", "weights", "-o", "-"])
        #expect(far.stderr.hasSuffix("--focus: no node is labelled 'weights' or has that id\n"))
        // A dump may give several nodes one label; a model names each parameter by its neuron.
        let twice = #"""
            {"format": "mgviz-graph", "version": 1, "title": null, "output": "n2", "nodes": [
             {"id": "n0", "label": "b", "op": "", "kind": "input", "data": 1.0, "grad": 1.0, "cluster": null},
             {"id": "n1", "label": "b", "op": "", "kind": "input", "data": 2.0, "grad": 1.0, "cluster": null},
             {"id": "n2", "label": "", "op": "+", "kind": "op", "data": 3.0, "grad": 1.0, "cluster": null}],
             "edges": [{"from": "n0", "to": "n2"}, {"from": "n1", "to": "n2"}]}
            """#
        let ambiguous = try runMgviz(["-", "--focus", "b", "-o", "-"], stdin: Data(twice.utf8))
        #expect(ambiguous.status == MgvizProcess.ExitStatus.usage.rawValue)
        #expect(ambiguous.stderr.hasSuffix("--focus: 2 nodes are labelled 'b'; name one by its id: n0, n1\n"))
        // Each layer-1 neuron has three weights, then its bias: n3 to n5, then its b at n6, and so on.
        let byID = try runMgviz([sample("mlp_lecture").path, "--focus", "n10", "--depth", "0", "-o", "-", "--format", "json"])
        #expect(try Dump(byID.stdout).nodes.map(\.label) == ["L1 N2 b"])
        // A collapsed neuron, drawn as `L3 N1 y`, is focused on as `L3 N1` or as `y`.
        for name in ["L3 N1", "y", "L3 N1 y"] {
            let neuron = try runMgviz([sample("mlp_lecture").path, "--collapse", "neurons", "--focus", name, "--depth", "0", "-o", "-", "--format", "json"])
            #expect(try Dump(neuron.stdout).nodes.map(\.label) == ["L3 N1 y"], "\(name)")
        }
        let depthAlone = try runMgviz([sample("softmax").path, "--depth", "3", "-o", "-"])
        #expect(depthAlone.status == MgvizProcess.ExitStatus.usage.rawValue && depthAlone.stderr.contains("--depth goes with --focus NAME"))
    }

    /// `y = x + x + … + x`, N terms: x, then sums s1 … s(N-1). Around s(k), one op out: x,
    /// s(k-1), s(k), s(k+1). x's other N-3 edges are cut, with the N-4 other sums beyond; below
    /// s(k-1) lie s1 … s(k-2); above s(k+1), s(k+2) … s(N-1).
    /// A model's output focused one op deep keeps the last neuron's sum without the products
    /// that feed it; the page works out each closed group's look from a collapse of that focus,
    /// whose ledger met a product without its operands and read past them (a trap found by the
    /// fuzzer, fuzz/seeds/regression-focused-model-page.json).
    @Test func aFocusedModelsPage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let seed = packageRoot.appendingPathComponent("fuzz/seeds/regression-focused-model-page.json")
        let result = try runMgviz([seed.path, "--focus", "y", "--depth", "1", "-o", "out.html"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        let page = String(decoding: try Data(contentsOf: folder.appendingPathComponent("out.html")), as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("</html>"))
    }

    @Test(arguments: ["json", "dot", "svg", "png", "pdf", "html"])
    func oneCornerOfABigSum(_ format: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terms = 200_000, k = 100_000
        try Data(#"{"inputs": {"x": 0.5}, "define": ["y = \#(Array(repeating: "x", count: terms).joined(separator: " + "))"]}"#.utf8)
            .write(to: folder.appendingPathComponent("sum.json"))
        let result = try runMgviz(["sum.json", "--focus", "n\(k)", "--depth", "1", "-o", "out.\(format)"], in: folder)
        #expect(result.status == MgvizProcess.ExitStatus.success.rawValue && result.stderr.isEmpty, "\(result.stderr)")
        let bytes = try Data(contentsOf: folder.appendingPathComponent("out.\(format)"))
        switch format {
        case "json":
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(try Dump(bytes).nodes.map(\.data.value) == [0.5, Double(k) * 0.5, Double(k + 1) * 0.5, Double(k + 2) * 0.5])
            #expect(text.contains(#"{"node": "n0", "side": "results", "edges": \#(terms - 3), "nodesBeyond": \#(terms - 4)}"#))
            #expect(text.contains(#"{"node": "n\#(k - 1)", "side": "operands", "edges": 1, "nodesBeyond": \#(k - 2)}"#))
            #expect(text.contains(#"{"node": "n\#(k + 1)", "side": "results", "edges": 1, "nodesBeyond": \#(terms - k - 2)}"#))
        case "dot", "svg", "html":
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("⋯ \(terms - 4) more") && text.contains("⋯ \(k - 2) more"))
            #expect(text.contains("4 of \(terms) nodes"))
        default:
            #expect(bytes.count > 1000)
        }
    }
}
