extension Diagram {
    /// Nodes drawn as one: a collapsed neuron, layer or call, or a sum over a batch.
    struct Fold {
        /// Its nodes, ascending; no other fold holds them.
        var members: [Int]
        /// The member whose place, data and grad the folded node takes: a neuron's activation,
        /// a call's score, a sum's last `+`.
        var representative: Int
        /// The label and op drawn: `L1 N3 y`, `ReLU(Σwx+b)`.
        var label: String
        var op: String
        /// The group it stands for, or -1.
        var group: Int32
        /// Lines drawn instead of data and grad, for a fold whose members have no one value
        /// (a layer of 16 neurons); nil to draw the representative's.
        var lines: [String]? = nil
        /// Lines drawn after data and grad: `3 of 16 dead`.
        var notes: [String] = []
        /// Whether it is drawn as dead: every unit in it gives 0 for every example.
        var isDead = false
        /// `.op`, or `.parameter` for a model's parameters, which no op made.
        var kind = NodeKind.op
    }

    /// What a folded node adds to one of its operands' grads in backward: the derivative of
    /// its output with respect to the operand, by the chain rule through its nodes, and the
    /// amount its nodes' uses of the operand add, in the order backward adds them.
    public struct FoldUse: Sendable, Equatable {
        /// ∂(the fold's output)/∂(the operand), through the fold's nodes.
        public var local: Double
        /// What the fold's nodes add to the operand's grad: `local` × the output's grad.
        public var amount: Double

        /// A use with its local derivative and the amount it adds.
        public init(local: Double, amount: Double) {
            self.local = local
            self.amount = amount
        }
    }

    /// What a folded node draws besides its label and op.
    package struct FoldText: Sendable, Equatable {
        package var lines: [String]?
        package var notes: [String]
        package var isDead: Bool

        package init(lines: [String]?, notes: [String], isDead: Bool) {
            self.lines = lines
            self.notes = notes
            self.isDead = isDead
        }
    }

    /// The same diagram with each fold drawn as one node, fed once by each node outside it
    /// that feeds one of its members; what used a member uses the folded node. An edge into a
    /// fold carries the sum of the contributions that edges into its members carried.
    /// Returns the new position of each node, -1 for a member folded away.
    func folding(_ folds: [Fold]) -> (diagram: Diagram, newPosition: [Int32]) {
        var foldOf = [Int32](repeating: -1, count: count)
        for (index, fold) in folds.enumerated() {
            precondition(fold.members.contains(fold.representative), "a fold is drawn at one of its members")
            for member in fold.members {
                precondition(foldOf[member] < 0, "node \(member) is in two folds")
                foldOf[member] = Int32(index)
            }
        }
        /// Where the node at `position` is drawn: itself, or the fold it is in.
        func drawnAs(_ position: Int) -> Int { foldOf[position] < 0 ? position : folds[Int(foldOf[position])].representative }
        // What feeds each fold, once each, in the order its members use them, with the
        // contributions their edges carried.
        var feeds = [[Int32]](repeating: [], count: folds.count)
        var contributions = [[Double?]](repeating: [], count: folds.count)
        for (index, fold) in folds.enumerated() {
            var slot: [Int: Int] = [:]
            for member in fold.members {
                for (edge, operand) in zip(operandRange(of: member), operands(of: member)) {
                    let source = drawnAs(operand)
                    guard foldOf[source] != Int32(index) else { continue }
                    let k: Int
                    if let known = slot[source] {
                        k = known
                    } else {
                        k = feeds[index].count
                        slot[source] = k
                        feeds[index].append(Int32(source))
                        contributions[index].append(nil)
                    }
                    // Contributions to several values (a folded group of parameters) add up to nothing.
                    let isManyValues = foldOf[source] >= 0 ? folds[Int(foldOf[source])].lines != nil : foldTexts[Int32(source)]?.lines != nil
                    if case .contribution(let amount)? = edgeNotes[Int32(edge)], !isManyValues {
                        contributions[index][k] = (contributions[index][k] ?? 0) + amount
                    }
                }
            }
        }
        let uses = showsGrads ? folds.indices.map { foldUses(folds[$0], feeds: feeds[$0], drawnAs: drawnAs) } : []
        var kept: [Int] = []
        for position in 0..<count where foldOf[position] < 0 || folds[Int(foldOf[position])].representative == position {
            kept.append(position)
        }
        /// The kept node's operands once folded, as kept positions.
        func sources(_ position: Int) -> [Int] {
            foldOf[position] >= 0 ? feeds[Int(foldOf[position])].map(Int.init) : operands(of: position).map(drawnAs)
        }
        // A folded node sits where its representative was; if something drawn before it uses
        // it (a dump may list a layer's nodes among the next layer's), the nodes are put in
        // an order where operands come first, each as early as it was.
        if kept.contains(where: { position in sources(position).contains { $0 > position } }) {
            kept = Self.operandsFirst(kept, sources: sources)
        }
        var newPosition = [Int32](repeating: -1, count: count)
        for (index, position) in kept.enumerated() { newPosition[position] = Int32(index) }
        var folded = keeping(kept) { position, append in
            if foldOf[position] >= 0 {
                for source in feeds[Int(foldOf[position])] { append(newPosition[Int(source)], nil) }
            } else {
                // Several members of one fold feed it once; one node used twice stays two uses.
                var fedBy = Set<Int>()
                for (edge, operand) in zip(operandRange(of: position), operands(of: position)) {
                    let source = drawnAs(operand)
                    guard source == operand || fedBy.insert(source).inserted else { continue }
                    append(newPosition[source], source == operand ? edge : nil)
                }
            }
        }
        // A folded node kept as it is, whose operands two or more now feed as one fold (the
        // parameters a regularisation's sum uses), has its uses of them summed.
        for position in 0..<count where foldOf[position] < 0 && isFolded(at: position) {
            guard let uses = foldUses[Int32(position)] else { continue }
            var merged: [FoldUse] = []
            var slotOf: [Int: Int] = [:]
            for (operand, use) in zip(operands(of: position), uses) {
                let source = drawnAs(operand)
                if source != operand, let slot = slotOf[source] {
                    merged[slot].local += use.local
                    merged[slot].amount += use.amount
                } else {
                    if source != operand { slotOf[source] = merged.count }
                    merged.append(use)
                }
            }
            folded.foldUses[newPosition[position]] = merged
        }
        for (index, fold) in folds.enumerated() {
            let position = Int(newPosition[fold.representative])
            let key = Int32(position)
            folded.codes[position] = Self.foldedCode
            folded.powers[key] = nil
            folded.foldedOps[key] = fold.op
            folded.labels[key] = fold.label
            folded.kinds[position] = fold.kind
            if fold.lines != nil || !fold.notes.isEmpty || fold.isDead {
                folded.foldTexts[key] = FoldText(lines: fold.lines, notes: fold.notes, isDead: fold.isDead)
            }
            // A member folded already stands for its own members.
            folded.foldedMembers[key] = fold.members.flatMap { foldedMembers[Int32($0)] ?? [Int32(basePosition(of: $0))] }
            if fold.group >= 0 || !folded.groupOf.isEmpty {
                if folded.groupOf.isEmpty { folded.groupOf = [Int32](repeating: -1, count: folded.count) }
                folded.groupOf[position] = fold.group
            }
            if showsGrads { folded.foldUses[key] = uses[index] }
            for (k, amount) in zip(folded.operandRange(of: position), contributions[index]) {
                if let amount { folded.edgeNotes[Int32(k)] = .contribution(amount) }
            }
        }
        if !folded.groupOf.contains(where: { $0 >= 0 }) { folded.groupOf = [] }
        folded.output = output >= 0 ? Int(newPosition[drawnAs(output)]) : -1
        return (folded, newPosition)
    }

    /// A fold's uses of each node that feeds it (`feeds`, in its operands' order): its
    /// nodes' own uses of it summed, newest node first, as backward adds them, so that the
    /// operand's running grad ends at its grad; and ∂output/∂operand through the nodes, from
    /// the output down, so that it shows where the fold's grad is 0 too.
    private func foldUses(_ fold: Fold, feeds: [Int32], drawnAs: (Int) -> Int) -> [FoldUse] {
        var slotOf: [Int: Int] = [:]
        for (slot, source) in feeds.enumerated() where slotOf[Int(source)] == nil { slotOf[Int(source)] = slot }
        var uses = [FoldUse](repeating: FoldUse(local: 0, amount: 0), count: feeds.count)
        let isMember = Set(fold.members)
        var derivative: [Int: Double] = [fold.representative: 1]
        for member in fold.members.reversed() {
            let outer = derivative[member] ?? 0
            for use in memberUses(of: member) {
                if isMember.contains(use.operand) {
                    derivative[use.operand, default: 0] += use.local * outer
                } else if let slot = slotOf[drawnAs(use.operand)] {
                    uses[slot].amount += use.amount
                    uses[slot].local += use.local * outer
                }
            }
        }
        return uses
    }

    /// What the node at `position` adds to each of its operands' grads: an engine node's
    /// `_backward`, or a folded node's uses.
    private func memberUses(of position: Int) -> [(operand: Int, local: Double, amount: Double)] {
        if isFolded(at: position) {
            return zip(operands(of: position), foldUses[Int32(position)] ?? []).map { ($0, $1.local, $1.amount) }
        }
        return contributions(of: position).map { ($0.operand, $0.local, $0.amount) }
    }

    /// `nodes` reordered so that each comes after its `sources`, keeping their order where
    /// that already holds: a depth-first walk, with explicit stacks, that places each node's
    /// sources before it.
    private static func operandsFirst(_ nodes: [Int], sources: (Int) -> [Int]) -> [Int] {
        var placed = Set<Int>(), order: [Int] = []
        order.reserveCapacity(nodes.count)
        for node in nodes where !placed.contains(node) {
            var stack: [(node: Int, sources: [Int], next: Int)] = [(node, sources(node).sorted(), 0)]
            placed.insert(node)
            while !stack.isEmpty {
                let top = stack.count - 1
                if stack[top].next < stack[top].sources.count {
                    let source = stack[top].sources[stack[top].next]
                    stack[top].next += 1
                    if placed.insert(source).inserted { stack.append((source, sources(source).sorted(), 0)) }
                } else {
                    order.append(stack.removeLast().node)
                }
            }
        }
        return order
    }

    /// The position in the base diagram (the whole one this was cut or folded from) of the
    /// node at `position`.
    func basePosition(of position: Int) -> Int { basePositions.map { Int($0[position]) } ?? position }
}
