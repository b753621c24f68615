/// Writes a Diagram as the JSON dump, format `mgviz-graph` (documented in docs/): version 1
/// for a graph whose only groups are a model's layers and neurons, version 2, with its tree
/// of groups, for a batch's calls, a plate, or a collapse past neurons. Keys are in a fixed
/// order and numbers round-trip, so the output is byte-stable.
package struct JSONExporter: Sendable {
    package init() {}

    package func export(_ diagram: Diagram) -> String { String(decoding: exportBytes(diagram), as: UTF8.self) }

    /// The dump as UTF-8, without the cost of making a String of it.
    package func exportBytes(_ diagram: Diagram) -> [UInt8] {
        TextWriter.bytes(capacity: 200 * diagram.count + 200) { write(diagram, to: &$0) }
    }

    /// Writes the dump to `out`, byte for byte what `exportBytes` returns; a writer that
    /// drains to a file writes it as it is made. Stops early once `out` has failed.
    package func write(_ diagram: Diagram, to out: inout TextWriter) {
        let isVersion2 = diagram.needsVersion2
        out.write(isVersion2 ? "{\"format\": \"mgviz-graph\", \"version\": 2, \"title\": " : "{\"format\": \"mgviz-graph\", \"version\": 1, \"title\": ")
        if let title = diagram.title { quoted(title, &out) } else { out.write("null") }
        out.write(", \"output\": ")
        if diagram.output >= 0 {
            out.write("\"")
            out.write(node: diagram.output, of: diagram)
            out.write("\"")
        } else {
            out.write("null")
        }
        if isVersion2 { writeGroups(of: diagram, &out) }
        out.write(",\n \"nodes\": [")
        for index in 0..<diagram.count {
            if out.failed { return }
            out.write(index == 0 ? "\n  {\"id\": \"" : ",\n  {\"id\": \"")
            out.write(diagram.name(at: index))
            out.write("\", \"label\": ")
            quoted(diagram.label(at: index), &out)
            out.write(", \"op\": ")
            if diagram.isOp(at: index) { quoted(diagram.opName(at: index), &out) } else { out.write("\"\"") }
            out.write(", \"kind\": \"")
            out.write(diagram.kind(at: index).name)
            out.write("\", \"data\": ")
            number(diagram.data(at: index), &out)
            out.write(", \"grad\": ")
            if let grad = diagram.grad(at: index) { number(grad, &out) } else { out.write("null") }
            if isVersion2 {
                out.write(", \"group\": ")
                if let group = diagram.groupIndex(at: index) {
                    out.write("\"g")
                    out.write(group)
                    out.write("\"")
                } else {
                    out.write("null")
                }
                // A folded node says so, so that a reader takes its op for words, not an engine op.
                if diagram.isFolded(at: index) {
                    write(
                        diagram.foldTexts[Int32(index)] ?? Diagram.FoldText(lines: nil, notes: [], isDead: false),
                        uses: diagram.foldUses[Int32(index)], &out)
                }
                out.write("}")
                continue
            }
            out.write(", \"cluster\": ")
            if let neuron = diagram.neuron(at: index) {
                // Its name, `L1 N3`, needs no escaping.
                out.write("\"L")
                out.write(diagram.layerNumber(of: neuron))
                out.write(" N")
                out.write(neuron.number)
                out.write("\"")
            } else {
                out.write("null")
            }
            out.write("}")
        }
        out.write("],\n \"edges\": [")
        var first = true
        for index in 0..<diagram.count {
            if out.failed { return }
            let operands = diagram.operandRange(of: index)
            guard !operands.isEmpty else { continue }
            let name = diagram.name(at: index)
            for k in operands {
                out.write(first ? "\n  {\"from\": \"" : ",\n  {\"from\": \"")
                first = false
                out.write(node: Int(diagram.operandList[k]), of: diagram)
                out.write("\", \"to\": \"")
                out.write(name)
                out.write("\"}")
            }
        }
        out.write("]")
        if let plate = diagram.plate { write(plate, of: diagram, &out) }
        // A group drawn as one node is no op of the engine: the mark lets a reader say so.
        if isVersion2, let level = diagram.collapseLevel {
            out.write(",\n \"collapse\": \"")
            out.write(string: level.rawValue)
            out.write("\"")
        } else if !isVersion2 && diagram.hasFoldedGroups {
            out.write(",\n \"collapse\": \"neurons\"")
        }
        if let focus = diagram.focus { write(focus, of: diagram, &out) }
        if let comparison = diagram.comparison { write(comparison, of: diagram, &out) }
        out.write("}\n")
    }

    /// `"groups": [{"id": "g0", "kind": "layer", "name": "L1", "number": 1, "parent": null}, …]`
    private func writeGroups(of diagram: Diagram, _ out: inout TextWriter) {
        out.write(",\n \"groups\": [")
        for (index, group) in diagram.groups.enumerated() {
            out.write(index == 0 ? "\n  {\"id\": \"g" : ",\n  {\"id\": \"g")
            out.write(index)
            out.write("\", \"kind\": \"")
            out.write(string: group.kind.rawValue)
            out.write("\", \"name\": ")
            quoted(group.name, &out)
            out.write(", \"number\": ")
            out.write(group.number)
            out.write(", \"parent\": ")
            if let parent = group.parent {
                out.write("\"g")
                out.write(parent)
                out.write("\"")
            } else {
                out.write("null")
            }
            out.write("}")
        }
        out.write("]")
    }

    /// A folded node's lines and notes, and its uses of its operands, `[local, amount]` each:
    /// `"fold": {"lines": ["16 outputs"], "notes": [], "dead": false, "uses": [[1.0, 0.5], …]}`.
    private func write(_ text: Diagram.FoldText, uses: [Diagram.FoldUse]?, _ out: inout TextWriter) {
        func strings(_ list: [String]) {
            out.write("[")
            for (k, line) in list.enumerated() {
                if k > 0 { out.write(", ") }
                quoted(line, &out)
            }
            out.write("]")
        }
        out.write(", \"fold\": {\"lines\": ")
        if let lines = text.lines { strings(lines) } else { out.write("null") }
        out.write(", \"notes\": ")
        strings(text.notes)
        out.write(text.isDead ? ", \"dead\": true, \"uses\": " : ", \"dead\": false, \"uses\": ")
        if let uses {
            out.write("[")
            for (k, use) in uses.enumerated() {
                out.write(k == 0 ? "[" : ", [")
                number(use.local, &out)
                out.write(", ")
                number(use.amount, &out)
                out.write("]")
            }
            out.write("]}")
        } else {
            out.write("null}")
        }
    }

    /// `"plate": {"examples": 100, "shown": 17, "members": ["n5", …], "data": [[…], …],
    /// "grad": [[…], …], "labels": {"n5": ["x[0][0]", …]}}`: every example's numbers, a row
    /// per example, a column per member.
    private func write(_ plate: Plate, of diagram: Diagram, _ out: inout TextWriter) {
        out.write(",\n \"plate\": {\"examples\": ")
        out.write(plate.count)
        out.write(", \"shown\": ")
        out.write(plate.shown)
        out.write(", \"members\": [")
        for (k, member) in plate.members.enumerated() {
            out.write(k == 0 ? "\"" : ", \"")
            out.write(node: Int(member), of: diagram)
            out.write("\"")
        }
        func table(_ values: [Double]) {
            out.write("[")
            for example in 0..<plate.count {
                out.write(example == 0 ? "\n  [" : ",\n  [")
                for m in 0..<plate.members.count {
                    if m > 0 { out.write(", ") }
                    number(values[example * plate.members.count + m], &out)
                }
                out.write("]")
            }
            out.write("]")
        }
        out.write("],\n \"data\": ")
        table(plate.data)
        out.write(",\n \"grad\": ")
        if plate.grads.isEmpty { out.write("null") } else { table(plate.grads) }
        out.write(",\n \"labels\": {")
        for (k, entry) in plate.labels.sorted(by: { $0.key < $1.key }).enumerated() {
            out.write(k == 0 ? "\"" : ", \"")
            out.write(node: Int(plate.members[Int(entry.key)]), of: diagram)
            out.write("\": [")
            for (e, label) in entry.value.enumerated() {
                if e > 0 { out.write(", ") }
                quoted(label, &out)
            }
            out.write("]")
        }
        out.write("}}")
    }

    /// `"focus": {"center": "n3", "depth": 2, "totalNodes": 1000000, "cuts": [{"node": "n0",
    /// "side": "operands", "edges": 1, "nodesBeyond": 999990}]}`
    private func write(_ focus: Focus, of diagram: Diagram, _ out: inout TextWriter) {
        // A focus on a difference's changes has no one center.
        if focus.center >= 0 {
            out.write(",\n \"focus\": {\"center\": \"")
            out.write(node: focus.center, of: diagram)
            out.write("\", \"depth\": ")
        } else {
            out.write(",\n \"focus\": {\"center\": null, \"depth\": ")
        }
        out.write(focus.depth)
        out.write(", \"totalNodes\": ")
        out.write(focus.totalNodes)
        out.write(", \"cuts\": [")
        for (index, cut) in focus.cuts.enumerated() {
            out.write(index == 0 ? "\n  {\"node\": \"" : ",\n  {\"node\": \"")
            out.write(node: cut.node, of: diagram)
            out.write("\", \"side\": \"")
            out.write(string: cut.side.rawValue)
            out.write("\", \"edges\": ")
            out.write(cut.edges)
            out.write(", \"nodesBeyond\": ")
            if let count = cut.nodesBeyond { out.write(count) } else { out.write("null") }
            out.write("}")
        }
        out.write("]}")
    }

    /// `"difference": {"tolerance": 1e-05, "a": {"title": …, "nodes": 14, "output": "n13"},
    /// "summary": {…}, "nodes": [{"id": "n0", "marks": [], "change": 0.0, "shade": null, "a":
    /// {"id": "n0", "label": "x", "op": "", "data": …, "grad": …}}, …], "removed": [{"id":
    /// "a7", "a": "n7", …}],
    /// "edgesOnlyInA": [{"from": "n3", "to": "a7"}, …], "edgesOnlyInB": […]}`: with the
    /// nodes and edges, what a reader needs to show A, B or the difference (docs/diff.md).
    private func write(_ comparison: Comparison, of diagram: Diagram, _ out: inout TextWriter) {
        out.write(",\n \"difference\": {\"tolerance\": ")
        number(comparison.tolerance, &out)
        out.write(", \"a\": {\"title\": ")
        if let title = comparison.titleOfA { quoted(title, &out) } else { out.write("null") }
        out.write(", \"nodes\": ")
        out.write(comparison.nodesInA)
        out.write(", \"output\": ")
        if comparison.outputOfA >= 0 { quoted(NodeNames.value(at: Int(comparison.outputOfA)), &out) } else { out.write("null") }
        out.write("},\n \"summary\": ")
        write(comparison.summary, &out)
        out.write(",\n \"nodes\": [")
        let markNames: [(Comparison.Marks, StaticString)] = [
            (.added, "\"added\""), (.opChanged, "\"opChanged\""), (.renamed, "\"renamed\""), (.rewired, "\"rewired\""),
            (.numbersChanged, "\"numbersChanged\""),
        ]
        for index in 0..<diagram.count {
            if out.failed { return }
            out.write(index == 0 ? "\n  {\"id\": \"" : ",\n  {\"id\": \"")
            out.write(diagram.name(at: index))
            out.write("\", \"marks\": [")
            var first = true
            for (mark, name) in markNames where comparison.marks[index].contains(mark) {
                if !first { out.write(", ") }
                first = false
                out.write(name)
            }
            let counterpart = comparison.counterparts[index]
            guard counterpart >= 0 else {
                out.write("], \"change\": null, \"shade\": null, \"a\": null}")
                continue
            }
            let change = comparison.change(at: index, data: diagram.data(at: index), grad: diagram.grad(at: index))
            out.write("], \"change\": ")
            number(change, &out)
            out.write(", \"shade\": ")
            if comparison.marks[index].contains(.numbersChanged) { out.write(Comparison.shade(of: change)) } else { out.write("null") }
            // A's node as A has it: its label and op are B's unless they changed.
            out.write(", \"a\": {\"id\": ")
            quoted(NodeNames.value(at: Int(counterpart)), &out)
            out.write(", \"label\": ")
            quoted(comparison.labelsInA[Int32(index)] ?? diagram.label(at: index), &out)
            out.write(", \"op\": ")
            quoted(comparison.opsInA[Int32(index)] ?? (diagram.isOp(at: index) ? diagram.opName(at: index) : ""), &out)
            out.write(", \"data\": ")
            number(comparison.dataInA[index], &out)
            out.write(", \"grad\": ")
            if comparison.gradsInA.isEmpty { out.write("null") } else { number(comparison.gradsInA[index], &out) }
            out.write("}}")
        }
        out.write("],\n \"removed\": [")
        for (index, node) in comparison.removed.enumerated() {
            out.write(index == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ")
            quoted(NodeNames.removed(at: Int(node.nameNumber)), &out)
            out.write(", \"a\": ")
            quoted(NodeNames.value(at: Int(node.nameNumber)), &out)
            out.write(", \"label\": ")
            quoted(node.label, &out)
            out.write(", \"op\": ")
            quoted(node.op, &out)
            out.write(", \"kind\": \"")
            out.write(node.kind.name)
            out.write("\", \"data\": ")
            number(node.data, &out)
            out.write(", \"grad\": ")
            if let grad = node.grad { number(grad, &out) } else { out.write("null") }
            out.write("}")
        }
        func end(_ end: Comparison.End) {
            switch end {
            case .node(let position):
                out.write("\"")
                out.write(node: Int(position), of: diagram)
                out.write("\"")
            case .removed(let index): quoted(NodeNames.removed(at: Int(comparison.removed[Int(index)].nameNumber)), &out)
            }
        }
        out.write("],\n \"edgesOnlyInA\": [")
        for (index, edge) in comparison.edgesOnlyInA.enumerated() {
            out.write(index == 0 ? "\n  {\"from\": " : ",\n  {\"from\": ")
            end(edge.from)
            out.write(", \"to\": ")
            end(edge.to)
            out.write("}")
        }
        out.write("],\n \"edgesOnlyInB\": [")
        var first = true
        for position in 0..<diagram.count {
            for edge in diagram.operandRange(of: position) where comparison.edgesOnlyInB.contains(Int32(edge)) {
                out.write(first ? "\n  {\"from\": \"" : ",\n  {\"from\": \"")
                first = false
                out.write(node: Int(diagram.operandList[edge]), of: diagram)
                out.write("\", \"to\": \"")
                out.write(node: position, of: diagram)
                out.write("\"}")
            }
        }
        out.write("]}")
    }

    /// `{"nodesInA": 14, "nodesInB": 15, "matched": 13, …, "differs": true, "output": {…},
    /// "largest": [{"id": "n3", "label": "h2", "op": "ReLU", "quantity": "data", "before":
    /// 0.0, "after": 0.5, "relative": 1.0}, …]}`.
    private func write(_ summary: DifferenceSummary, _ out: inout TextWriter) {
        let counts: [(StaticString, Int)] = [
            ("{\"nodesInA\": ", summary.nodesInA), (", \"nodesInB\": ", summary.nodesInB), (", \"matched\": ", summary.matched),
            (", \"changed\": ", summary.changed), (", \"opsChanged\": ", summary.opsChanged), (", \"renamed\": ", summary.renamed),
            (", \"rewired\": ", summary.rewired), (", \"added\": ", summary.added), (", \"removed\": ", summary.removed),
        ]
        for (key, count) in counts {
            out.write(key)
            out.write(count)
        }
        out.write(summary.differs ? ", \"differs\": true, \"output\": " : ", \"differs\": false, \"output\": ")
        if let output = summary.outputChange {
            out.write("{\"id\": ")
            quoted(output.id, &out)
            out.write(", \"label\": ")
            quoted(output.label, &out)
            out.write(", \"a\": ")
            quoted(output.idInA, &out)
            out.write(", \"data\": [")
            number(output.data.before, &out)
            out.write(", ")
            number(output.data.after, &out)
            out.write("], \"grad\": ")
            if let grad = output.grad {
                out.write("[")
                number(grad.before, &out)
                out.write(", ")
                number(grad.after, &out)
                out.write("]")
            } else {
                out.write("null")
            }
            out.write("}")
        } else {
            out.write("null")
        }
        out.write(", \"largest\": [")
        for (index, change) in summary.largest.enumerated() {
            out.write(index == 0 ? "{\"id\": " : ", {\"id\": ")
            quoted(change.id, &out)
            out.write(", \"label\": ")
            quoted(change.label, &out)
            out.write(", \"op\": ")
            quoted(change.op, &out)
            out.write(change.quantity == .data ? ", \"quantity\": \"data\", \"before\": " : ", \"quantity\": \"grad\", \"before\": ")
            number(change.before, &out)
            out.write(", \"after\": ")
            number(change.after, &out)
            out.write(", \"relative\": ")
            number(change.relative, &out)
            out.write("}")
        }
        out.write("]}")
    }

    /// Round-trip digits; JSON has no NaN or infinities, so those are strings.
    private func number(_ x: Double, _ out: inout TextWriter) {
        if x.isFinite { out.write(exact: x) } else { quoted(spell(x), &out) }
    }

    private func quoted(_ text: String, _ out: inout TextWriter) {
        out.write("\"")
        out.write(text, escaping: .json)
        out.write("\"")
    }
}
