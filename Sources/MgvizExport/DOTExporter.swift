/// Which way a diagram's edges run, from operands to results. Raw values are Graphviz's `rankdir`.
public enum RankDirection: String, Sendable, CaseIterable {
    /// Operands on the left, as micrograd's `draw_dot` draws.
    case leftToRight = "LR"
    /// Operands above, results below.
    case topToBottom = "TB"
}

/// What a Value's fill colour tells.
public enum Coloring: String, Sendable, CaseIterable {
    /// Input, constant, output or intermediate (the legend is in the README).
    case kind
    /// The grad's sign and log-scaled size, with a legend in the diagram.
    case grad
}

/// Writes a Diagram as DOT in the manner of micrograd's `draw_dot`: each Value a record
/// `{ label | data 2.0000 | grad -1.5000 }`, each op a small ellipse with an edge into its
/// Value, and one edge per operand.
///
/// Usable from inlinable code for its defaults, which are those of MgvizKit's public
/// `DrawOptions` initializer too.
@usableFromInline
package struct DOTExporter: Sendable {

    /// Whether the DOT asks dot for `LayoutCost.tunedAttributes`, which trade a little polish
    /// for layouts of big graphs in seconds instead of minutes.
    package enum LayoutTuning: Sendable, CaseIterable {
        /// Graphviz's defaults: the best small layouts, and minutes for big ones.
        case never
        /// Tuned when the diagram's `LayoutCost` says it is worth it.
        case bySize
    }

    package var rankDirection: RankDirection
    /// Decimals shown for data and grad.
    package var precision: Int
    package var coloring: Coloring
    package var theme: Theme
    package var layoutTuning: LayoutTuning

    /// What micrograd's `draw_dot` shows: left to right, four decimals (`%.4f`), one colour per kind.
    @usableFromInline package static let defaultRankDirection = RankDirection.leftToRight
    @usableFromInline package static let defaultPrecision = 4
    @usableFromInline package static let defaultColoring = Coloring.kind
    @usableFromInline package static let defaultTheme = Theme.light

    package init(
        rankDirection: RankDirection = defaultRankDirection, precision: Int = defaultPrecision,
        coloring: Coloring = defaultColoring, theme: Theme = defaultTheme, layoutTuning: LayoutTuning = .bySize
    ) {
        self.rankDirection = rankDirection
        self.precision = precision
        self.coloring = coloring
        self.theme = theme
        self.layoutTuning = layoutTuning
    }

    /// Whether `diagram` is written with the tuned layout attributes.
    package func tunesLayout(of diagram: Diagram) -> Bool {
        switch layoutTuning {
        case .never: return false
        case .bySize: return diagram.isWorthTuningLayout
        }
    }

    package func export(_ diagram: Diagram) -> String { String(decoding: exportBytes(diagram), as: UTF8.self) }

    /// The DOT as UTF-8, without the cost of making a String of it.
    package func exportBytes(_ diagram: Diagram) -> [UInt8] {
        TextWriter.bytes(capacity: 400 * diagram.count + 400) { write(diagram, to: &$0) }
    }

    /// Writes the DOT to `out`, byte for byte what `exportBytes` returns; a writer that drains
    /// to a file writes it as it is made. Stops early once `out` has failed.
    package func write(_ diagram: Diagram, to out: inout TextWriter) {
        out.write("digraph mgviz {\n  graph [rankdir=")
        out.write(string: rankDirection.rawValue)
        out.write(", fontname=\"Helvetica\"")
        let colors = theme.colors
        if let background = colors.background {
            out.write(", bgcolor=\"")
            out.write(string: background)
            out.write("\"")
        }
        if let text = colors.text {
            out.write(", fontcolor=\"")
            out.write(string: text)
            out.write("\"")
        }
        let lines = [diagram.title, diagram.comparison.map(differenceDescription)].compactMap { $0 } + diagram.descriptionLines
        if !lines.isEmpty {
            out.write(", label=\"")
            out.write(lines.joined(separator: "\n"), escaping: .dotString)
            out.write("\", labelloc=t, fontsize=16")
        }
        out.write("];\n")
        let tuned = tunesLayout(of: diagram)
        if tuned {
            out.write("  graph [")
            out.write(string: LayoutCost.tunedAttributes)
            out.write("];\n")
        }
        out.write("  node [fontname=\"Helvetica\", fontsize=11, style=filled, penwidth=1")
        if let outline = colors.outline { out.write(string: ", color=\"\(outline)\"") }
        if let text = colors.text { out.write(string: ", fontcolor=\"\(text)\"") }
        out.write("];\n  edge [color=\"")
        out.write(string: colors.edge)
        out.write("\", arrowsize=0.7, fontname=\"Helvetica\"")
        if let text = colors.text { out.write(string: ", fontcolor=\"\(text)\"") }
        out.write("];\n")
        let fill = coloring == .grad ? GradPalette(diagram, colors: colors) : nil
        let names = diagram.valueNames
        // A model's nodes are declared inside a cluster per neuron, within one per layer, and
        // a batch's shown example inside its plate.
        let clusters = ClusterTree(diagram, rankDirection: rankDirection)
        if clusters.isEmpty == false {
            // Graphviz 2.42 sets a static flag in its cluster re-crossing pass and never clears
            // it, so every later layout with clusters in the same process came out different.
            out.write("  graph [remincross=false];\n")
        }
        if let plate = diagram.plate {
            out.write("  subgraph cluster_plate {\n    label=\"")
            out.write(plate.caption, escaping: .dotString)
            out.write(string: "\"; fontsize=13; color=\"\(colors.layerBorder)\"; style=\"rounded,bold\"; penwidth=2;\n")
            for group in clusters.topLevel where clusters.isInPlate(group) { writeCluster(group, clusters, of: diagram, fill: fill, names: names, depth: 2, &out) }
            for index in clusters.plateMembersOutsideGroups { writeNode(index, diagram.name(at: index), of: diagram, fill: fill, names: names, depth: 2, &out) }
            out.write("  }\n")
        }
        for group in clusters.topLevel where !clusters.isInPlate(group) { writeCluster(group, clusters, of: diagram, fill: fill, names: names, depth: 1, &out) }
        // Under the tuned attributes the alignment edges slow dot down tenfold (MLP(3, [32, 32,
        // 1]): 1.5 s to 18 s) and newrank does not honour them well; models that big are
        // better collapsed anyway.
        if !tuned { writeLayerAlignment(clusters.expandedNeuronsByLayer, of: diagram, &out) }
        for index in 0..<diagram.count {
            // A write that failed will not succeed later: stop making what cannot be written.
            if out.failed { return }
            let name = diagram.name(at: index)
            if !clusters.isDeclared(index) { writeNode(index, name, of: diagram, fill: fill, names: names, depth: 1, &out) }
            guard diagram.isOp(at: index) else { continue }
            // `x**y` and `y**x` would draw alike: a binary power's edges say which is which.
            let isPower = diagram.engineOp(at: index) == .powerValue
            let operands = diagram.operandRange(of: index)
            for k in operands {
                out.write("  ")
                out.write(node: Int(diagram.operandList[k]), of: diagram)
                out.write(" -> ")
                out.write(name)
                out.write(NodeNames.opSuffix)
                if isPower { out.write(k == operands.lowerBound ? " [label=\"base\", fontsize=9]" : " [label=\"exponent\", fontsize=9]") }
                if diagram.comparison?.edgesOnlyInB.contains(Int32(k)) == true {
                    out.write(string: " [color=\"\(DifferenceShades.added.hex)\", penwidth=2]")
                }
                // A note is a head label: one edge label anywhere doubles every rank of dot's
                // layout (the demo's plate: 0.3 s to 1.5 s), and a head label is placed after it.
                if let note = diagram.edgeNotes[Int32(k)] {
                    out.write(" [headlabel=\"")
                    out.write(edgeText(note), escaping: .dotString)
                    out.write("\", labelfontsize=9, labeldistance=2.5]")
                }
                out.write(";\n")
            }
            out.write("  ")
            out.write(name)
            out.write(NodeNames.opSuffix)
            out.write(" -> ")
            out.write(name)
            out.write(";\n")
        }
        if let focus = diagram.focus { writeCuts(focus, of: diagram, &out) }
        if let comparison = diagram.comparison { writeRemoved(comparison, of: diagram, &out) }
        if let fill { out.write(string: fill.legend()) }
        out.write("}\n")
    }

    /// Left alone, dot stacks an expanded model's neuron clusters in a diagonal staircase (the
    /// lecture MLP came out 8328×2546, mostly empty). An invisible, heavy edge from a neuron's
    /// output to the first node of each neuron of the next layer, paired in proportion (the
    /// j-th of m to the round((j + 0.5)·n/m − 0.5)-th of n), pulls each layer into a column
    /// beside the last, its neurons in order.
    private func writeLayerAlignment(_ expanded: [NeuronCluster: [Int]], of diagram: Diagram, _ out: inout TextWriter) {
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

    /// An edge's note as drawn: `+0.0123` for a contribution, `Σ over 100` for a term.
    private func edgeText(_ note: Diagram.EdgeNote) -> String {
        switch note {
        case .contribution(let amount):
            let text = displayText(amount, decimals: precision)
            return text.hasPrefix("-") ? text : "+" + text
        case .sumOverExamples(let count): return "Σ over \(count)"
        }
    }

    /// A group's cluster, its groups inside it and its nodes; a neuron of one node, or a
    /// group folded into one, is drawn as that node, which carries the group's name already.
    private func writeCluster(
        _ group: Int, _ clusters: ClusterTree, of diagram: Diagram, fill: GradPalette?, names: ValueNames, depth: Int,
        _ out: inout TextWriter
    ) {
        let info = diagram.groups[group]
        let members = clusters.members[group]
        // A group folded into one node needs no box: the node carries the group's name.
        if clusters.children[group].isEmpty && members.count == 1 && (info.kind == .neuron || diagram.isFolded(at: members[0])) {
            return writeNode(members[0], diagram.name(at: members[0]), of: diagram, fill: fill, names: names, depth: depth, &out)
        }
        let colors = theme.colors
        out.writeIndent(depth)
        out.write(string: "subgraph cluster_\(clusters.clusterName(group)) {\n")
        out.writeIndent(depth + 1)
        out.write("label=\"")
        out.write(info.name, escaping: .dotString)
        switch info.kind {
        case .neuron: out.write(string: "\"; fontsize=10; color=\"\(colors.neuronBorder)\"; style=solid;\n")
        case .layer: out.write(string: "\"; fontsize=12; color=\"\(colors.layerBorder)\"; style=dashed;\n")
        case .call: out.write(string: "\"; fontsize=12; color=\"\(colors.layerBorder)\"; style=solid;\n")
        case .named: out.write(string: "\"; fontsize=12; color=\"\(colors.layerBorder)\"; style=dotted;\n")
        }
        for child in clusters.children[group] { writeCluster(child, clusters, of: diagram, fill: fill, names: names, depth: depth + 1, &out) }
        for index in members { writeNode(index, diagram.name(at: index), of: diagram, fill: fill, names: names, depth: depth + 1, &out) }
        out.writeIndent(depth)
        out.write("}\n")
    }

    /// A small grey stub on each cut, saying how many nodes lie beyond it.
    private func writeCuts(_ focus: Focus, of diagram: Diagram, _ out: inout TextWriter) {
        for (index, cut) in focus.cuts.enumerated() {
            let beyond = cut.nodesBeyond.map { "\($0) more" } ?? "more"
            out.write(string: "  \(NodeNames.cut(index)) [shape=plaintext, style=\"\", fontsize=9, fontcolor=\"\(theme.colors.cutText)\", label=\"⋯ \(beyond)\", tooltip=\"\(counted(cut.edges, "edge")) cut; ")
            out.write(string: cut.nodesBeyond.map { "\(counted($0, "node")) beyond" } ?? "too many to count beyond")
            out.write("\"];\n  ")
            switch cut.side {
            case .operands:
                out.write(string: "\(NodeNames.cut(index)) -> ")
                out.write(node: cut.node, of: diagram)
                if diagram.isOp(at: cut.node) { out.write(NodeNames.opSuffix) }
            case .results:
                out.write(node: cut.node, of: diagram)
                out.write(string: " -> \(NodeNames.cut(index))")
            }
            out.write(string: " [style=dashed, color=\"\(theme.colors.cutEdge)\"];\n")
        }
    }

    /// A Value's record, and its op's ellipse if it has one. The record's first line is the
    /// node's name: its label as given, a constant's value, or `= ` and a derived name
    /// (`= log(p3)`, `= L1 N4`), so that a label is never mistaken for one mgviz made up.
    private func writeNode(
        _ index: Int, _ name: NodeNames.Name, of diagram: Diagram, fill: GradPalette?, names: ValueNames, depth: Int,
        _ out: inout TextWriter
    ) {
        let data = diagram.data(at: index), grad = diagram.grad(at: index)
        let drawnName = Self.drawnName(at: index, names)
        let problems = diagram.problems(at: index)
        let text = diagram.foldTexts.isEmpty ? nil : diagram.foldTexts[Int32(index)]
        // A difference draws what A had beside B's: numbers, label, op.
        let compared = diagram.comparison.map { Compared($0, at: index, data: data, grad: grad) }
        let label = compared?.label(drawnName) ?? drawnName
        out.writeIndent(depth)
        out.write(name)
        out.write(" [shape=record, fillcolor=\"")
        let colors = theme.colors
        if let compared {
            if let shade = compared.shade {
                out.write(color: shade)
                out.write("\", fontcolor=\"")
                out.write(shade.textColor)
            } else {
                out.write(string: colors.value)
            }
        } else if text?.isDead == true {
            // Dead for every example: grey, as --color grad draws a dead node.
            out.write(color: colors.dead)
            out.write("\", fontcolor=\"")
            out.write(colors.dead.textColor)
            out.write("\", style=\"filled,dashed")
        } else if let color = fill?.fill(grad: grad, data: data) {
            out.write(color: color)
            out.write("\", fontcolor=\"")
            out.write(color.textColor)
        } else {
            out.write(string: kindFill(diagram.kind(at: index), isOutput: index == diagram.output, colors))
        }
        out.write("\"")
        if !problems.isEmpty || !data.isFinite || !(grad ?? 0).isFinite {
            out.write(", color=\"")
            out.write(string: colors.alarm)
            out.write("\", penwidth=3")
        } else if compared?.isReshaped == true {
            out.write(string: ", color=\"\(DifferenceShades.reshaped.hex)\", penwidth=3")
        } else if (fill != nil || compared != nil) && index == diagram.output {
            out.write(", color=\"")
            out.write(string: colors.outputOutline)
            out.write("\", penwidth=3")
        }
        out.write(", label=\"{")
        writeLines(
            label, data, grad, problems, text, &out, separator: "|", escape: .recordField, exact: false, before: compared?.before,
            mark: compared?.mark)
        out.write("}\", tooltip=\"")
        // The tooltip has the name, then the id, which no learner needs but a bug report may.
        out.write(drawnName, escaping: .dotString)
        out.write("\\n")
        out.write(name)
        out.write("\\n")
        writeLines(
            "", data, grad, problems, text, &out, separator: "\\n", escape: .dotString, exact: true, before: compared?.before,
            mark: compared?.mark)
        out.write("\"];\n")
        guard diagram.isOp(at: index) else { return }
        let op = compared?.op(diagram.opName(at: index)) ?? diagram.opName(at: index)
        out.writeIndent(depth)
        out.write(name)
        out.write(NodeNames.opSuffix)
        out.write(" [shape=ellipse, fillcolor=\"")
        out.write(string: colors.op)
        out.write("\", fontsize=10, margin=\"0.05,0.02\", height=0.3, label=\"")
        out.write(op, escaping: .dotString)
        out.write("\", tooltip=\"")
        out.write(op, escaping: .dotString)
        out.write("\"];\n")
    }

    /// A node's name as its record draws it: a derived one after `= `.
    package static func drawnName(at position: Int, _ names: ValueNames) -> String {
        switch names.source(at: position) {
        case .label, .constant: return names.name(at: position)
        case .neuron, .expression: return "= " + names.name(at: position)
        }
    }

    func kindFill(_ kind: NodeKind, isOutput: Bool, _ colors: Theme.Colors) -> String {
        if isOutput { return colors.output }
        switch kind {
        case .input: return colors.input
        case .constant: return colors.constant
        case .parameter: return colors.parameter
        case .op: return colors.value
        }
    }

    /// A node's lines: its label, data, grad and what a check wanted. The record shows the
    /// numbers rounded (` 2.0000`); the tooltip shows them exactly (` = 2.0`). Numbers need no
    /// escaping: digits, '-', '.', and spelled-out NaN and Infinity. In a difference, a number
    /// that changed shows what it was (`before`: ` 0.0418 → 0.8390`), and `mark` says what
    /// else did (`only in B`).
    func writeLines(
        _ label: String, _ data: Double, _ grad: Double?, _ problems: [Diagram.Problem], _ text: Diagram.FoldText?,
        _ out: inout TextWriter, separator: StaticString, escape: TextWriter.Escape, exact: Bool,
        before: (data: Double?, grad: Double?)? = nil, mark: String? = nil
    ) {
        func number(_ x: Double, was: Double? = nil) {
            if exact {
                out.write(" = ")
                if let was {
                    out.write(exact: was)
                    out.write(" → ")
                }
                out.write(exact: x)
            } else {
                out.write(" ")
                if let was {
                    out.write(drawn: was, decimals: precision)
                    out.write(" → ")
                }
                out.write(drawn: x, decimals: precision)
            }
        }
        if !label.isEmpty {
            out.write(label, escaping: escape)
            out.write(separator)
        }
        if let lines = text?.lines {
            // A folded group of many values draws what it is instead.
            for (k, line) in lines.enumerated() {
                if k > 0 { out.write(separator) }
                out.write(line, escaping: escape)
            }
        } else {
            out.write("data")
            number(data, was: before?.data)
            if let grad {
                out.write(separator)
                out.write("grad")
                number(grad, was: before?.grad)
            }
        }
        for note in text?.notes ?? [] {
            out.write(separator)
            out.write(note, escaping: escape)
        }
        for problem in problems {
            out.write(separator)
            out.write(problem.kind.label, escaping: escape)
            number(problem.value)
        }
        if let mark {
            out.write(separator)
            out.write(mark, escaping: escape)
        }
    }
}

/// A neuron's layer and number, for the layer-alignment edges.
private struct NeuronCluster: Hashable, Comparable {
    var layer: Int
    var neuron: Int

    static func < (a: NeuronCluster, b: NeuronCluster) -> Bool { (a.layer, a.neuron) < (b.layer, b.neuron) }
}

/// A diagram's groups as DOT declares them: clusters inside clusters, each holding the nodes
/// whose innermost group it is, in the order dot lays them out best.
private struct ClusterTree {
    /// Each group's groups, in declaration order.
    var children: [[Int]]
    /// Each group's own nodes, in position order.
    var members: [[Int]]
    var topLevel: [Int]
    /// The plate's nodes that no group holds: an example's inputs, its loss term.
    var plateMembersOutsideGroups: [Int] = []
    private var declared: [Bool]
    private var inPlate: [Bool]
    private let diagram: Diagram

    init(_ diagram: Diagram, rankDirection: RankDirection) {
        self.diagram = diagram
        let groups = diagram.groups
        children = Array(repeating: [], count: groups.count)
        members = Array(repeating: [], count: groups.count)
        declared = Array(repeating: false, count: diagram.count)
        inPlate = Array(repeating: false, count: groups.count)
        for index in 0..<diagram.count {
            if let group = diagram.groupIndex(at: index) {
                members[group].append(index)
                declared[index] = true
            }
        }
        var plateMembers = Set<Int32>()
        if let plate = diagram.plate {
            plateMembers = Set(plate.members)
            for member in plate.members {
                declared[Int(member)] = true
                var group = diagram.groupIndex(at: Int(member))
                if group == nil { plateMembersOutsideGroups.append(Int(member)) }
                while let g = group {
                    inPlate[g] = true
                    group = groups[g].parent
                }
            }
        }
        // Only groups that hold a node, themselves or in a group inside them, are drawn.
        var holds = members.map { !$0.isEmpty }
        for index in groups.indices.reversed() where holds[index] {
            if let parent = groups[index].parent { holds[parent] = true }
        }
        var topLevel: [Int] = []
        for (index, group) in groups.enumerated() where holds[index] {
            if let parent = group.parent { children[parent].append(index) } else { topLevel.append(index) }
        }
        // dot lays out top to bottom and turns the drawing for LR: declared in order, a layer's
        // neurons read N1 to N4 downwards in LR, but N4 to N1 across in TB. Declared the
        // other way round, they read N1 to N4 across.
        let members = self.members
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let x = groups[a], y = groups[b]
            if x.kind != y.kind { return a < b }
            if x.kind == .neuron && rankDirection == .topToBottom && members[a].count == 1 { return x.number > y.number }
            return x.kind == .named ? a < b : x.number < y.number
        }
        self.topLevel = topLevel.sorted(by: precedes)
        for index in children.indices { children[index].sort(by: precedes) }
        _ = plateMembers
    }

    var isEmpty: Bool { topLevel.isEmpty && diagram.plate == nil }

    /// Whether the node is declared inside a cluster, not at the top level.
    func isDeclared(_ index: Int) -> Bool { declared[index] }

    /// Whether the group holds some of the plate's nodes.
    func isInPlate(_ group: Int) -> Bool { inPlate[group] }

    /// A cluster's DOT name, from its path: `L1_N3`, `c17_L1_N3`, `g4`.
    func clusterName(_ group: Int) -> String {
        let info = diagram.groups[group]
        let own: String
        switch info.kind {
        case .call: own = "c\(info.number)"
        case .layer: own = "L\(info.number)"
        case .neuron: own = "N\(info.number)"
        case .named: own = "g\(group)"
        }
        return info.parent.map { clusterName($0) + "_" + own } ?? own
    }

    /// The neurons of more than one node in top-level layers, for the alignment edges that
    /// keep a small model's layers in columns: a model that ran once.
    var expandedNeuronsByLayer: [NeuronCluster: [Int]] {
        var found: [NeuronCluster: [Int]] = [:]
        for layer in topLevel where diagram.groups[layer].kind == .layer {
            for neuron in children[layer] where members[neuron].count > 1 {
                found[NeuronCluster(layer: diagram.groups[layer].number, neuron: diagram.groups[neuron].number)] = members[neuron]
            }
        }
        return found
    }
}

extension Diagram {
    /// What a drawing says under its title: which numbers a plate shows, and what a focus
    /// kept.
    package var descriptionLines: [String] {
        [plate.map(plateDescription), focus.map(focusDescription)].compactMap { $0 }
    }

    /// `focus on h within 2 ops: 17 of 65481 nodes`, under the title; or, for a difference's
    /// changes, `only the changes and what lies within 1 op of them: 12 of 120 nodes`.
    fileprivate func focusDescription(_ focus: Focus) -> String {
        guard focus.center >= 0 else {
            return "only the changes and what lies within \(counted(focus.depth, "op")) of them: \(count) of \(counted(focus.totalNodes, "node"))"
        }
        let name = valueNames.name(at: focus.center)
        return "focus on \(name) within \(counted(focus.depth, "op")): \(count) of \(counted(focus.totalNodes, "node"))"
    }

    /// What the numbers mean, under the title of a plate: the drawing never mixes one
    /// example's numbers with the batch's without saying so.
    fileprivate func plateDescription(_ plate: Plate) -> String {
        "inside the plate: example \(plate.shown)'s data and grads; outside: grads summed over all \(plate.count) examples"
    }
}

/// `1 op`, `2 ops`.
func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }

extension TextWriter {
    /// Two spaces for each level of nesting.
    mutating func writeIndent(_ depth: Int) {
        for _ in 0..<depth { write("  ") }
    }
}
