import Foundation

/// Writes a Diagram as DOT in the manner of micrograd's `draw_dot`: each Value a record
/// `{ label | data 2.0000 | grad -1.5000 }`, each op a small ellipse with an edge into its
/// Value, and one edge per operand.
public struct DOTExporter: Sendable {
    public enum RankDirection: String, Sendable, CaseIterable {
        case LR, TB
    }

    /// Fill colours by the role of a node; the README carries the legend.
    public enum Palette {
        public static let input = "#cfe2ff"
        public static let constant = "#e9ecef"
        public static let output = "#ffd8a8"
        public static let value = "#ffffff"
        public static let op = "#e5dbff"
    }

    public var rankDirection: RankDirection
    /// Decimals shown for data and grad.
    public var precision: Int

    public init(rankDirection: RankDirection = .LR, precision: Int = 4) {
        self.rankDirection = rankDirection
        self.precision = precision
    }

    public func export(_ diagram: Diagram) -> String {
        var out = "digraph mgviz {\n"
        out += "  graph [rankdir=\(rankDirection.rawValue), fontname=\"Helvetica\""
        if let title = diagram.title {
            out += ", label=\"\(escapeString(title))\", labelloc=t, fontsize=16"
        }
        out += "];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=11, style=filled, penwidth=1];\n"
        out += "  edge [color=\"#555555\", arrowsize=0.7];\n"
        for (index, node) in diagram.nodes.enumerated() {
            var fields = node.label.isEmpty ? [] : [escapeRecord(node.label)]
            // Numbers need no escaping: digits, '-', '.', "nan" and "inf".
            fields.append("data " + format(node.data))
            if let grad = node.grad { fields.append("grad " + format(grad)) }
            let fill = index == diagram.output ? Palette.output
                : node.kind == .input ? Palette.input
                : node.kind == .constant ? Palette.constant : Palette.value
            out += "  \(node.id) [shape=record, fillcolor=\"\(fill)\", label=\"{\(fields.joined(separator: "|"))}\", tooltip=\"\(escapeString(tooltip(node)))\"];\n"
            guard !node.op.isEmpty else { continue }
            let opID = node.id + "_op"
            out += "  \(opID) [shape=ellipse, fillcolor=\"\(Palette.op)\", fontsize=10, margin=\"0.05,0.02\", height=0.3, label=\"\(escapeString(node.op))\", tooltip=\"\(escapeString(node.op))\"];\n"
            for operand in node.operands { out += "  \(diagram.nodes[operand].id) -> \(opID);\n" }
            out += "  \(opID) -> \(node.id);\n"
        }
        out += "}\n"
        return out
    }

    private func format(_ x: Double) -> String { formatFixed(x, decimals: precision) }

    private func tooltip(_ node: Diagram.Node) -> String {
        var text = node.label.isEmpty ? "" : node.label + "\n"
        text += "data = \(exactNumber(node.data))"
        if let grad = node.grad { text += "\ngrad = \(exactNumber(grad))" }
        return text
    }
}

/// `x` with exactly `decimals` digits after the point, as C's `%.*f` writes it.
func formatFixed(_ x: Double, decimals: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return withVaList([decimals, x]) { args in
        var buffer = [CChar](repeating: 0, count: 400)
        let count = vsnprintf(&buffer, buffer.count, "%.*f", args)
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Shortest round-trip digits: reading the text back gives the same Double.
func exactNumber(_ x: Double) -> String { "\(x)" }

/// A DOT double-quoted string's contents: quotes and backslashes escaped, newlines as `\n`.
func escapeString(_ text: String) -> String {
    escaped(text) { c in
        switch c {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return ""
        default: return nil
        }
    }
}

/// A record field drawn literally: record syntax characters and spaces are escaped, then the
/// result is made safe inside a DOT double-quoted string.
func escapeRecord(_ text: String) -> String {
    escaped(text) { c in
        switch c {
        case "{", "}", "|", "<", ">", " ": return "\\" + String(c)
        case "\n", "\r": return "\\ "
        default: return escapeString(String(c))
        }
    }
}

/// `text` with each scalar that `replacement` maps replaced by what it returns.
func escaped(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
    var out = ""
    for c in text.unicodeScalars {
        if let replaced = replacement(c) { out += replaced } else { out.unicodeScalars.append(c) }
    }
    return out
}
