/// Writes a Diagram as the JSON dump, format `mgviz-graph` version 1 (documented in the
/// README). Keys are in a fixed order and numbers round-trip, so the output is byte-stable.
public struct JSONExporter: Sendable {
    public init() {}

    public func export(_ diagram: Diagram) -> String { String(decoding: exportBytes(diagram), as: UTF8.self) }

    /// The dump as UTF-8, without the cost of making a String of it.
    public func exportBytes(_ diagram: Diagram) -> [UInt8] {
        TextWriter.bytes(capacity: 200 * diagram.count + 200) { write(diagram, to: &$0) }
    }

    /// Writes the dump to `out`, byte for byte what `exportBytes` returns; a writer that
    /// drains to a file writes it as it is made. Stops early once `out` has failed.
    package func write(_ diagram: Diagram, to out: inout TextWriter) {
        out.write("{\"format\": \"mgviz-graph\", \"version\": 1, \"title\": ")
        if let title = diagram.title { quoted(title, &out) } else { out.write("null") }
        out.write(", \"output\": ")
        if diagram.output >= 0 {
            out.write("\"")
            out.write(node: diagram.output, of: diagram)
            out.write("\"")
        } else {
            out.write("null")
        }
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
        // A neuron drawn as one node is no op of the engine: the mark lets a reader say so.
        if diagram.hasFoldedGroups { out.write(",\n \"collapse\": \"neurons\"") }
        if let focus = diagram.focus { write(focus, of: diagram, &out) }
        out.write("}\n")
    }

    /// `"focus": {"center": "n3", "depth": 2, "totalNodes": 1000000, "cuts": [{"node": "n0",
    /// "side": "operands", "edges": 1, "nodesBeyond": 999990}]}`
    private func write(_ focus: Focus, of diagram: Diagram, _ out: inout TextWriter) {
        out.write(",\n \"focus\": {\"center\": \"")
        out.write(node: focus.center, of: diagram)
        out.write("\", \"depth\": ")
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
