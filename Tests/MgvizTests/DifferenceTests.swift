import Foundation
import MgvizExport
import MgvizKit
import MgvizProcess
import MgvizSpec
import Testing

/// Issue 27: `mgviz diff A B` and `Diagram.difference(from:)`. Each matching is checked node
/// by node: every node of B is named by what it computes (`*(x, w)`), with the node of A it
/// was paired with, or none.
@Suite struct Differences {
    /// The whole graph a text spec draws, after backward.
    func diagram(_ text: String) throws -> Diagram {
        try Drawing(document: InputDocument(bytes: Array(text.utf8), format: .mg)).checkedDiagram
    }

    /// What the node computes, from its label or its op and operands: `+(*(x, w), 1)`.
    func describe(_ diagram: Diagram, _ position: Int) -> String {
        let node = diagram.nodes[position]
        if !node.label.isEmpty { return node.label }
        if node.op.isEmpty { return displayText(node.data, decimals: 1) }
        return node.op + "(" + node.operands.map { describe(diagram, $0) }.joined(separator: ", ") + ")"
    }

    /// Each node of B with the node of A it is, described, in B's order; nil for one only in B.
    func pairs(_ b: String, from a: String) throws -> (pairs: [String], comparison: Comparison, difference: Diagram) {
        let earlier = try diagram(a), later = try diagram(b)
        let difference = later.difference(from: earlier)
        let comparison = try #require(difference.comparison)
        let named = (0..<later.nodes.count).map { position in
            let counterpart = Int(comparison.counterparts[position])
            let partner = counterpart >= 0 ? describe(earlier, counterpart) : "—"
            return describe(later, position) + " = " + partner
        }
        return (named, comparison, difference)
    }

    /// Renamed values still match: the input by its use, the output as the output. Nothing
    /// else differs, so only the two renamed nodes are marked.
    @Test func renamedValuesMatch() throws {
        let (pairs, comparison, _) = try pairs("inp = 2.0\nw = -3.0\nout = inp*w + 1", from: "x = 2.0\nw = -3.0\ny = x*w + 1")
        #expect(pairs == ["inp = x", "w = w", "*(inp, w) = *(x, w)", "1.0 = 1.0", "out = y"])
        #expect(comparison.marks == [.renamed, [], [], [], .renamed])
        #expect(comparison.labelsInA == [0: "x", 4: "y"])
        #expect(comparison.summary.matched == 5 && comparison.summary.renamed == 2 && comparison.summary.changed == 0)
        #expect(comparison.removed.isEmpty && comparison.edgesOnlyInA.isEmpty && comparison.edgesOnlyInB.isEmpty)
    }

    /// A changed constant is the same node with another number: x*w + 2 is 1 more than
    /// x*w + 1 = -5, and the other grads stay (d/dx of x*w + k does not depend on k).
    @Test func changedConstantsMatch() throws {
        let (pairs, comparison, _) = try pairs("x = 2.0\nw = -3.0\ny = x*w + 2", from: "x = 2.0\nw = -3.0\ny = x*w + 1")
        #expect(pairs == ["x = x", "w = w", "*(x, w) = *(x, w)", "2.0 = 1.0", "y = y"])
        #expect(comparison.marks == [[], [], [], .numbersChanged, .numbersChanged])
        #expect(comparison.dataInA == [2, -3, -6, 1, -5])
        // |2 - 1| / 2 and |-4 - -5| / 5.
        #expect(comparison.summary.largest.map(\.relative) == [0.5, 0.2])
        #expect(comparison.summary.outputChange?.data == .init(before: -5, after: -4))
    }

    /// tanh put between x*w and the sum is added; the edge x*w → + is A's only, tanh's edges
    /// are B's; the sum is rewired, and x's, w's and x*w's grads take tanh' = 1 - tanh(1)².
    /// Drawn the other way round, tanh is removed and drawn dashed with A's edges. (A text
    /// spec makes its inputs first.)
    @Test func addedAndRemovedSubgraphs() throws {
        let smaller = "x = 0.5\nw = 2.0\nb = 0.1\ny = x*w + b", larger = "x = 0.5\nw = 2.0\nb = 0.1\ny = tanh(x*w) + b"
        let (added, comparison, _) = try pairs(larger, from: smaller)
        #expect(added == ["x = x", "w = w", "b = b", "*(x, w) = *(x, w)", "tanh(*(x, w)) = —", "y = y"])
        #expect(comparison.marks == [.numbersChanged, .numbersChanged, [], .numbersChanged, .added, [.rewired, .numbersChanged]])
        #expect(comparison.gradsInA[0] == 2 && comparison.gradsInA[5] == 1)
        #expect(comparison.edgesOnlyInA == [.init(from: .node(3), to: .node(5))])
        // tanh's operand, and tanh into the sum: edges 2 and 3 of B's operand list.
        #expect(comparison.edgesOnlyInB == [2, 3])
        #expect(comparison.summary.added == 1 && comparison.summary.removed == 0 && comparison.summary.rewired == 1)

        let (removed, reverse, difference) = try pairs(smaller, from: larger)
        #expect(removed == ["x = x", "w = w", "b = b", "*(x, w) = *(x, w)", "y = y"])
        #expect(reverse.removed.map(\.op) == ["tanh"] && reverse.removed[0].nameNumber == 4)
        #expect(reverse.edgesOnlyInA == [.init(from: .removed(0), to: .node(4)), .init(from: .node(3), to: .removed(0))])
        #expect(reverse.edgesOnlyInB == [2])
        let dot = DOTExporter().export(difference)
        #expect(dot.contains("  a4 [shape=record, fillcolor=\"#ffffff\", style=\"filled,dashed\", color=\"#adb5bd\", fontcolor=\"#6c757d\", label=\"{data 0.7616|grad 1.0000|only\\ in\\ A}\""))
        #expect(dot.contains("  a4_op -> a4 [style=dashed, color=\"#adb5bd\"];\n  a4 -> n4_op [style=dashed, color=\"#adb5bd\"];\n  n3 -> a4_op [style=dashed, color=\"#adb5bd\"];\n"))
    }

    /// `b + w*x` is `x*w + b`: nothing differs, and no edge is either's alone.
    @Test func reorderedOperandsMatch() throws {
        let (pairs, comparison, _) = try pairs("x = 0.5\nw = 2.0\nb = 0.1\ny = b + w*x", from: "x = 0.5\nw = 2.0\nb = 0.1\ny = x*w + b")
        #expect(pairs == ["x = x", "w = w", "b = b", "*(w, x) = *(x, w)", "y = y"])
        #expect(comparison.marks.allSatisfy(\.isEmpty) && comparison.edgesOnlyInA.isEmpty && comparison.edgesOnlyInB.isEmpty)
        #expect(!comparison.summary.differs)
    }

    /// A bigger graph: the sum a*b + c is found in B under a longer sum, and what B adds to it
    /// is added; the output, paired by its label, now squares another sum. (a*b + c + d*e)² at
    /// (1, 2, 3, 4, 5) is 25² = 625 against 5² = 25.
    @Test func graphsOfDifferentSize() throws {
        let inputs = "a = 1.0\nb = 2.0\nc = 3.0\n"
        let (pairs, comparison, _) = try pairs(inputs + "d = 4.0\ne = 5.0\nloss = (a*b + c + d*e)**2", from: inputs + "loss = (a*b + c)**2")
        #expect(pairs == [
            "a = a", "b = b", "c = c", "d = —", "e = —", "*(a, b) = *(a, b)", "+(*(a, b), c) = +(*(a, b), c)", "*(d, e) = —",
            "+(+(*(a, b), c), *(d, e)) = —", "loss = loss",
        ])
        #expect(comparison.summary.nodesInA == 6 && comparison.summary.nodesInB == 10)
        #expect(comparison.summary.matched == 6 && comparison.summary.added == 4 && comparison.summary.removed == 0)
        #expect(comparison.summary.outputChange?.data == .init(before: 25, after: 625))
        // Every matched node's grad changed: 2·5 = 10 against 2·25 = 50 at the sum.
        #expect(comparison.gradsInA[6] == 10 && comparison.summary.changed == 6)
    }

    /// A labelled value whose op changed is the same node, marked; its ellipse says what it was.
    @Test func changedOpsAreMarked() throws {
        let (pairs, comparison, difference) = try pairs("x = 0.5\nw = -2.0\nh = tanh(x*w)", from: "x = 0.5\nw = -2.0\nh = relu(x*w)")
        #expect(pairs == ["x = x", "w = w", "*(x, w) = *(x, w)", "h = h"])
        #expect(comparison.marks[3] == [.opChanged, .numbersChanged] && comparison.opsInA == [3: "ReLU"])
        #expect(comparison.summary.opsChanged == 1)
        let dot = DOTExporter().export(difference)
        #expect(dot.contains("label=\"tanh (was ReLU)\""))
        #expect(dot.contains("color=\"#7048e8\", penwidth=3, label=\"{h|data 0.0000 → -0.7616|grad 1.0000|was\\ ReLU\\ in\\ A}\""))
    }

    /// The same inputs give the same bytes: the matching walks in position order only.
    @Test func differencesAreDeterministic() throws {
        let a = try sampleDiagram("softmax")
        let b = try diagram("x0 = 0.0\nx1 = 3.0\nx2 = -2.0\nx3 = 1.5\ntotal = exp(x0) + exp(x1) + exp(x2) + exp(x3)\nloss = -log(exp(x3) / total)")
        let first = b.difference(from: a), second = b.difference(from: a)
        #expect(first == second)
        #expect(JSONExporter().export(first) == JSONExporter().export(second))
        #expect(DOTExporter().export(first) == DOTExporter().export(second))
    }

    /// Only the changes and what lies within the depth of them: the renamed input and output
    /// of `x*w + 1` at depth 0; the removed tanh with its neighbours at depth 1.
    @Test func onlyTheChanges() throws {
        let (_, _, renamed) = try pairs("inp = 2.0\nw = -3.0\nout = inp*w + 1", from: "x = 2.0\nw = -3.0\ny = x*w + 1")
        let changes = renamed.focusingOnChanges(depth: 0)
        #expect(changes.nodes.map(\.label) == ["inp", "out"] && changes.focus?.center == -1)
        #expect(JSONExporter().export(changes).contains("\"focus\": {\"center\": null, \"depth\": 0, \"totalNodes\": 5, \"cuts\": ["))
        let (_, _, removed) = try pairs("x = 0.5\nw = 2.0\nb = 0.1\ny = x*w + b", from: "x = 0.5\nw = 2.0\nb = 0.1\ny = tanh(x*w) + b")
        let around = removed.focusingOnChanges(depth: 1)
        #expect(around.nodes.map(\.id) == ["n0", "n1", "n2", "n3", "n4"] && around.comparison?.removed.count == 1)
        // x's, w's and x*w's grads changed, the sum is rewired, and the removed tanh counts: b,
        // whose grad stays 1, is left out.
        let none = removed.focusingOnChanges(depth: 0)
        #expect(none.nodes.map(\.id) == ["n0", "n1", "n3", "n4"] && none.comparison?.removed.count == 1)
        #expect(none.comparison?.edgesOnlyInA.count == 2)
    }

    /// A focus counts removed nodes and A's edges as nodes and edges: around x*w, one op
    /// away, lie x, w, the sum, and the removed tanh between them; at no op, x*w alone.
    @Test func aFocusKeepsTheRemovedNodesNearIt() throws {
        let (_, _, removed) = try pairs("x = 0.5\nw = 2.0\nb = 0.1\ny = x*w + b", from: "x = 0.5\nw = 2.0\nb = 0.1\ny = tanh(x*w) + b")
        let near = removed.focusing(on: 3, depth: 1)
        #expect(near.nodes.map(\.id) == ["n0", "n1", "n3", "n4"] && near.comparison?.removed.count == 1)
        #expect(near.comparison?.edgesOnlyInA == [.init(from: .removed(0), to: .node(3)), .init(from: .node(2), to: .removed(0))])
        #expect(near.comparison?.marks == [.numbersChanged, .numbersChanged, .numbersChanged, [.rewired, .numbersChanged]])
        let alone = removed.focusing(on: 3, depth: 0)
        #expect(alone.nodes.count == 1 && alone.comparison?.removed.isEmpty == true && alone.comparison?.edgesOnlyInA.isEmpty == true)
    }
}

/// The command: `mgviz diff A B`, its summary, its exit statuses, and `diff=` in a block.
@Suite struct DifferenceCommand {
    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The dead ReLU before and after its bias is fixed (b2 0.2 → 1.05): h2 comes alive
    /// (0 → 0.05), and its weights learn (w22's grad 2(y - 1)·v2·x2 = 1.23·-0.7·-2 = 1.722). Every
    /// grad changes with dloss/dy = 2(y - 1), 1.3 → 1.23. The summary's lines are exact.
    @Test func deadReLUBeforeAndAfter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("d.json").path
        let result = try runMgviz(["diff", sample("dead_relu").path, sample("dead_relu_fixed").path, "-o", out])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "nodes: A 26, B 26; matched 26 (changed 26, op changed 0, renamed 0, rewired 0); added 0 (only in B); removed 0 (only in A)")
        #expect(lines.contains("  'w22'    grad 0.0000 → 1.7220  100.0%"))
        // y = h1*v1 + h2*v2 = 1.1*1.5 + 0.05*-0.7 = 1.615; loss = 0.615² against 0.65².
        #expect(lines.last == "output 'loss' (n25 in A): data 0.4225 → 0.3782 (10.5%); grad 1.0000 → 1.0000")
        let dump = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        let difference = dump["difference"] as! [String: Any], summary = difference["summary"] as! [String: Any]
        #expect(summary["changed"] as? Int == 26 && summary["differs"] as? Bool == true)
        let nodes = difference["nodes"] as! [[String: Any]]
        let h2 = nodes[try Dump(Data(contentsOf: URL(fileURLWithPath: out))).nodes.firstIndex { $0.label == "h2" }!]
        #expect((h2["a"] as! [String: Any])["data"] as? Double == 0 && h2["marks"] as? [String] == ["numbersChanged"] && h2["shade"] as? Int == 3)
    }

    /// 0 when nothing differs beyond --tolerance, 1 when something does, 2 for any failure;
    /// no diagram without -o.
    @Test func exitStatuses() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try write("x = 1.0\ny = x*3 + 1", "a.mg", in: folder), close = try write("x = 1.000001\ny = x*3 + 1", "b.mg", in: folder)
        let same = try runMgviz(["diff", a, a])
        #expect(same.status == 0 && same.stderr.hasSuffix("no difference beyond --tolerance 1e-05\n"))
        #expect(try runMgviz(["diff", a, close]).status == 0)
        #expect(try runMgviz(["diff", a, close, "--tolerance", "1e-9"]).status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.mg", "b.mg"])

        let bad = try write("x = 1.0\ny = x *", "bad.mg", in: folder)
        let refused = try runMgviz(["diff", a, bad, "-o", folder.appendingPathComponent("d.svg").path])
        #expect(refused.status == 2 && refused.stderr.hasPrefix("mgviz: error: \(bad): line 2, column"))
        let missing = try runMgviz(["diff", a, folder.appendingPathComponent("none.mg").path])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
        let one = try runMgviz(["diff", a])
        #expect(one.status == 2 && one.stderr == "mgviz: error: mgviz diff compares two graphs, A and B (mgviz diff A B -o diff.svg); 1 input was given; see 'mgviz --help'\n")
        #expect(try runMgviz(["diff", a, a, "--colour", "grad"]).status == 2)
        let grad = try runMgviz(["diff", a, a, "--color", "grad"])
        #expect(grad.status == 2 && grad.stderr == "mgviz: error: mgviz diff colours each node by how much it changed: drop --color grad\n")
        let overwrite = try runMgviz(["diff", a, close, "-o", a, "--format", "svg"])
        #expect(overwrite.status == 2 && overwrite.stderr.contains("would overwrite the spec itself"))
        #expect(try String(contentsOfFile: a, encoding: .utf8) == "x = 1.0\ny = x*3 + 1")
        // Outside diff, --only-changed is a usage error as any other.
        let stray = try runMgviz([a, "--only-changed"])
        #expect(stray.status == 64 && stray.stderr.contains("--only-changed draws the changes of a difference"))
    }

    /// A Markdown block is an input, `guide.md#id`, and a block is drawn as its difference
    /// from another by `diff=`: here the notebook's wrong df/db against the right one.
    @Test func markdownBlocks() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wrong = try String(contentsOf: packageRoot.appendingPathComponent("samples/dfdb_wrong.mg"), encoding: .utf8)
        let right = try String(contentsOf: packageRoot.appendingPathComponent("samples/dfdb_right.mg"), encoding: .utf8)
        let guide = try write("# df/db\n\n```mgviz id=wrong\n\(wrong)```\n\n```mgviz id=right diff=#wrong\n\(right)```\n", "guide.md", in: folder)
        let drawn = try runMgviz([guide])
        #expect(drawn.status == 0)
        let svg = try String(contentsOf: folder.appendingPathComponent("right.svg"), encoding: .utf8)
        #expect(svg.contains("only in B") && svg.contains("12.0793 → 10.2570"))
        let command = try runMgviz(["diff", guide + "#wrong", guide + "#right"])
        #expect(command.status == 1 && command.stderr.hasPrefix("nodes: A 8, B 10; matched 8 (changed 5"))
        let missing = try runMgviz(["diff", guide + "#wrong", guide + "#left"])
        #expect(missing.status == 2 && missing.stderr.hasSuffix("has no mgviz block named 'left' (a block is named by its id=, or else as its image is, guide-3); its blocks are 'wrong', 'right'\n"))
        let stale = try write("```mgviz diff=none.json\nx = 1.0\ny = 2*x\n```\n", "stale.md", in: folder)
        let refused = try runMgviz([stale])
        #expect(refused.status == 65 && refused.stderr.contains("the mgviz block at line 1: diff=\(folder.path)/none.json: cannot read"))
    }
}
