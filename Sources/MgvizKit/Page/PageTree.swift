import MgvizExport

/// A diagram's nodes as the page reads them: one column per field, made in one pass, and the
/// results that use each node.
struct PageNodes {
    let count: Int
    var labels: [String]
    var ops: [String]
    var kinds: [NodeKind]
    var data: [Double]
    /// Empty when the diagram shows no grads.
    var grads: [Double]
    /// Node i's operands are `operands[operandStart[i]..<operandStart[i + 1]]`, one per use.
    var operandStart: [Int32]
    var operands: [Int32]
    /// Each node's innermost group in the diagram, or -1.
    var groups: [Int32]
    /// The number in each node's name: `n` and this number.
    var names: [Int]
    /// Whether each node stands for a group folded into one (`--collapse`).
    var isFolded: [Bool]
    var folds: [Int: Diagram.FoldText]
    var problems: [Int: [Diagram.Problem]]
    /// Notes on edges, by the edge's index in `operands`.
    var notes: [Int: Diagram.EdgeNote]
    /// Node i's results are `results[resultStart[i]..<resultStart[i + 1]]`, one per use, ascending.
    var resultStart: [Int32]
    var results: [Int32]

    init(_ diagram: Diagram) {
        count = diagram.nodes.count
        labels = []
        ops = []
        kinds = []
        data = []
        grads = []
        operandStart = [0]
        operands = []
        groups = []
        names = []
        isFolded = []
        folds = [:]
        problems = [:]
        notes = [:]
        // Every node's name as the records draw it (issue 26): its label, or `= log(p3)`.
        let valueNames = diagram.valueNames
        for node in diagram.nodes {
            let position = labels.count
            labels.append(DOTExporter.drawnName(at: position, valueNames))
            ops.append(node.op)
            kinds.append(node.kind)
            data.append(node.data)
            if let grad = node.grad { grads.append(grad) }
            for (slot, operand) in node.operands.enumerated() {
                if let note = node.edgeNotes[slot] { notes[operands.count] = note }
                operands.append(Int32(operand))
            }
            operandStart.append(Int32(operands.count))
            groups.append(Int32(diagram.groupIndex(at: position) ?? -1))
            names.append(diagram.nameNumber(at: position))
            if case .folded = diagram.operation(at: position) { isFolded.append(true) } else { isFolded.append(false) }
            // A fold with nothing to say (a dump read back gives the plate's sums one) is none:
            // the page of a dump is the page of its spec, byte for byte.
            if let fold = node.fold, fold != Diagram.FoldText(lines: nil, notes: [], isDead: false) { folds[position] = fold }
            if !node.problems.isEmpty { problems[position] = node.problems }
        }
        var start = [Int32](repeating: 0, count: count + 1)
        for operand in operands { start[Int(operand) + 1] += 1 }
        for index in 0..<count { start[index + 1] += start[index] }
        var filled = start
        var users = [Int32](repeating: 0, count: operands.count)
        for index in 0..<count {
            for k in Int(operandStart[index])..<Int(operandStart[index + 1]) {
                let operand = Int(operands[k])
                users[Int(filled[operand])] = Int32(index)
                filled[operand] += 1
            }
        }
        results = users
        resultStart = start
    }

    var showsGrads: Bool { grads.count == count && count > 0 }

    func operandRange(of node: Int) -> Range<Int> { Int(operandStart[node])..<Int(operandStart[node + 1]) }

    func operands(of node: Int) -> ArraySlice<Int32> { operands[operandRange(of: node)] }

    func results(of node: Int) -> ArraySlice<Int32> { results[Int(resultStart[node])..<Int(resultStart[node + 1])] }

    /// Whether the node is drawn with an ellipse for its op (a folded group of values is not).
    func drawsOp(_ node: Int) -> Bool { !ops[node].isEmpty }
}

/// The page's tree: the whole graph, and inside it the containers the page opens and closes:
/// a batch's plate (one example's computation) and its model's parameters, and the diagram's
/// groups (calls, layers, neurons, named groups). Every node is in one container; a closed
/// container is drawn as one node, as a folded group is.
struct PageTree {
    enum Kind: String {
        case graph, plate, parameters, call, layer, neuron, named
    }

    struct Container {
        var kind: Kind
        var name: String
        /// The container it is in; -1 for the root.
        var parent: Int
        /// What it holds, in the order of their first nodes: nodes (≥ 0) and containers (`~index`).
        var items: [Int32] = []
        /// The diagram's group it is, if it is one.
        var group: Int?
        /// How many containers it is inside.
        var depth = 0
        /// How many nodes it holds, in it and in the containers inside it.
        var nodeCount = 0
    }

    var containers: [Container]
    /// Each node's container.
    var containerOf: [Int32]

    /// The containers of `diagram`: a plate's members in the plate, a batch's parameters (the
    /// model's own layers, outside its calls) under one `parameters` container. Containers that
    /// hold no node are dropped, and so is one that is a single folded node (a neuron
    /// collapsed by `--collapse`), which stands for it already.
    init(_ diagram: Diagram, nodes: PageNodes) {
        let groups = diagram.groups
        var containers = [Container(kind: .graph, name: diagram.title ?? "graph", parent: -1)]
        var plateContainer = -1, parametersContainer = -1
        var inPlate = [Bool](repeating: false, count: groups.count)
        var isPlateMember = [Bool](repeating: false, count: nodes.count)
        if let plate = diagram.plate {
            plateContainer = containers.count
            containers.append(Container(kind: .plate, name: plate.caption, parent: 0))
            for member in plate.members {
                isPlateMember[Int(member)] = true
                var group = Int(nodes.groups[Int(member)])
                while group >= 0, !inPlate[group] {
                    inPlate[group] = true
                    group = groups[group].parent ?? -1
                }
            }
        }
        let isBatch = groups.contains { $0.kind == .call }
        if isBatch, groups.indices.contains(where: { groups[$0].kind == .layer && groups[$0].parent == nil && !inPlate[$0] }) {
            parametersContainer = containers.count
            containers.append(Container(kind: .parameters, name: "parameters", parent: 0))
        }
        let firstGroup = containers.count
        for (index, group) in groups.enumerated() {
            let parent: Int
            if let up = group.parent {
                parent = firstGroup + up
            } else if inPlate[index] {
                parent = plateContainer
            } else if parametersContainer >= 0 && group.kind == .layer {
                parent = parametersContainer
            } else {
                parent = 0
            }
            let kind: Kind = switch group.kind {
            case .call: .call
            case .layer: .layer
            case .neuron: .neuron
            case .named: .named
            }
            // A batch's own layers hold its parameters, which its calls share.
            let name = parametersContainer >= 0 && !inPlate[index] && (group.kind == .layer || group.kind == .neuron)
                ? group.name + " parameters" : group.name
            containers.append(Container(kind: kind, name: name, parent: parent, group: index))
        }
        var containerOf = [Int32](repeating: 0, count: nodes.count)
        for node in 0..<nodes.count {
            let group = Int(nodes.groups[node])
            containerOf[node] = Int32(group >= 0 ? firstGroup + group : isPlateMember[node] ? plateContainer : 0)
        }
        self.containers = containers
        self.containerOf = containerOf
        prune(nodes)
    }

    /// Drops the containers that hold no node, and those that are one folded node or a neuron
    /// of one node (drawn as that node, as the DOT exporter draws them), then lists each
    /// container's items and counts.
    private mutating func prune(_ nodes: PageNodes) {
        var own = [[Int]](repeating: [], count: containers.count)
        for node in 0..<nodes.count { own[Int(containerOf[node])].append(node) }
        var children = [Int](repeating: 0, count: containers.count)
        var total = own.map(\.count)
        for index in containers.indices.reversed() where index > 0 && total[index] > 0 {
            total[containers[index].parent] += total[index]
            children[containers[index].parent] += 1
        }
        // A container drops into its parent: its nodes and containers move up.
        var target = Array(containers.indices)
        for index in containers.indices where index > 0 {
            let single = children[index] == 0 && own[index].count == 1
                && (containers[index].kind == .neuron || nodes.isFolded[own[index][0]])
            if total[index] == 0 || single { target[index] = -1 }
        }
        // Where each old container's contents go: itself, or its nearest kept ancestor.
        var home = [Int](repeating: 0, count: containers.count)
        for index in containers.indices {
            home[index] = target[index] >= 0 ? index : home[containers[index].parent]
        }
        var newIndex = [Int](repeating: -1, count: containers.count)
        var kept: [Container] = []
        for index in containers.indices where target[index] >= 0 {
            newIndex[index] = kept.count
            var container = containers[index]
            if index > 0 { container.parent = newIndex[home[container.parent]] }
            kept.append(container)
        }
        for node in 0..<nodes.count { containerOf[node] = Int32(newIndex[home[Int(containerOf[node])]]) }
        containers = kept
        // Items, in the order of their first node; depths and counts.
        var first = [Int](repeating: Int.max, count: containers.count)
        var counts = [Int](repeating: 0, count: containers.count)
        for node in 0..<nodes.count {
            let container = Int(containerOf[node])
            first[container] = min(first[container], node)
            counts[container] += 1
        }
        for index in containers.indices.reversed() where index > 0 {
            let parent = containers[index].parent
            first[parent] = min(first[parent], first[index])
            counts[parent] += counts[index]
        }
        var items = [[(anchor: Int, item: Int32)]](repeating: [], count: containers.count)
        for node in 0..<nodes.count { items[Int(containerOf[node])].append((node, Int32(node))) }
        for index in containers.indices where index > 0 {
            items[containers[index].parent].append((first[index], ~Int32(index)))
            containers[index].depth = containers[containers[index].parent].depth + 1
        }
        for index in containers.indices {
            containers[index].items = items[index].sorted { $0.anchor < $1.anchor || ($0.anchor == $1.anchor && $0.item < $1.item) }.map(\.item)
            containers[index].nodeCount = counts[index]
        }
    }

    /// The container an item is: nil for a node.
    static func container(_ item: Int32) -> Int? { item < 0 ? Int(~item) : nil }

    /// Whether `container` is `ancestor` or inside it.
    func isInside(_ container: Int, _ ancestor: Int) -> Bool {
        var index = container
        while index >= 0 {
            if index == ancestor { return true }
            index = containers[index].parent
        }
        return false
    }

    /// The item of `container` that holds `node`: the node, or the container inside it that
    /// holds it; nil when the node is not in `container`.
    func item(of node: Int, in container: Int) -> Int32? {
        var index = Int(containerOf[node])
        if index == container { return Int32(node) }
        while index >= 0 {
            let parent = containers[index].parent
            if parent == container { return ~Int32(index) }
            index = parent
        }
        return nil
    }
}
