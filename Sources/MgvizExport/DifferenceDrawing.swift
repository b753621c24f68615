/// The colours a difference is drawn in, the same in every theme: each fill's text is black or
/// white, whichever contrasts more (`Color.textColor`), and a removed node's text contrasts at
/// least 4.5:1 with the theme's value fill.
package enum DifferenceShades {
    /// A node only in B.
    static let added = Color(0xb2, 0xf2, 0xbb)
    /// A changed number's shade, by `Comparison.shade(of:)`: up to 1%, 10%, 50%, and more.
    static let changed = [Color(0xff, 0xf3, 0xbf), Color(0xff, 0xd4, 0x3b), Color(0xfd, 0x7e, 0x14), Color(0xe0, 0x31, 0x31)]
    /// The outline of a node whose op or operands changed.
    static let reshaped = Color(0x70, 0x48, 0xe8)
    /// A removed node's outline and edges, and its text on the light and dark themes' value fill.
    static let removedLine = Color(0xad, 0xb5, 0xbd)
    package static let removedTextLight = "#6c757d"
    package static let removedTextDark = "#adb5bd"

    /// The legend's words for each shade.
    static let shadeNames = ["≤ 1%", "≤ 10%", "≤ 50%", "> 50%"]
}

extension Color {
    /// `#rrggbb`, in lower case.
    package var hex: String {
        "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// What a difference says of one of B's nodes, for its record.
struct Compared {
    let marks: Comparison.Marks
    /// A's numbers where they differ beyond the tolerance.
    let before: (data: Double?, grad: Double?)
    let change: Double
    let labelInA: String?
    let opInA: String?

    init(_ comparison: Comparison, at index: Int, data: Double, grad: Double?) {
        marks = comparison.marks[index]
        let key = Int32(index)
        labelInA = comparison.labelsInA.isEmpty ? nil : comparison.labelsInA[key]
        opInA = comparison.opsInA.isEmpty ? nil : comparison.opsInA[key]
        guard !marks.contains(.added) else {
            before = (nil, nil)
            change = 0
            return
        }
        let dataBefore = comparison.dataInA[index]
        let gradBefore = comparison.gradsInA.isEmpty ? nil : comparison.gradsInA[index]
        before = (
            comparison.differs(dataBefore, data) ? dataBefore : nil,
            gradBefore.flatMap { g in grad.flatMap { comparison.differs(g, $0) ? g : nil } })
        change = comparison.change(at: index, data: data, grad: grad)
    }

    /// The fill: added, a shade of change, or nil for the theme's value fill.
    var shade: Color? {
        if marks.contains(.added) { return DifferenceShades.added }
        return marks.contains(.numbersChanged) ? DifferenceShades.changed[Comparison.shade(of: change)] : nil
    }

    var isReshaped: Bool { marks.contains(.opChanged) || marks.contains(.rewired) }

    /// `x0 (was x)`.
    func label(_ label: String) -> String? {
        guard let labelInA else { return nil }
        let was = labelInA.isEmpty ? "(was unlabelled)" : "(was \(labelInA))"
        return label.isEmpty ? was : label + " " + was
    }

    /// `tanh (was ReLU)`.
    func op(_ op: String) -> String? {
        opInA.map { op + ($0.isEmpty ? " (was a leaf)" : " (was \($0))") }
    }

    /// A line for what the fill and numbers do not say.
    var mark: String? {
        if marks.contains(.added) { return "only in B" }
        if let opInA, !opInA.isEmpty, marks.contains(.opChanged) { return "was \(opInA) in A" }
        return marks.contains(.rewired) ? "operands changed" : nil
    }
}

extension DOTExporter {
    /// `difference from A: 3 changed, 1 op changed, 2 only in B, 1 only in A`, under the title.
    func differenceDescription(_ comparison: Comparison) -> String {
        let summary = comparison.summary
        let parts = [
            (summary.changed, "changed", "changed"), (summary.opsChanged, "op changed", "ops changed"),
            (summary.rewired, "with other operands", "with other operands"), (summary.renamed, "renamed", "renamed"),
            (summary.added, "only in B", "only in B"), (summary.removed, "only in A", "only in A"),
        ].filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
        guard !parts.isEmpty else { return "no difference from A (\(counted(summary.nodesInA, "node")))" }
        return "difference from A (\(counted(summary.nodesInA, "node"))): " + parts.joined(separator: ", ")
    }

    /// A's nodes and edges that B lacks, faint and dashed, then the legend of the difference.
    func writeRemoved(_ comparison: Comparison, of diagram: Diagram, _ out: inout TextWriter) {
        let colors = theme.colors
        let line = DifferenceShades.removedLine.hex
        let text = theme == .dark ? DifferenceShades.removedTextDark : DifferenceShades.removedTextLight
        for node in comparison.removed {
            let name = NodeNames.removed(at: Int(node.nameNumber))
            out.write(string: "  \(name) [shape=record, fillcolor=\"\(colors.value)\", style=\"filled,dashed\", color=\"\(line)\", fontcolor=\"\(text)\", label=\"{")
            writeLines(node.label, node.data, node.grad, [], nil, &out, separator: "|", escape: .recordField, exact: false, mark: "only in A")
            out.write("}\", tooltip=\"")
            if !node.label.isEmpty {
                out.write(node.label, escaping: .dotString)
                out.write(" ")
            }
            out.write(string: "(\(NodeNames.value(at: Int(node.nameNumber))) in A)\\n")
            writeLines("", node.data, node.grad, [], nil, &out, separator: "\\n", escape: .dotString, exact: true, mark: "only in A")
            out.write("\"];\n")
            guard node.isOp else { continue }
            out.write(string: "  \(name)\(NodeNames.opSuffix) [shape=ellipse, fillcolor=\"\(colors.value)\", style=\"filled,dashed\", color=\"\(line)\", fontcolor=\"\(text)\", fontsize=10, margin=\"0.05,0.02\", height=0.3, label=\"")
            out.write(node.op, escaping: .dotString)
            out.write("\", tooltip=\"")
            out.write(node.op, escaping: .dotString)
            out.write(string: "\"];\n  \(name)\(NodeNames.opSuffix) -> \(name) [style=dashed, color=\"\(line)\"];\n")
        }
        for edge in comparison.edgesOnlyInA {
            out.write("  ")
            writeEnd(edge.from, intoOp: false, comparison, of: diagram, &out)
            out.write(" -> ")
            writeEnd(edge.to, intoOp: true, comparison, of: diagram, &out)
            out.write(string: " [style=dashed, color=\"\(line)\"];\n")
        }
        writeDifferenceLegend(comparison, of: diagram, &out)
    }

    /// An edge's end: a node's record, or, for the result of an op, its ellipse.
    private func writeEnd(_ end: Comparison.End, intoOp: Bool, _ comparison: Comparison, of diagram: Diagram, _ out: inout TextWriter) {
        switch end {
        case .node(let position):
            out.write(node: Int(position), of: diagram)
            if intoOp && diagram.isOp(at: Int(position)) { out.write(NodeNames.opSuffix) }
        case .removed(let index):
            let node = comparison.removed[Int(index)]
            out.write(string: NodeNames.removed(at: Int(node.nameNumber)))
            if intoOp && node.isOp { out.write(NodeNames.opSuffix) }
        }
    }

    /// A row of swatches for what the drawing shows: nodes the same, each shade of change that
    /// occurs, nodes only in B, only in A, and those whose op or operands changed.
    private func writeDifferenceLegend(_ comparison: Comparison, of diagram: Diagram, _ out: inout TextWriter) {
        var shades = Set<Int>()
        var same = false, reshaped = false
        for position in 0..<diagram.count {
            let compared = Compared(comparison, at: position, data: diagram.data(at: position), grad: diagram.grad(at: position))
            if compared.marks.contains(.numbersChanged) { shades.insert(Comparison.shade(of: compared.change)) }
            if compared.shade == nil { same = true }
            if compared.isReshaped { reshaped = true }
        }
        let colors = theme.colors
        var swatches: [String] = []
        func swatch(_ label: String, fill: String, text: String? = nil, style: String = "filled", outline: String? = nil) {
            var attributes = "shape=box, fontsize=9, height=0.25, style=\"\(style)\", fillcolor=\"\(fill)\", label=\"\(label)\""
            if let text { attributes += ", fontcolor=\"\(text)\"" }
            if let outline { attributes += ", color=\"\(outline)\", penwidth=3" }
            swatches.append(attributes)
        }
        if same { swatch("same", fill: colors.value) }
        for shade in shades.sorted() {
            let color = DifferenceShades.changed[shade]
            swatch(DifferenceShades.shadeNames[shade], fill: color.hex, text: color.textColor.description)
        }
        if comparison.marks.contains(where: { $0.contains(.added) }) {
            swatch("only in B", fill: DifferenceShades.added.hex, text: DifferenceShades.added.textColor.description)
        }
        if !comparison.removed.isEmpty {
            let text = theme == .dark ? DifferenceShades.removedTextDark : DifferenceShades.removedTextLight
            swatches.append("shape=box, fontsize=9, height=0.25, style=\"filled,dashed\", fillcolor=\"\(colors.value)\", color=\"\(DifferenceShades.removedLine.hex)\", fontcolor=\"\(text)\", label=\"only in A\"")
        }
        if reshaped { swatch("op or operands changed", fill: colors.value, outline: DifferenceShades.reshaped.hex) }
        out.write("  subgraph cluster_difference_legend {\n    label=\"change from A (relative)\"; fontsize=10; color=\"")
        out.write(string: colors.legendBorder)
        out.write("\";\n")
        for (index, attributes) in swatches.enumerated() { out.write(string: "    difference\(index) [\(attributes)];\n") }
        if swatches.count > 1 {
            out.write(string: "    " + swatches.indices.map { "difference\($0)" }.joined(separator: " -> ") + " [style=invis];\n")
        }
        out.write("  }\n")
    }
}
