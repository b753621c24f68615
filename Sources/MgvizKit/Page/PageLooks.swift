import MgvizExport

/// What a closed container draws in its one node: what `Diagram.collapsing` draws for the
/// group it is (a neuron's activation, `L2: 16 neurons, ReLU`, a call's score), or for a
/// container of values alone (a model's parameters) their count and grad norm.
struct ClosedLook {
    var label: String
    /// When the label is a name and then its representative's label, which a plate's
    /// examples vary (`L3 N1 score[17]`): the name and its space.
    var labelPrefix: String?
    /// Empty for none: no ellipse is drawn.
    var op: String
    /// Drawn instead of data and grad, for a container of many values.
    var lines: [String]?
    var notes: [String]
    var isDead: Bool
    var kind: NodeKind
    /// The node whose data and grad it draws, when it draws them.
    var representative: Int?

    /// The closed look of every container but the root (nil there).
    static func looks(of diagram: Diagram, tree: PageTree, nodes: PageNodes) -> [ClosedLook?] {
        var looks = [ClosedLook?](repeating: nil, count: tree.containers.count)
        var containerOfGroup: [Int: Int] = [:]
        for (index, container) in tree.containers.enumerated() {
            if let group = container.group { containerOfGroup[group] = index }
        }
        // A collapsed diagram's positions, back to this diagram's: through the positions in
        // the base diagram that both remember.
        var positionOfBase: [Int32: Int] = [:]
        if let bases = diagram.basePositions {
            for (position, base) in bases.enumerated() { positionOfBase[base] = position }
        }
        let groups = diagram.groups
        var levels: [CollapseLevel] = []
        if groups.contains(where: { $0.kind == .neuron }) { levels.append(.neurons) }
        if groups.contains(where: { $0.kind == .layer }) { levels.append(.layers) }
        if groups.contains(where: { $0.kind == .call }) { levels.append(.calls) }
        for level in levels {
            let collapsed = diagram.collapsing(level)
            for (position, node) in collapsed.nodes.enumerated() {
                guard case .folded = collapsed.operation(at: position), let group = collapsed.groupIndex(at: position),
                      let container = containerOfGroup[group], looks[container] == nil
                else { continue }
                let base = collapsed.basePositions?[position] ?? Int32(position)
                let representative = diagram.basePositions == nil ? Int(base) : positionOfBase[base]
                looks[container] = ClosedLook(
                    label: node.label, op: node.op, lines: node.fold?.lines, notes: node.fold?.notes ?? [],
                    isDead: node.fold?.isDead ?? false, kind: node.kind,
                    representative: node.fold?.lines == nil ? representative : nil)
            }
        }
        // The nodes under each container, for the others.
        var under = [[Int]](repeating: [], count: tree.containers.count)
        for node in 0..<nodes.count {
            var container = Int(tree.containerOf[node])
            while container > 0 {
                under[container].append(node)
                container = tree.containers[container].parent
            }
        }
        for index in tree.containers.indices.dropFirst() where looks[index] == nil {
            looks[index] = look(of: index, holding: under[index], tree: tree, nodes: nodes)
        }
        for index in looks.indices {
            guard var look = looks[index], let representative = look.representative else { continue }
            let name = tree.containers[index].name, own = nodes.labels[representative]
            if !own.isEmpty && look.label == name + " " + own { look.labelPrefix = name + " " }
            looks[index] = look
        }
        return looks
    }

    /// A container that no collapse level folds: values alone (parameters) show their count
    /// and grad norm; anything else its one output's data and grad, or how many outputs it has.
    private static func look(of index: Int, holding members: [Int], tree: PageTree, nodes: PageNodes) -> ClosedLook {
        let container = tree.containers[index]
        if members.allSatisfy({ !nodes.drawsOp($0) && nodes.operands(of: $0).isEmpty }) {
            var lines = ["\(members.count) value\(members.count == 1 ? "" : "s")"]
            if nodes.showsGrads {
                let norm = members.reduce(0) { $0 + nodes.grads[$1] * nodes.grads[$1] }.squareRoot()
                lines.append("grad norm " + cFormat("%.4g", norm))
            }
            let kind: NodeKind = members.allSatisfy { nodes.kinds[$0] == .parameter } ? .parameter : .input
            return ClosedLook(label: container.name, op: "", lines: lines, notes: [], isDead: false, kind: kind, representative: nil)
        }
        let outputs = members.filter { member in
            nodes.results(of: member).contains { !tree.isInside(Int(tree.containerOf[Int($0)]), index) }
        }
        let last = members.last!
        let representative = outputs.count == 1 ? outputs[0] : outputs.isEmpty ? last : nil
        return ClosedLook(
            label: container.name, op: "", lines: representative == nil ? ["\(outputs.count) outputs"] : nil, notes: [],
            isDead: false, kind: .op, representative: representative)
    }
}
