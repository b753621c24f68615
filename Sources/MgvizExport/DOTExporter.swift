/// Writes a Diagram as DOT in the manner of micrograd's `draw_dot`: each Value a record
/// `{ label | data 2.0000 | grad -1.5000 }`, each op a small ellipse with an edge into its
/// Value, and one edge per operand.
public struct DOTExporter: Sendable {
    public enum RankDirection: String, Sendable, CaseIterable {
        /// Operands on the left, as micrograd's `draw_dot` draws.
        case leftToRight = "LR"
        case topToBottom = "TB"
    }

    /// What a Value's fill colour tells.
    public enum Coloring: String, Sendable, CaseIterable {
        /// Input, constant, output or intermediate (the legend is in the README).
        case kind
        /// The grad's sign and log-scaled size, with a legend in the diagram.
        case grad
    }

    /// Fill colours by the role of a node; the README carries the legend.
    public enum Palette {
        public static let input = "#cfe2ff"
        public static let constant = "#e9ecef"
        public static let parameter = "#d3f9d8"
        public static let output = "#ffd8a8"
        public static let value = "#ffffff"
        public static let op = "#e5dbff"
        /// The outline of a node that is wrong or not finite.
        public static let alarm = "#d00000"
    }

    /// Whether the DOT asks dot for `LayoutCost.tunedAttributes`, which trade a little polish
    /// for layouts of big graphs in seconds instead of minutes.
    public enum LayoutTuning: Sendable, CaseIterable {
        /// Graphviz's defaults: the best small layouts, and minutes for big ones.
        case never
        /// Tuned when the diagram's `LayoutCost` says it is worth it.
        case bySize
    }

    public var rankDirection: RankDirection
    /// Decimals shown for data and grad.
    public var precision: Int
    public var coloring: Coloring
    public var layoutTuning: LayoutTuning

    /// What micrograd's `draw_dot` shows: left to right, four decimals (`%.4f`), one colour per kind.
    public static let defaultRankDirection = RankDirection.leftToRight
    public static let defaultPrecision = 4
    public static let defaultColoring = Coloring.kind

    public init(
        rankDirection: RankDirection = defaultRankDirection, precision: Int = defaultPrecision,
        coloring: Coloring = defaultColoring, layoutTuning: LayoutTuning = .bySize
    ) {
        self.rankDirection = rankDirection
        self.precision = precision
        self.coloring = coloring
        self.layoutTuning = layoutTuning
    }

    /// Whether `diagram` is written with the tuned layout attributes.
    public func tunesLayout(of diagram: Diagram) -> Bool {
        switch layoutTuning {
        case .never: return false
        case .bySize: return diagram.layoutCost.isWorthTuning
        }
    }

    public func export(_ diagram: Diagram) -> String { write(diagram).string }

    /// The DOT as UTF-8, without the cost of making a String of it.
    public func exportBytes(_ diagram: Diagram) -> [UInt8] { write(diagram).bytes }

    private func write(_ diagram: Diagram) -> TextWriter {
        var out = TextWriter(capacity: 400 * diagram.nodes.count + 400)
        out.write("digraph mgviz {\n  graph [rankdir=")
        out.write(rankDirection.rawValue)
        out.write(", fontname=\"Helvetica\"")
        let focusLine = diagram.focus.map { focusDescription($0, in: diagram) }
        if diagram.title != nil || focusLine != nil {
            out.write(", label=\"")
            out.write([diagram.title, focusLine].compactMap { $0 }.joined(separator: "\n"), escaping: .dotString)
            out.write("\", labelloc=t, fontsize=16")
        }
        out.write("];\n")
        let tuned = tunesLayout(of: diagram)
        if tuned {
            out.write("  graph [")
            out.write(LayoutCost.tunedAttributes)
            out.write("];\n")
        }
        out.write("  node [fontname=\"Helvetica\", fontsize=11, style=filled, penwidth=1];\n")
        out.write("  edge [color=\"#555555\", arrowsize=0.7];\n")
        let fill = coloring == .grad ? GradPalette(diagram) : nil
        // A model's nodes are declared inside a cluster per neuron, within one per layer.
        let clustered = Dictionary(grouping: diagram.nodes.indices.filter { diagram.nodes[$0].cluster != nil }) {
            diagram.nodes[$0].cluster!
        }
        if !clustered.isEmpty {
            // Graphviz 2.42 sets a static flag in its cluster re-crossing pass and never clears
            // it, so every later layout with clusters in the same process came out different.
            out.write("  graph [remincross=false];\n")
        }
        var openLayer: Int?
        for cluster in clustered.keys.sorted() {
            if openLayer != cluster.layer {
                if openLayer != nil { out.write("  }\n") }
                out.write("  subgraph cluster_L")
                out.write(cluster.layer)
                out.write(" {\n    label=\"L")
                out.write(cluster.layer)
                out.write("\"; fontsize=12; color=\"#868e96\"; style=dashed;\n")
                openLayer = cluster.layer
            }
            let members = clustered[cluster]!
            // A collapsed neuron is one node that carries its name already.
            guard members.count > 1 else {
                writeNode(members[0], of: diagram, fill: fill, indent: "    ", &out)
                continue
            }
            out.write("    subgraph cluster_L")
            out.write(cluster.layer)
            out.write("_N")
            out.write(cluster.neuron)
            out.write(" {\n      label=\"")
            out.write(cluster.name)
            out.write("\"; fontsize=10; color=\"#ced4da\"; style=solid;\n")
            for index in members { writeNode(index, of: diagram, fill: fill, indent: "      ", &out) }
            out.write("    }\n")
        }
        if openLayer != nil { out.write("  }\n") }
        // Under the tuned attributes the alignment edges slow dot down tenfold (MLP(3, [32, 32,
        // 1]): 1.5 s to 18 s) and newrank does not honour them well; models that big are
        // better collapsed anyway.
        if !tuned { writeLayerAlignment(clustered, of: diagram, &out) }
        for (index, node) in diagram.nodes.enumerated() {
            if node.cluster == nil { writeNode(index, of: diagram, fill: fill, indent: "  ", &out) }
            guard !node.op.isEmpty else { continue }
            for operand in node.operands {
                out.write("  ")
                out.write(node: operand, of: diagram)
                out.write(" -> ")
                out.write(node: index, of: diagram)
                out.write(NodeNames.opSuffix)
                out.write(";\n")
            }
            out.write("  ")
            out.write(node: index, of: diagram)
            out.write(NodeNames.opSuffix)
            out.write(" -> ")
            out.write(node: index, of: diagram)
            out.write(";\n")
        }
        if let focus = diagram.focus { writeCuts(focus, of: diagram, &out) }
        if let fill { out.write(fill.legend()) }
        out.write("}\n")
        return out
    }

    /// Left alone, dot stacks an expanded model's neuron clusters in a diagonal staircase (the
    /// lecture MLP came out 8328×2546, mostly empty). An invisible, heavy edge from a neuron's
    /// output to the first node of each neuron of the next layer, paired in proportion (the
    /// j-th of m to the round((j + 0.5)·n/m − 0.5)-th of n), pulls each layer into a column
    /// beside the last, its neurons in order.
    private func writeLayerAlignment(_ clustered: [Diagram.Cluster: [Int]], of diagram: Diagram, _ out: inout TextWriter) {
        let expanded = clustered.filter { $0.value.count > 1 }
        let layers = Dictionary(grouping: expanded.keys, by: \.layer).mapValues { $0.sorted() }
        let order = layers.keys.sorted()
        for (layer, next) in zip(order, order.dropFirst()) {
            let from = layers[layer]!, to = layers[next]!
            for (j, neuron) in to.enumerated() {
                let i = Int(((Double(j) + 0.5) * Double(from.count) / Double(to.count) - 0.5).rounded())
                out.write("  ")
                out.write(node: expanded[from[i]]!.last!, of: diagram)
                out.write(" -> ")
                out.write(node: expanded[neuron]!.first!, of: diagram)
                out.write(" [style=invis, weight=20];\n")
            }
        }
    }

    /// `focus on n12 'h' within 2 ops: 17 of 65481 nodes`, under the title.
    private func focusDescription(_ focus: Focus, in diagram: Diagram) -> String {
        let center = diagram.nodes[focus.center]
        let name = center.label.isEmpty ? center.id : "\(center.id) '\(center.label)'"
        return "focus on \(name) within \(counted(focus.depth, "op")): \(diagram.nodes.count) of \(counted(focus.totalNodes, "node"))"
    }

    private func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }

    /// A small grey stub on each cut, saying how many nodes lie beyond it.
    private func writeCuts(_ focus: Focus, of diagram: Diagram, _ out: inout TextWriter) {
        for (index, cut) in focus.cuts.enumerated() {
            let beyond = cut.nodesBeyond.map { "\($0) more" } ?? "more"
            out.write("  \(NodeNames.cut(index)) [shape=plaintext, style=\"\", fontsize=9, fontcolor=\"#495057\", label=\"⋯ \(beyond)\", tooltip=\"\(counted(cut.edges, "edge")) cut; ")
            out.write(cut.nodesBeyond.map { "\(counted($0, "node")) beyond" } ?? "too many to count beyond")
            out.write("\"];\n  ")
            switch cut.side {
            case .operands:
                out.write("\(NodeNames.cut(index)) -> ")
                out.write(node: cut.node, of: diagram)
                if !diagram.nodes[cut.node].op.isEmpty { out.write(NodeNames.opSuffix) }
            case .results:
                out.write(node: cut.node, of: diagram)
                out.write(" -> \(NodeNames.cut(index))")
            }
            out.write(" [style=dashed, color=\"#adb5bd\"];\n")
        }
    }

    /// A Value's record, and its op's ellipse if it has one.
    private func writeNode(_ index: Int, of diagram: Diagram, fill: GradPalette?, indent: StaticString, _ out: inout TextWriter) {
        let node = diagram.nodes[index]
        out.write(indent)
        out.write(node: index, of: diagram)
        out.write(" [shape=record, fillcolor=\"")
        out.write(fill?.fill(for: node) ?? kindFill(node, isOutput: index == diagram.output))
        out.write("\"")
        if !node.problems.isEmpty || !node.data.isFinite || !(node.grad ?? 0).isFinite {
            out.write(", color=\"\(Palette.alarm)\", penwidth=3")
        }
        out.write(", label=\"{")
        writeLines(node, &out, separator: "|", escape: .recordField, number: { " " + format($0) })
        out.write("}\", tooltip=\"")
        writeLines(node, &out, separator: "\\n", escape: .dotString, number: { " = " + exactText($0) })
        out.write("\"];\n")
        guard !node.op.isEmpty else { return }
        out.write(indent)
        out.write(node: index, of: diagram)
        out.write(NodeNames.opSuffix)
        out.write(" [shape=ellipse, fillcolor=\"\(Palette.op)\", fontsize=10, margin=\"0.05,0.02\", height=0.3, label=\"")
        out.write(node.op, escaping: .dotString)
        out.write("\", tooltip=\"")
        out.write(node.op, escaping: .dotString)
        out.write("\"];\n")
    }

    private func kindFill(_ node: Diagram.Node, isOutput: Bool) -> String {
        if isOutput { return Palette.output }
        switch node.kind {
        case .input: return Palette.input
        case .constant: return Palette.constant
        case .parameter: return Palette.parameter
        case .op: return Palette.value
        }
    }

    private func format(_ x: Double) -> String { fixedText(x, decimals: precision) }

    /// A node's lines: its label, data, grad and what a check wanted. The record shows the
    /// numbers rounded; the tooltip shows them exactly. Numbers need no escaping: digits,
    /// '-', '.', and spelled-out NaN and Infinity.
    private func writeLines(
        _ node: Diagram.Node, _ out: inout TextWriter, separator: StaticString, escape: TextWriter.Escape,
        number: (Double) -> String
    ) {
        if !node.label.isEmpty {
            out.write(node.label, escaping: escape)
            out.write(separator)
        }
        out.write("data")
        out.write(number(node.data))
        if let grad = node.grad {
            out.write(separator)
            out.write("grad")
            out.write(number(grad))
        }
        for problem in node.problems {
            out.write(separator)
            out.write(problem.kind.label, escaping: escape)
            out.write(number(problem.value))
        }
    }
}

