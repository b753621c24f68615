import Micrograd
import MgvizExport

/// The page's data, the JSON its script reads: the nodes as columns, the containers and their
/// closed looks, the classes and their layouts, the plate's every example, the focus's cuts.
/// Numbers and coordinates go in as little-endian binary in base64 (a Float64 in 10.7
/// characters, exact, and decoded at once by the script into typed arrays), so that the page
/// grows by tens of bytes a node.
struct PageData {
    let diagram: Diagram
    let nodes: PageNodes
    let tree: PageTree
    let looks: [ClosedLook?]
    let layouts: PageLayouts
    let options: PageLayouts.Options
    let palette: GradPalette?
    let theme: Theme

    func bytes() -> [UInt8] {
        TextWriter.bytes(capacity: 80 * nodes.count + 64 * layouts.layouts.count + 4096) { out in
            write(to: &out)
        }
    }

    private func write(to out: inout TextWriter) {
        out.write("{\"title\": ")
        Self.text(diagram.title, &out)
        out.write(", \"lines\": [")
        var lines: [String] = []
        if let plate = diagram.plate {
            lines.append("inside the plate: example \(plate.shown)'s data and grads; outside: grads summed over all \(plate.count) examples")
        }
        if let focus = diagram.focus { lines.append(focusLine(focus)) }
        Self.list(lines, &out)
        out.write("], \"rankdir\": ")
        Self.text(options.rankDirection.rawValue, &out)
        out.write(", \"precision\": ")
        out.write(options.precision)
        out.write(", \"theme\": ")
        Self.text(theme.rawValue, &out)
        out.write(", \"output\": ")
        out.write(diagram.output)
        out.write(",\n\"geometry\": ")
        writeGeometry(&out)
        out.write(", \"maximumNodes\": ")
        out.write(options.maximumNodes)
        out.write(",\n\"colors\": ")
        writeColors(theme.colors, &out)
        // The auto theme's page turns dark where the reader prefers dark.
        out.write(",\n\"darkColors\": ")
        if theme == .auto { writeColors(Theme.dark.colors, &out) } else { out.write("null") }
        out.write(",\n\"legend\": ")
        writeLegend(&out)
        out.write(",\n\"nodes\": ")
        writeNodes(&out)
        out.write(",\n\"containers\": [")
        for (index, container) in tree.containers.enumerated() {
            out.write(index == 0 ? "\n" : ",\n")
            writeContainer(index, container, &out)
        }
        out.write("],\n\"classes\": [")
        for (index, cls) in layouts.classes.enumerated() {
            out.write(index == 0 ? "\n" : ",\n")
            writeClass(cls, &out)
        }
        out.write("],\n\"layouts\": [")
        for (index, layout) in layouts.layouts.enumerated() {
            out.write(index == 0 ? "\n" : ",\n")
            writeLayout(layout, &out)
        }
        out.write("],\n\"plate\": ")
        writePlate(&out)
        out.write(",\n\"cuts\": ")
        writeCuts(&out)
        out.write("}")
    }

    /// `focus on n12 'h' within 2 ops: 17 of 65481 nodes`, as the DOT exporter titles a focus.
    private func focusLine(_ focus: Focus) -> String {
        let id = NodeNames.value(at: nodes.names[focus.center]), label = nodes.labels[focus.center]
        let name = label.isEmpty ? id : "\(id) '\(label)'"
        func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
        return "focus on \(name) within \(counted(focus.depth, "op")): \(nodes.count) of \(counted(focus.totalNodes, "node"))"
    }

    private func writeGeometry(_ out: inout TextWriter) {
        let entries: [(String, Double)] = [
            ("recordFont", PageGeometry.recordFontSize), ("opFont", PageGeometry.opFontSize),
            ("boxMargin", PageGeometry.boxMargin), ("boxLabelBand", PageGeometry.boxLabelBand),
        ]
        out.write("{")
        for (k, (key, value)) in entries.enumerated() {
            out.write(string: (k == 0 ? "\"" : ", \"") + key + "\": ")
            out.write(exact: value)
        }
        out.write("}")
    }

    /// A theme's colours, which the script draws with.
    private func writeColors(_ colors: Theme.Colors, _ out: inout TextWriter) {
        let entries: [(String, String)] = [
            ("input", colors.input), ("constant", colors.constant), ("parameter", colors.parameter), ("output", colors.output),
            ("value", colors.value), ("op", colors.op), ("edge", colors.edge), ("alarm", colors.alarm),
            ("outputOutline", colors.outputOutline), ("layerBorder", colors.layerBorder), ("neuronBorder", colors.neuronBorder),
            ("cutText", colors.cutText), ("cutEdge", colors.cutEdge), ("outline", colors.outline ?? "black"),
            ("text", colors.text ?? "black"), ("background", colors.background ?? "white"),
            ("dead", GradPalette.hex(colors.dead)),
        ]
        out.write("{")
        for (k, (key, value)) in entries.enumerated() {
            out.write(string: (k == 0 ? "\"" : ", \"") + key + "\": ")
            Self.text(value, &out)
        }
        out.write("}")
    }

    /// `--color grad`'s legend: its title, and a swatch for what occurs.
    private func writeLegend(_ out: inout TextWriter) {
        guard let palette, case let swatches = palette.swatches, !swatches.isEmpty else { return out.write("null") }
        out.write("{\"title\": ")
        Self.text(GradPalette.legendTitle, &out)
        out.write(", \"swatches\": [")
        for (k, swatch) in swatches.enumerated() {
            out.write(k == 0 ? "[" : ", [")
            Self.list([swatch.label, GradPalette.hex(swatch.fill)], &out)
            out.write("]")
        }
        out.write("]}")
    }

    private func writeNodes(_ out: inout TextWriter) {
        var opTable: [String] = [], opIndex: [String: UInt16] = [:]
        var ops: [UInt16] = []
        ops.reserveCapacity(nodes.count)
        for op in nodes.ops {
            if let known = opIndex[op] {
                ops.append(known)
            } else {
                opIndex[op] = UInt16(opTable.count)
                ops.append(UInt16(opTable.count))
                opTable.append(op)
            }
        }
        out.write("{\"count\": ")
        out.write(nodes.count)
        out.write(", \"names\": ")
        if nodes.names.enumerated().allSatisfy({ $0.offset == $0.element }) {
            out.write("null")
        } else {
            Self.base64(nodes.names.map { Int32($0) }, &out)
        }
        out.write(", \"opTable\": [")
        Self.list(opTable, &out)
        out.write("], \"op\": ")
        Self.base64(ops, &out)
        out.write(", \"kind\": ")
        Self.base64(nodes.kinds.map { UInt8(NodeKind.allCases.firstIndex(of: $0)!) }, &out)
        out.write(", \"kinds\": [")
        Self.list(NodeKind.allCases.map(\.rawValue), &out)
        out.write("], \"labels\": ")
        Self.texts(nodes.labels.enumerated().lazy.filter { !$0.element.isEmpty }, &out)
        out.write(", \"data\": ")
        Self.base64(nodes.data, &out)
        out.write(", \"grad\": ")
        if nodes.showsGrads { Self.base64(nodes.grads, &out) } else { out.write("null") }
        out.write(", \"operandStart\": ")
        Self.base64(nodes.operandStart, &out)
        out.write(", \"operands\": ")
        Self.base64(nodes.operands, &out)
        out.write(", \"container\": ")
        Self.base64(tree.containerOf, &out)
        out.write(", \"folds\": {")
        for (k, node) in nodes.folds.keys.sorted().enumerated() {
            let fold = nodes.folds[node]!
            out.write(k == 0 ? "\"" : ", \"")
            out.write(node)
            out.write("\": {")
            Self.foldText(lines: fold.lines, notes: fold.notes, isDead: fold.isDead, &out)
            out.write("}")
        }
        out.write("}, \"problems\": {")
        for (k, node) in nodes.problems.keys.sorted().enumerated() {
            out.write(k == 0 ? "\"" : ", \"")
            out.write(node)
            out.write("\": [")
            for (p, problem) in nodes.problems[node]!.enumerated() {
                out.write(p == 0 ? "[" : ", [")
                Self.text(problem.kind.label, &out)
                out.write(", ")
                Self.number(problem.value, &out)
                out.write("]")
            }
            out.write("]")
        }
        out.write("}, \"notes\": {")
        for (k, edge) in nodes.notes.keys.sorted().enumerated() {
            out.write(k == 0 ? "\"" : ", \"")
            out.write(edge)
            switch nodes.notes[edge]! {
            case .contribution(let amount):
                out.write("\": {\"amount\": ")
                Self.number(amount, &out)
                out.write("}")
            case .sumOverExamples(let count):
                out.write("\": {\"examples\": ")
                out.write(count)
                out.write("}")
            }
        }
        out.write("}}")
    }

    private func writeContainer(_ index: Int, _ container: PageTree.Container, _ out: inout TextWriter) {
        out.write("{\"kind\": ")
        Self.text(container.kind.rawValue, &out)
        out.write(", \"name\": ")
        Self.text(container.name, &out)
        out.write(", \"parent\": ")
        out.write(container.parent)
        out.write(", \"count\": ")
        out.write(container.nodeCount)
        out.write(", \"class\": ")
        out.write(layouts.classOf[index])
        out.write(", \"items\": ")
        Self.base64(container.items, &out)
        out.write(", \"look\": ")
        if let look = looks[index] {
            out.write("{\"label\": ")
            Self.text(look.label, &out)
            out.write(", \"prefix\": ")
            Self.text(look.labelPrefix, &out)
            out.write(", \"op\": ")
            Self.text(look.op, &out)
            out.write(", ")
            Self.foldText(lines: look.lines, notes: look.notes, isDead: look.isDead, &out)
            out.write(", \"kind\": ")
            Self.text(look.kind.rawValue, &out)
            out.write(", \"representative\": ")
            out.write(look.representative ?? -1)
            out.write("}")
        } else {
            out.write("null")
        }
        out.write("}")
    }

    private func writeClass(_ cls: PageLayouts.Class, _ out: inout TextWriter) {
        out.write("{\"edges\": ")
        Self.base64(cls.structure.edges.flatMap { [$0.from, $0.to] }, &out)
        out.write(", \"edgeLabels\": ")
        Self.texts(cls.structure.edges.enumerated().lazy.compactMap { k, edge in edge.label.map { (k, $0) } }, &out)
        out.write(", \"entry\": ")
        Self.base64(cls.structure.entry.map { UInt8($0 ? 1 : 0) }, &out)
        out.write(", \"exit\": ")
        Self.base64(cls.structure.exit.map { UInt8($0 ? 1 : 0) }, &out)
        out.write(", \"drawsOp\": ")
        Self.base64(cls.drawsOp.map { UInt8($0 ? 1 : 0) }, &out)
        var fieldStart: [Int32] = [0], fields: [Float] = []
        for item in cls.fields {
            fields += item.map(Float.init)
            fieldStart.append(Int32(fields.count))
        }
        out.write(", \"fieldStart\": ")
        Self.base64(fieldStart, &out)
        out.write(", \"fields\": ")
        Self.base64(fields, &out)
        out.write(", \"closed\": ")
        out.write(cls.closed ?? -1)
        out.write(", \"allOpen\": ")
        out.write(cls.allOpen ?? -1)
        out.write(", \"levelOpen\": ")
        out.write(cls.levelOpen ?? -1)
        out.write(", \"singles\": [")
        for (k, single) in cls.singles.enumerated() {
            out.write(k == 0 ? "[" : ", [")
            out.write(single.item)
            out.write(", ")
            out.write(single.layout)
            out.write("]")
        }
        out.write("]}")
    }

    private func writeLayout(_ layout: PageLayouts.Layout, _ out: inout TextWriter) {
        out.write("{\"width\": ")
        Self.number(layout.width, &out)
        out.write(", \"height\": ")
        Self.number(layout.height, &out)
        out.write(", \"boxes\": [")
        for (k, box) in layout.boxes.enumerated() {
            if k > 0 { out.write(", ") }
            out.write(box)
        }
        out.write("]")
        for (key, values) in [("records", layout.records), ("ops", layout.ops), ("entries", layout.entries), ("exits", layout.exits),
                              ("points", layout.points), ("labels", layout.labels)] {
            out.write(string: ", \"\(key)\": ")
            Self.base64(values, &out)
        }
        out.write(", \"edgeStart\": ")
        Self.base64(layout.edgeStart, &out)
        out.write("}")
    }

    /// Every example's numbers and varying labels, and the share of each parameter's grad
    /// that each example's use adds, on the edges into the plate that note it.
    private func writePlate(_ out: inout TextWriter) {
        guard let plate = diagram.plate else { return out.write("null") }
        let container = tree.containers.firstIndex { $0.kind == .plate } ?? -1
        out.write("{\"count\": ")
        out.write(plate.count)
        out.write(", \"shown\": ")
        out.write(plate.shown)
        out.write(", \"container\": ")
        out.write(container)
        out.write(", \"members\": ")
        Self.base64(plate.members, &out)
        out.write(", \"data\": ")
        Self.base64(plate.data, &out)
        out.write(", \"grad\": ")
        if plate.grads.isEmpty { out.write("null") } else { Self.base64(plate.grads, &out) }
        out.write(", \"labels\": {")
        for (k, member) in plate.labels.keys.sorted().enumerated() {
            out.write(k == 0 ? "\"" : ", \"")
            out.write(Int(member))
            out.write("\": [")
            Self.list(plate.labels[member]!, &out)
            out.write("]")
        }
        out.write("}")
        let (edges, amounts) = contributionsByExample(plate)
        out.write(", \"noteEdges\": ")
        Self.base64(edges, &out)
        out.write(", \"noteAmounts\": ")
        Self.base64(amounts, &out)
        out.write("}")
    }

    /// For each edge noted with a contribution into a plate's member, what the member's use
    /// adds to the operand's grad in every example: `amounts[example * edges.count + e]`, the
    /// local derivative as the engine's op computes it, times the member's grad there.
    private func contributionsByExample(_ plate: Plate) -> (edges: [Int32], amounts: [Double]) {
        guard !plate.grads.isEmpty else { return ([], []) }
        var column = [Int32](repeating: -1, count: nodes.count)
        for (m, member) in plate.members.enumerated() { column[Int(member)] = Int32(m) }
        var edges: [Int32] = [], targets: [(node: Int, slot: Int)] = []
        for edge in nodes.notes.keys.sorted() {
            guard case .contribution = nodes.notes[edge]! else { continue }
            // The node whose operand list holds this edge.
            var low = 0, high = nodes.count
            while high - low > 1 {
                let mid = (low + high) / 2
                if Int(nodes.operandStart[mid]) <= edge { low = mid } else { high = mid }
            }
            guard column[low] >= 0, diagram.operation(at: low).engineOp != nil else { continue }
            edges.append(Int32(edge))
            targets.append((low, edge - Int(nodes.operandStart[low])))
        }
        var amounts: [Double] = []
        amounts.reserveCapacity(edges.count * plate.count)
        let width = plate.members.count
        for example in 0..<plate.count {
            func data(_ node: Int) -> Double { column[node] >= 0 ? plate.data[example * width + Int(column[node])] : nodes.data[node] }
            for (node, slot) in targets {
                let (op, exponent) = diagram.operation(at: node).engineOp!
                let operands = nodes.operands(of: node)
                let a = data(Int(operands[operands.startIndex]))
                let b = op.isBinary ? data(Int(operands[operands.startIndex + 1])) : exponent
                let local = op.apply(a, b)
                amounts.append((slot == 0 ? local.da : local.db) * plate.grads[example * width + Int(column[node])])
            }
        }
        return (edges, amounts)
    }

    /// The focus's cuts: a stub each, saying how many nodes lie beyond.
    private func writeCuts(_ out: inout TextWriter) {
        out.write("[")
        for (k, cut) in (diagram.focus?.cuts ?? []).enumerated() {
            out.write(k == 0 ? "{\"node\": " : ", {\"node\": ")
            out.write(cut.node)
            out.write(", \"side\": ")
            Self.text(cut.side.rawValue, &out)
            out.write(", \"text\": ")
            Self.text("⋯ " + (cut.nodesBeyond.map { "\($0) more" } ?? "more"), &out)
            out.write(", \"tooltip\": ")
            let edges = cut.edges == 1 ? "1 edge" : "\(cut.edges) edges"
            Self.text("\(edges) cut; " + (cut.nodesBeyond.map { $0 == 1 ? "1 node beyond" : "\($0) nodes beyond" } ?? "too many to count beyond"), &out)
            out.write("}")
        }
        out.write("]")
    }

    // MARK: JSON pieces

    static func text(_ value: String?, _ out: inout TextWriter) {
        guard let value else { return out.write("null") }
        out.write("\"")
        out.write(value, escaping: .json)
        out.write("\"")
    }

    static func list(_ values: [String], _ out: inout TextWriter) {
        for (k, value) in values.enumerated() {
            if k > 0 { out.write(", ") }
            text(value, &out)
        }
    }

    /// A number as JSON has it, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    static func number(_ x: Double, _ out: inout TextWriter) {
        if x.isFinite { out.write(exact: x) } else { out.write(string: "\"\(spell(x))\"") }
    }

    /// The values' bytes, little-endian as every platform the page runs on stores them, in
    /// base64 inside a string.
    static func base64<T: FixedWidthInteger>(_ values: [T], _ out: inout TextWriter) {
        values.map { $0.littleEndian }.withUnsafeBytes { base64Bytes($0, &out) }
    }

    /// Texts by index, the few that there are: `{"3": "a", "7": "b"}`.
    static func texts(_ pairs: some Sequence<(offset: Int, element: String)>, _ out: inout TextWriter) {
        out.write("{")
        var first = true
        for (index, text) in pairs {
            out.write(first ? "\"" : ", \"")
            first = false
            out.write(index)
            out.write("\": ")
            Self.text(text, &out)
        }
        out.write("}")
    }

    /// What a folded node or a closed container draws besides its label and op: `"lines"`
    /// (null when it draws its data and grad), `"notes"` and `"dead"`.
    static func foldText(lines: [String]?, notes: [String], isDead: Bool, _ out: inout TextWriter) {
        out.write("\"lines\": ")
        if let lines {
            out.write("[")
            list(lines, &out)
            out.write("]")
        } else {
            out.write("null")
        }
        out.write(", \"notes\": [")
        list(notes, &out)
        out.write(isDead ? "], \"dead\": true" : "], \"dead\": false")
    }

    /// A NaN goes in as the one quiet NaN: its sign and payload differ by where it was made
    /// (a spec's -NaN is a dump's NaN read back), and the page's bytes may not.
    static func base64(_ values: [Double], _ out: inout TextWriter) {
        values.map { ($0.isNaN ? Double.nan : $0).bitPattern.littleEndian }.withUnsafeBytes { base64Bytes($0, &out) }
    }

    static func base64(_ values: [Float], _ out: inout TextWriter) {
        values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { base64Bytes($0, &out) }
    }

    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    private static func base64Bytes(_ bytes: UnsafeRawBufferPointer, _ out: inout TextWriter) {
        let table = alphabet.utf8Start
        out.write("\"")
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(table[Int(chunk >> UInt32(shift)) & 63]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let chunk = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            out.append(table[Int(chunk >> 18) & 63])
            out.append(table[Int(chunk >> 12) & 63])
            out.append(rest == 2 ? table[Int(chunk >> 6) & 63] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        out.write("\"")
    }
}
