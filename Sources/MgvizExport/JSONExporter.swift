/// Writes a Diagram as the JSON dump, format `mgviz-graph` version 1 (documented in the
/// README). Keys are in a fixed order and numbers round-trip, so the output is byte-stable.
public struct JSONExporter: Sendable {
    public init() {}

    public func export(_ diagram: Diagram) -> String {
        var out = "{\"format\": \"mgviz-graph\", \"version\": 1"
        out += ", \"title\": " + (diagram.title.map(quoted) ?? "null")
        out += ", \"output\": " + quoted(diagram.nodes[diagram.output].id) + ",\n"
        out += " \"nodes\": ["
        for (index, node) in diagram.nodes.enumerated() {
            out += index == 0 ? "\n  " : ",\n  "
            out += "{\"id\": \(quoted(node.id)), \"label\": \(quoted(node.label)), \"op\": \(quoted(node.op))"
            out += ", \"kind\": \(quoted(node.kind.rawValue)), \"data\": \(number(node.data))"
            out += ", \"grad\": " + (node.grad.map(number) ?? "null") + "}"
        }
        out += "],\n \"edges\": ["
        var first = true
        for node in diagram.nodes {
            for operand in node.operands {
                out += first ? "\n  " : ",\n  "
                first = false
                out += "{\"from\": \(quoted(diagram.nodes[operand].id)), \"to\": \(quoted(node.id))}"
            }
        }
        out += "]}\n"
        return out
    }

    /// Round-trip digits; JSON has no NaN or infinities, so those are strings.
    private func number(_ x: Double) -> String {
        if x.isNaN { return "\"NaN\"" }
        if x.isInfinite { return x < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        return exactNumber(x)
    }

    private func quoted(_ text: String) -> String {
        let body = escaped(text) { c in
            switch c {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            case _ where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: return nil
            }
        }
        return "\"" + body + "\""
    }
}
