import MgvizExport
import MgvizRender

/// The page's layouts, made by Graphviz when the page is written: each container's inside is
/// laid out once, its containers closed, and containers of the same structure (a batch's
/// calls, a layer's neurons) share one layout, each filling in its own values. An edge into a
/// container from outside it enters at a port on its inside's edge (a point before the item it
/// feeds), and one out of it leaves at a port after the item it comes from, so that the page
/// can join an opened container's inside to the edges outside it.
///
/// Beside that closed layout, as far as `variantBudget` goes, a container's structure is also
/// laid out with one of its containers open (a box the size of that one's closed inside), and
/// with all of them open: the page takes the one that matches what is open, and otherwise
/// stretches the closed layout around each open box.
struct PageLayouts {
    /// One container's items as its layouts draw them.
    struct Structure {
        /// Edges between items, by item index: one per operand use between nodes (`a * a`
        /// has two), one per pair where a container is either end.
        var edges: [(from: Int32, to: Int32, label: String?)] = []
        /// Items fed from outside the container, and items used outside it.
        var entry: [Bool] = []
        var exit: [Bool] = []
    }

    /// Containers of one structure, which share their layouts.
    struct Class {
        var instances: [Int]
        var structure: Structure
        /// Per item: whether it is drawn with an op ellipse, its record's fields along the
        /// record's axis, and its record's and op's sizes: the largest over the instances and
        /// the examples.
        var drawsOp: [Bool]
        var fields: [[Double]]
        var records: [(width: Double, height: Double)]
        var ops: [(width: Double, height: Double)]
        /// The layout with every container inside closed; nil when it is too big to lay out
        /// (the container cannot be opened).
        var closed: Int?
        /// Layouts with one container item open: (item, layout).
        var singles: [(item: Int, layout: Int)] = []
        /// The layout with every container item open, each as it is with all open inside.
        var allOpen: Int?
        /// The layout with every container item open, each with its own containers closed.
        var levelOpen: Int?
    }

    /// Where Graphviz put one layout's parts, in points from its top left corner.
    struct Layout {
        var width = 0.0, height = 0.0
        /// Items drawn as open boxes.
        var boxes: [Int] = []
        /// Per item: the centre and size of its record (or box), and of its op's ellipse
        /// (NaN without one), and where its entry and exit ports are (NaN without).
        var records: [Float] = []
        var ops: [Float] = []
        var entries: [Float] = []
        var exits: [Float] = []
        /// The edges' splines, in this order: the structure's edges, each drawn op's edge into
        /// its record, each entry port's edge, each exit port's edge.
        var edgeStart: [Int32] = [0]
        var points: [Float] = []
        /// Per structure edge: where its label is (NaN without one).
        var labels: [Float] = []
    }

    var classOf: [Int]
    var classes: [Class]
    var layouts: [Layout]
    /// How many records, ellipses and ports all the layouts laid out, and how many the
    /// optional ones (`singles`, `allOpen`) did, for the benchmarks.
    var laidOut = 0

    /// At most this many Graphviz nodes are laid out for the optional layouts. Measured here:
    /// about 25 µs a node (the demo's plate, 88 layouts of 5,100 nodes: 0.13 s).
    static let variantBudget = 30_000

    struct Options {
        var rankDirection: RankDirection
        var precision: Int
        var maximumNodes: Int
        /// False to leave every layout out: the fuzzer's pages run no Graphviz.
        var laysOut = true
    }

    /// Lays out every class's closed inside, then what the budget allows of the rest. Throws
    /// when the whole graph's level is too big to lay out: it has no other way to be drawn.
    init(
        diagram: Diagram, tree: PageTree, nodes: PageNodes, looks: [ClosedLook?], options: Options
    ) throws(DrawError) {
        let structures = tree.containers.indices.map { Self.structure(of: $0, tree: tree, nodes: nodes) }
        // Classes, deepest first so that a container's class is known before its parent's signature.
        var classOf = [Int](repeating: -1, count: tree.containers.count)
        var classes: [Class] = []
        var bySignature: [String: Int] = [:]
        for index in tree.containers.indices.reversed() {
            let signature = Self.signature(of: index, structures[index], tree: tree, nodes: nodes, looks: looks, classOf: classOf)
            if let known = bySignature[signature] {
                classOf[index] = known
                classes[known].instances.append(index)
            } else {
                bySignature[signature] = classes.count
                classOf[index] = classes.count
                classes.append(Class(instances: [index], structure: structures[index], drawsOp: [], fields: [], records: [], ops: []))
            }
        }
        let sizing = Sizing(diagram: diagram, nodes: nodes, looks: looks, options: options)
        for index in classes.indices {
            classes[index].instances.sort()
            sizing.size(&classes[index], tree: tree)
        }
        self.classOf = classOf
        self.classes = classes
        layouts = []
        guard options.laysOut else { return }
        try layOutClosed(tree: tree, diagram: diagram, options: options)
        layOutVariants(tree: tree, options: options)
    }

    // MARK: structure

    /// A container's item edges and ports.
    static func structure(of container: Int, tree: PageTree, nodes: PageNodes) -> Structure {
        let items = tree.containers[container].items
        var index: [Int32: Int32] = [:]
        for (k, item) in items.enumerated() { index[item] = Int32(k) }
        var structure = Structure(edges: [], entry: Array(repeating: false, count: items.count), exit: Array(repeating: false, count: items.count))
        func itemIndex(_ node: Int) -> Int32? { tree.item(of: node, in: container).flatMap { index[$0] } }
        for (k, item) in items.enumerated() {
            let target = Int32(k)
            if item >= 0 {
                let node = Int(item)
                // A binary power's edges say which operand is the base.
                let isPower = nodes.ops[node] == "**"
                var fedBy = Set<Int32>()
                for (slot, operand) in nodes.operands(of: node).enumerated() {
                    guard let source = itemIndex(Int(operand)) else {
                        structure.entry[k] = true
                        continue
                    }
                    // Several nodes of one container feed it once.
                    if items[Int(source)] < 0 && !fedBy.insert(source).inserted { continue }
                    structure.edges.append((source, target, isPower ? (slot == 0 ? "base" : "exponent") : nil))
                }
                if nodes.results(of: node).contains(where: { itemIndex(Int($0)) == nil }) { structure.exit[k] = true }
            } else {
                var fedBy = Set<Int32>()
                for node in nodesUnder(PageTree.container(item)!, tree: tree) {
                    for operand in nodes.operands(of: node) {
                        guard let source = itemIndex(Int(operand)) else {
                            structure.entry[k] = true
                            continue
                        }
                        if source != target && fedBy.insert(source).inserted { structure.edges.append((source, target, nil)) }
                    }
                    if nodes.results(of: node).contains(where: { itemIndex(Int($0)) == nil }) { structure.exit[k] = true }
                }
            }
        }
        return structure
    }

    /// The nodes in a container and the containers inside it, ascending.
    static func nodesUnder(_ container: Int, tree: PageTree) -> [Int] {
        var found: [Int] = []
        var stack = [container]
        while let next = stack.popLast() {
            for item in tree.containers[next].items {
                if item >= 0 { found.append(Int(item)) } else { stack.append(Int(~item)) }
            }
        }
        return found.sorted()
    }

    /// What makes two containers' layouts one: their items (a node's op, kind and which of
    /// its fields it has; a container's class and look), their edges and their ports.
    private static func signature(
        of container: Int, _ structure: Structure, tree: PageTree, nodes: PageNodes, looks: [ClosedLook?], classOf: [Int]
    ) -> String {
        var text = tree.containers[container].kind.rawValue + "|"
        for item in tree.containers[container].items {
            if item >= 0 {
                let node = Int(item), fold = nodes.folds[node]
                text += "n\(nodes.ops[node])\u{1}\(nodes.kinds[node].rawValue)\(nodes.labels[node].isEmpty ? 0 : 1)"
                text += "\(fold?.lines?.count ?? -1),\(fold?.notes.count ?? 0),\(nodes.problems[node]?.count ?? 0);"
            } else {
                let child = Int(~item), look = looks[child]!
                text += "c\(classOf[child]),\(look.op)\u{1}\(look.lines?.count ?? -1),\(look.notes.count);"
            }
        }
        text += "|"
        for edge in structure.edges { text += "\(edge.from)>\(edge.to)\(edge.label ?? ""),"}
        for (k, entry) in structure.entry.enumerated() where entry { text += "p\(k)" }
        for (k, exit) in structure.exit.enumerated() where exit { text += "q\(k)" }
        return text
    }

    // MARK: layouts

    /// The closed layout of every class. The root's level must lay out: a graph without
    /// groups that is too big for one layout is refused, as every layout format refuses it.
    private mutating func layOutClosed(tree: PageTree, diagram: Diagram, options: Options) throws(DrawError) {
        let rootClass = classOf[0]
        for index in classes.indices {
            let items = classes[index].records.count
            let cost = layoutCost(of: index, diagram: diagram, tree: tree)
            if items > options.maximumNodes || cost.isTooCostly {
                guard index != rootClass else {
                    if items > options.maximumNodes { throw .tooManyNodes(count: items, maximum: options.maximumNodes, format: .html) }
                    throw .tooCostlyToLayOut(cost, canCollapse: false)
                }
                continue
            }
            classes[index].closed = try layOut(index, boxes: [:], tuned: cost.isWorthTuning, options: options)
        }
    }

    /// The optional layouts, shallow containers first, within `variantBudget`: with all
    /// containers open (where everything inside stays within `maximumNodes`), then with one.
    private mutating func layOutVariants(tree: PageTree, options: Options) {
        let depth = classes.map { tree.containers[$0.instances[0]].depth }
        var spent = 0
        // With all open, from the inside out: a box's size is its class's all-open size.
        var allOpenSize = [(width: Double, height: Double)?](repeating: nil, count: classes.count)
        for index in classes.indices.sorted(by: { depth[$0] > depth[$1] || (depth[$0] == depth[$1] && $0 < $1) }) {
            let items = tree.containers[classes[index].instances[0]].items
            guard let closed = classes[index].closed else { continue }
            var boxes: [Int: (width: Double, height: Double)] = [:]
            var complete = true
            for (k, item) in items.enumerated() where item < 0 {
                guard let size = allOpenSize[classOf[Int(~item)]] else {
                    complete = false
                    break
                }
                boxes[k] = Self.boxSize(inside: size)
            }
            guard complete else { continue }
            if boxes.isEmpty {
                allOpenSize[index] = (layouts[closed].width, layouts[closed].height)
                continue
            }
            guard tree.containers[classes[index].instances[0]].nodeCount <= options.maximumNodes,
                  spent + dotNodes(of: index, boxes: boxes.count) <= Self.variantBudget,
                  let layout = try? layOut(index, boxes: boxes, tuned: false, options: options)
            else { continue }
            spent += dotNodes(of: index, boxes: boxes.count)
            classes[index].allOpen = layout
            allOpenSize[index] = (layouts[layout].width, layouts[layout].height)
        }
        // With one level open, then with one container open, shallow first.
        let shallowFirst = classes.indices.sorted(by: { depth[$0] < depth[$1] || (depth[$0] == depth[$1] && $0 < $1) })
        for index in shallowFirst {
            guard classes[index].closed != nil else { continue }
            let items = tree.containers[classes[index].instances[0]].items
            var boxes: [Int: (width: Double, height: Double)] = [:]
            for (k, item) in items.enumerated() where item < 0 {
                guard let inside = classes[classOf[Int(~item)]].closed else { continue }
                boxes[k] = Self.boxSize(inside: (layouts[inside].width, layouts[inside].height))
            }
            // With one container, that is the layout with it open.
            guard boxes.count > 1, spent + dotNodes(of: index, boxes: boxes.count) <= Self.variantBudget,
                  let layout = try? layOut(index, boxes: boxes, tuned: false, options: options)
            else { continue }
            spent += dotNodes(of: index, boxes: boxes.count)
            classes[index].levelOpen = layout
        }
        for index in shallowFirst {
            guard classes[index].closed != nil else { continue }
            let items = tree.containers[classes[index].instances[0]].items
            for (k, item) in items.enumerated() where item < 0 {
                guard let inside = classes[classOf[Int(~item)]].closed else { continue }
                let cost = dotNodes(of: index, boxes: 1)
                guard spent + cost <= Self.variantBudget else { break }
                let box = Self.boxSize(inside: (layouts[inside].width, layouts[inside].height))
                guard let layout = try? layOut(index, boxes: [k: box], tuned: false, options: options) else { continue }
                spent += cost
                classes[index].singles.append((k, layout))
            }
        }
    }

    /// An open container's box around its inside.
    static func boxSize(inside: (width: Double, height: Double)) -> (width: Double, height: Double) {
        (inside.width + 2 * PageGeometry.boxMargin, inside.height + PageGeometry.boxMargin + PageGeometry.boxLabelBand)
    }

    /// The Graphviz nodes of a class's layout: a record per item (or a box), an ellipse per op
    /// drawn, a point per port.
    private func dotNodes(of index: Int, boxes: Int) -> Int {
        let structure = classes[index].structure
        return classes[index].records.count + classes[index].drawsOp.count { $0 } - boxes
            + structure.entry.count { $0 } + structure.exit.count { $0 }
    }

    /// What dot's layout of a class will cost, as `LayoutCost` estimates a diagram's: the
    /// items as nodes, each edge from an earlier item to a later one as an operand use. A
    /// level of nodes alone is the diagram's own graph, estimated as every layout format does.
    private func layoutCost(of index: Int, diagram: Diagram, tree: PageTree) -> LayoutCost {
        let items = tree.containers[classes[index].instances[0]].items
        if items.count == diagram.nodes.count && items.allSatisfy({ $0 >= 0 }) { return diagram.layoutCost }
        var operands = [[Int32]](repeating: [], count: items.count)
        for edge in classes[index].structure.edges where edge.from < edge.to { operands[Int(edge.to)].append(edge.from) }
        var graph = Diagram(title: nil, showsGrads: false, capacity: items.count)
        for k in items.indices {
            let operation: Diagram.Operation = classes[index].drawsOp[k] ? .sum : .leaf
            graph.append(operation, kind: .op, label: nil, data: 0, grad: 0, operands: operands[k])
        }
        return graph.layoutCost
    }

    /// Lays out class `index` with the given items as open boxes of the given sizes, and
    /// keeps the layout; returns its index.
    private mutating func layOut(
        _ index: Int, boxes: [Int: (width: Double, height: Double)], tuned: Bool, options: Options
    ) throws(DrawError) -> Int {
        let dot = self.dot(of: index, boxes: boxes, tuned: tuned, rankDirection: options.rankDirection)
        let positions: GraphvizLayout
        do { positions = try Renderer().positions(dot) } catch { throw .render(error) }
        laidOut += dotNodes(of: index, boxes: boxes.count)
        layouts.append(layout(of: index, boxes: boxes, from: positions))
        return layouts.count - 1
    }

    /// Inches, as DOT takes sizes.
    private static func inches(_ points: Double) -> String { cFormat("%.4f", points / 72) }

    /// The DOT of a class's layout: records, ellipses and boxes of fixed sizes with no text
    /// (the page draws the text), ports as points on the first and last ranks.
    func dot(of index: Int, boxes: [Int: (width: Double, height: Double)], tuned: Bool, rankDirection: RankDirection) -> String {
        let cls = classes[index]
        var out = "digraph layout {\n  graph [rankdir=\(rankDirection.rawValue), fontname=\"Helvetica\""
        out += "];\n"
        if tuned { out += "  graph [\(LayoutCost.tunedAttributes)];\n" }
        out += "  node [shape=box, fixedsize=true, label=\"\"];\n  edge [arrowsize=0.7, fontname=\"Helvetica\", fontsize=9];\n"
        // Ports first: dot orders the first rank as it meets its nodes, and the items that
        // the entry ports feed follow their order. dot lays out top to bottom and turns the
        // drawing for LR, which puts the first port at the bottom: in LR they are declared
        // last to first, so that a layer's neurons read N1, N2, … downwards in LR, and
        // across in TB, as the items are declared.
        var entries: [String] = [], exits: [String] = []
        for k in rankDirection == .leftToRight ? Array(cls.records.indices.reversed()) : Array(cls.records.indices) where cls.structure.entry[k] {
            out += "  p\(k) [shape=point, width=0.01, height=0.01];\n"
            entries.append("p\(k)")
        }
        for k in cls.records.indices {
            if let box = boxes[k] {
                out += "  b\(k) [width=\(Self.inches(box.width)), height=\(Self.inches(box.height))];\n"
                continue
            }
            out += "  r\(k) [width=\(Self.inches(cls.records[k].width)), height=\(Self.inches(cls.records[k].height))];\n"
            if cls.drawsOp[k] {
                out += "  o\(k) [shape=ellipse, width=\(Self.inches(cls.ops[k].width)), height=\(Self.inches(cls.ops[k].height))];\n"
            }
        }
        func tail(_ k: Int) -> String { boxes[k] != nil ? "b\(k)" : "r\(k)" }
        func head(_ k: Int) -> String { boxes[k] != nil ? "b\(k)" : cls.drawsOp[k] ? "o\(k)" : "r\(k)" }
        for edge in cls.structure.edges {
            var attributes: [String] = []
            if let label = edge.label { attributes.append("label=\"\(label)\"") }
            if boxes[Int(edge.to)] != nil { attributes.append("arrowhead=none") }
            out += "  \(tail(Int(edge.from))) -> \(head(Int(edge.to)))" + (attributes.isEmpty ? "" : " [" + attributes.joined(separator: ", ") + "]") + ";\n"
        }
        for k in cls.records.indices where cls.drawsOp[k] && boxes[k] == nil { out += "  o\(k) -> r\(k);\n" }
        for k in cls.records.indices where cls.structure.entry[k] {
            // An edge into a record or an ellipse ends in an arrow, as every edge into a node
            // does; into a box it goes on inside.
            out += "  p\(k) -> \(head(k))\(boxes[k] != nil ? " [arrowhead=none]" : "");\n"
        }
        for k in cls.records.indices where cls.structure.exit[k] {
            out += "  q\(k) [shape=point, width=0.01, height=0.01];\n  \(tail(k)) -> q\(k) [arrowhead=none];\n"
            exits.append("q\(k)")
        }
        if !entries.isEmpty { out += "  {rank=source; \(entries.joined(separator: "; "))}\n" }
        if !exits.isEmpty { out += "  {rank=sink; \(exits.joined(separator: "; "))}\n" }
        out += "}\n"
        return out
    }

    /// Graphviz's positions, as the page reads them.
    private func layout(of index: Int, boxes: [Int: (width: Double, height: Double)], from positions: GraphvizLayout) -> Layout {
        let cls = classes[index]
        let count = cls.records.count
        var layout = Layout(width: positions.width, height: positions.height)
        layout.boxes = boxes.keys.sorted()
        var place: [String: GraphvizLayout.Node] = [:]
        for node in positions.nodes { place[node.name] = node }
        let none = Float.nan
        func centre(_ name: String) -> [Float] {
            guard let node = place[name] else { return [none, none, none, none] }
            return [Float(node.x), Float(node.y), Float(node.width), Float(node.height)]
        }
        for k in 0..<count {
            layout.records += centre(boxes[k] != nil ? "b\(k)" : "r\(k)")
            layout.ops += cls.drawsOp[k] && boxes[k] == nil ? centre("o\(k)") : [none, none, none, none]
            layout.entries += cls.structure.entry[k] ? Array(centre("p\(k)").prefix(2)) : [none, none]
            layout.exits += cls.structure.exit[k] ? Array(centre("q\(k)").prefix(2)) : [none, none]
        }
        // Graphviz lists edges by tail; each is found by its ends, and parallel ones in order.
        var splines: [String: [GraphvizLayout.Edge]] = [:]
        for edge in positions.edges.reversed() { splines[edge.tail + ">" + edge.head, default: []].append(edge) }
        func take(_ tail: String, _ head: String) -> GraphvizLayout.Edge? { splines[tail + ">" + head]?.popLast() }
        func add(_ edge: GraphvizLayout.Edge?) {
            for point in edge?.points ?? [] { layout.points += [Float(point.x), Float(point.y)] }
            layout.edgeStart.append(Int32(layout.points.count / 2))
        }
        func tail(_ k: Int) -> String { boxes[k] != nil ? "b\(k)" : "r\(k)" }
        func head(_ k: Int) -> String { boxes[k] != nil ? "b\(k)" : cls.drawsOp[k] ? "o\(k)" : "r\(k)" }
        for edge in cls.structure.edges {
            let spline = take(tail(Int(edge.from)), head(Int(edge.to)))
            add(spline)
            layout.labels += spline?.label.map { [Float($0.x), Float($0.y)] } ?? [none, none]
        }
        for k in 0..<count where cls.drawsOp[k] && boxes[k] == nil { add(take("o\(k)", "r\(k)")) }
        for k in 0..<count where cls.structure.entry[k] { add(take("p\(k)", head(k))) }
        for k in 0..<count where cls.structure.exit[k] { add(take(tail(k), "q\(k)")) }
        return layout
    }
}

/// The texts each item draws, and so its size: a node's fields, or a closed container's, in
/// every example of a plate.
struct Sizing {
    let nodes: PageNodes
    let looks: [ClosedLook?]
    let options: PageLayouts.Options
    let plate: Plate?
    /// Each node's column in the plate's tables, or -1.
    let plateColumn: [Int32]

    init(diagram: Diagram, nodes: PageNodes, looks: [ClosedLook?], options: PageLayouts.Options) {
        self.nodes = nodes
        self.looks = looks
        self.options = options
        plate = diagram.plate
        var column = [Int32](repeating: -1, count: nodes.count)
        for (m, member) in (diagram.plate?.members ?? []).enumerated() { column[Int(member)] = Int32(m) }
        plateColumn = column
    }

    /// Fills in a class's item sizes: the largest over its instances and, for a plate's
    /// members, over the examples.
    func size(_ cls: inout PageLayouts.Class, tree: PageTree) {
        let first = tree.containers[cls.instances[0]].items
        var widest = [[Double]](repeating: [], count: first.count)
        cls.drawsOp = first.map { item in item >= 0 ? nodes.drawsOp(Int(item)) : !looks[Int(~item)]!.op.isEmpty }
        cls.ops = first.map { item in
            let op = item >= 0 ? nodes.ops[Int(item)] : looks[Int(~item)]!.op
            return op.isEmpty ? (0, 0) : PageGeometry.op(op)
        }
        for instance in cls.instances {
            for (k, item) in tree.containers[instance].items.enumerated() {
                let widths = textWidths(of: item)
                if widest[k].count < widths.count { widest[k] += Array(repeating: 0, count: widths.count - widest[k].count) }
                for (f, width) in widths.enumerated() { widest[k][f] = max(widest[k][f], width) }
            }
        }
        cls.fields = []
        cls.records = []
        for widths in widest {
            let record = PageGeometry.record(textWidths: widths, rankDirection: options.rankDirection)
            cls.fields.append(record.fields)
            cls.records.append((record.width, record.height))
        }
    }

    /// The widths of an item's fields, the widest over the plate's examples.
    private func textWidths(of item: Int32) -> [Double] {
        let examples = plate?.count ?? 1
        var widest: [Double] = []
        for example in 0..<examples {
            let texts = item >= 0 ? fields(ofNode: Int(item), example: example) : fields(ofContainer: Int(~item), example: example)
            guard let texts else { break }
            if widest.isEmpty { widest = Array(repeating: 0, count: texts.count) }
            for (f, text) in texts.enumerated() { widest[f] = max(widest[f], PageGeometry.width(text, size: PageGeometry.recordFontSize)) }
        }
        return widest
    }

    /// A node's numbers and label in one example of the plate; nil for the examples after
    /// the first when the node is not in the plate.
    private func values(of node: Int, example: Int) -> (label: String, data: Double, grad: Double?)? {
        let column = Int(plateColumn[node])
        let grad = nodes.showsGrads ? nodes.grads[node] : nil
        guard column >= 0, let plate else { return example == 0 ? (nodes.labels[node], nodes.data[node], grad) : nil }
        let at = example * plate.members.count + column
        return (plate.labels[Int32(column)]?[example] ?? nodes.labels[node], plate.data[at], plate.grads.isEmpty ? nil : plate.grads[at])
    }

    private func number(_ x: Double) -> String { displayText(x, decimals: options.precision) }

    /// A node's fields, in the order the page draws them: its label, if it has one; its data
    /// and grad, or a folded group's lines; a folded group's notes; what checks found wrong.
    func fields(ofNode node: Int, example: Int) -> [String]? {
        guard let (label, data, grad) = values(of: node, example: example) else { return nil }
        var texts: [String] = label.isEmpty ? [] : [label]
        let fold = nodes.folds[node]
        if let lines = fold?.lines {
            texts += lines
        } else {
            texts.append("data " + number(data))
            if let grad { texts.append("grad " + number(grad)) }
        }
        texts += fold?.notes ?? []
        for problem in nodes.problems[node] ?? [] { texts.append(problem.kind.label + " " + number(problem.value)) }
        return texts
    }

    /// A closed container's fields: its label, its representative's data and grad or its
    /// lines, its notes.
    func fields(ofContainer container: Int, example: Int) -> [String]? {
        let look = looks[container]!
        guard let representative = look.representative else { return example == 0 ? [look.label] + (look.lines ?? []) + look.notes : nil }
        guard let (label, data, grad) = values(of: representative, example: example) else { return nil }
        var texts = [look.labelPrefix.map { $0 + label } ?? look.label]
        texts.append("data " + number(data))
        if let grad { texts.append("grad " + number(grad)) }
        return texts + look.notes
    }
}
