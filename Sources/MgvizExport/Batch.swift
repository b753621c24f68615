import Micrograd

/// A model run on a batch of examples, and the plate that draws one of them.
///
/// When one model runs on N ≥ 2 examples, each example's computation (its call of the model,
/// its inputs, its loss term) is the same computation on other numbers. A plate draws one
/// example's computation inside a box, `× 100 examples, showing x[17]`, with everything that
/// the examples share outside it: the parameters, with their true grads (the sums over all
/// examples), and what sums the examples up (a `Σ over 100 examples` node, the mean, the
/// regularisation, the total loss).
package struct Plate: Sendable, Equatable {
    /// How many examples there are.
    package var count: Int
    /// The example drawn, 0-based: `x[17]` is example 17.
    package var shown: Int
    /// The positions of the nodes inside the plate, ascending: the shown example's.
    package var members: [Int32]
    /// Every example's data and grad for each member: `data[example * members.count + m]`.
    package var data: [Double]
    /// Empty when the diagram shows no grads.
    package var grads: [Double]
    /// The labels that differ from example to example (`x[17][0]`, `score[17]`): for a
    /// member's index, every example's label.
    package var labels: [Int32: [String]]
    /// How the examples are called, for the plate's line: `x[17]`.
    package var exampleName: String

    /// The box's label: `× 100 examples, showing x[17]`.
    package var caption: String { "× \(count) examples, showing \(exampleName)" }

    package init(
        count: Int, shown: Int, members: [Int32], data: [Double], grads: [Double], labels: [Int32: [String]], exampleName: String
    ) {
        precondition(count >= 2 && (0..<count).contains(shown), "a plate shows one of two examples or more")
        precondition(data.count == count * members.count && (grads.isEmpty || grads.count == data.count), "a plate has every example's numbers")
        self.count = count
        self.shown = shown
        self.members = members
        self.data = data
        self.grads = grads
        self.labels = labels
        self.exampleName = exampleName
    }
}

/// Why a diagram has no plate: what the batch lacks.
public enum PlateRefusal: Error, Sendable, Equatable {
    /// No model ran on two examples or more.
    case notABatch
    /// The examples' computations differ in shape: example `example` differs from example 0's.
    case examplesDiffer(example: Int)
    /// A node outside the examples uses an example's node other than through a sum over them.
    case sharedNodeUsesAnExample(position: Int)
    /// The example asked for is past the last one.
    case noSuchExample(Int, count: Int)

    /// Whether the refusal is of what was asked, rather than of the graph: the graph may
    /// still be drawn whole otherwise.
    package var isAboutTheOptions: Bool {
        if case .noSuchExample = self { return true }
        return false
    }
}

extension Diagram {
    /// How this diagram's nodes divide among the examples of a batch: each model call is an
    /// example, with the nodes that depend on it alone and the leaves that only it uses.
    struct BatchLayout {
        /// Per node: its example, or -1 when it is shared (a parameter, or what depends on
        /// several examples or none).
        var exampleOf: [Int32]
        /// Each example's nodes, ascending.
        var members: [[Int32]]
        /// The sums over examples, and long sums: chains of `+` that fold into one Σ node.
        var sums: [SumChain]
        /// Each call group, in example order.
        var calls: [Int]

        /// The sums drawn as one Σ node: the sums over the examples always, and long sums the
        /// examples share (a regularisation's); a neuron's own weighted sum stays drawn.
        var foldingSums: [SumChain] {
            sums.filter { chain in
                chain.isOverExamples
                    || (chain.terms.count >= Diagram.foldedSumTerms && chain.adds.allSatisfy { exampleOf[Int($0)] < 0 })
            }
        }
    }

    /// A chain of `+` nodes, each used only by the next, as Python's `sum(...)` builds:
    /// `((0 + a) + b) + c`.
    struct SumChain {
        /// Its `+` nodes, in order; the last is the sum.
        var adds: [Int32]
        /// What it adds up, in order: the operands that are not its own `+` nodes.
        var terms: [Int32]
        /// Whether its terms come from different examples: a sum over the batch.
        var isOverExamples: Bool
    }

    /// The calls of one model that ran on several examples; nil when there are not two.
    func batchLayout() -> (layout: BatchLayout, results: Results)? {
        let calls = groups.indices.filter { groups[$0].kind == .call && groups[$0].parent == nil }
        guard calls.count >= 2 else { return nil }
        let results = Results(of: self)
        var callOf = [Int32](repeating: -1, count: groups.count)
        for (example, call) in calls.enumerated() { callOf[call] = Int32(example) }
        for index in groups.indices where callOf[index] < 0 {
            var parent = groups[index].parent
            while let up = parent, callOf[up] < 0 { parent = groups[up].parent }
            if let up = parent { callOf[index] = callOf[up] }
        }
        let shared: Int32 = -1, several: Int32 = -2
        // Forward: a call's nodes are its example's; any other node is the one example its
        // operands come from, or shared.
        var exampleOf = [Int32](repeating: shared, count: count)
        for position in 0..<count {
            if let group = groupIndex(at: position), callOf[group] >= 0 {
                exampleOf[position] = callOf[group]
                continue
            }
            var example = shared
            for operand in operands(of: position) {
                let other = exampleOf[operand]
                if other == shared || other == example { continue }
                example = example == shared ? other : several
                if example == several { break }
            }
            exampleOf[position] = example
        }
        // Sums over the examples are shared, all of them: `0 + loss[0]` too.
        let sums = sumChains(results: results).map { chain in
            var chain = chain
            var seen: Int32 = shared
            for term in chain.terms where exampleOf[Int(term)] >= 0 {
                if seen == shared { seen = exampleOf[Int(term)] } else if seen != exampleOf[Int(term)] { chain.isOverExamples = true }
            }
            return chain
        }
        for chain in sums where chain.isOverExamples {
            for add in chain.adds { exampleOf[Int(add)] = several }
        }
        // Backward: a node that no example claims and that only one example's nodes use is
        // that example's: its inputs, its target, its constants.
        for position in stride(from: count - 1, through: 0, by: -1) where exampleOf[position] == shared {
            let users = results[position]
            guard let first = users.first, case let example = exampleOf[Int(first)], example >= 0 else { continue }
            if users.allSatisfy({ exampleOf[Int($0)] == example }) { exampleOf[position] = example }
        }
        var members = [[Int32]](repeating: [], count: calls.count)
        for position in 0..<count {
            if exampleOf[position] >= 0 { members[Int(exampleOf[position])].append(Int32(position)) } else { exampleOf[position] = shared }
        }
        return (BatchLayout(exampleOf: exampleOf, members: members, sums: sums, calls: calls), results)
    }

    /// Every chain of `+` nodes each used only by the next, a single `+` included.
    private func sumChains(results: Results) -> [SumChain] {
        // next[a] is the `+` that uses the `+` a, when it is a's only use.
        var next = [Int32](repeating: -1, count: count)
        var hasPrevious = [Bool](repeating: false, count: count)
        for position in 0..<count where engineOp(at: position) == .add {
            let users = results[position]
            // A chain stays in its group: a neuron's own sum ends at the neuron, even when a
            // sum over the examples adds it up next (`sum(model(x) for x in xs)`).
            guard users.count == 1, let user = users.first, engineOp(at: Int(user)) == .add,
                  groupIndex(at: position) == groupIndex(at: Int(user))
            else { continue }
            next[position] = user
            hasPrevious[Int(user)] = true
        }
        var chains: [SumChain] = []
        // A chain of one `+` too: `loss[0] + loss[1]` sums two examples.
        for head in 0..<count where !hasPrevious[head] && engineOp(at: head) == .add {
            var adds: [Int32] = [Int32(head)]
            var terms: [Int32] = []
            var position = head
            while true {
                for operand in operands(of: position) where !(adds.count > 1 && operand == Int(adds[adds.count - 2])) {
                    terms.append(Int32(operand))
                }
                guard next[position] >= 0 else { break }
                position = Int(next[position])
                adds.append(Int32(position))
            }
            chains.append(SumChain(adds: adds, terms: terms, isOverExamples: false))
        }
        return chains
    }

    /// The plate drawing one example, `example`, of this diagram's batch: everything the
    /// examples share, and that example's own nodes, with every example's numbers kept for a
    /// viewer that switches between them. Sums over the examples fold into one `Σ over N`
    /// node fed by the shown example's term; other sums of many terms (a regularisation's)
    /// fold into one `Σ` node too.
    package func plate(showing example: Int) throws(PlateRefusal) -> Diagram {
        guard let (layout, results) = batchLayout() else { throw .notABatch }
        let examples = layout.members.count
        guard example >= 0 && example < examples else { throw .noSuchExample(example, count: examples) }
        let shown = layout.members[example]
        // Every example is the shown one's shape: the same ops, kinds and groups' kinds,
        // operands inside the example at the same places, and the same shared operands.
        var memberIndex = [Int32](repeating: -1, count: count)
        for members in layout.members {
            for (m, position) in members.enumerated() { memberIndex[Int(position)] = Int32(m) }
        }
        for (e, members) in layout.members.enumerated() where e != example {
            guard members.count == shown.count else { throw .examplesDiffer(example: e) }
            for (m, position) in members.enumerated() {
                let p = Int(position), q = Int(shown[m])
                let from = Int(operandStart[p]), to = Int(operandStart[q]), width = Int(operandStart[p + 1]) - from
                guard codes[p] == codes[q], kinds[p] == kinds[q], width == Int(operandStart[q + 1]) - to,
                      codes[p] != Op.power.rawValue || powers[Int32(p)] == powers[Int32(q)]
                else { throw .examplesDiffer(example: e) }
                for k in 0..<width {
                    let a = Int(operandList[from + k]), b = Int(operandList[to + k])
                    let same = layout.exampleOf[a] >= 0 ? memberIndex[a] == memberIndex[b] && layout.exampleOf[b] >= 0 : a == b
                    guard same else { throw .examplesDiffer(example: e) }
                }
            }
        }
        let folding = layout.foldingSums
        var isSumOverExamples = [Bool](repeating: false, count: count)
        for chain in folding where chain.isOverExamples { isSumOverExamples[Int(chain.adds.last!)] = true }
        // A shared node may use an example's node only as a term of a sum over the examples.
        var inSum = [Bool](repeating: false, count: count)
        for chain in folding { for add in chain.adds { inSum[Int(add)] = true } }
        for position in 0..<count where layout.exampleOf[position] < 0 && !inSum[position] {
            if operands(of: position).contains(where: { layout.exampleOf[$0] >= 0 }) { throw .sharedNodeUsesAnExample(position: position) }
        }
        var kept: [Int] = []
        var newPosition = [Int32](repeating: -1, count: count)
        for position in 0..<count where layout.exampleOf[position] < 0 || layout.exampleOf[position] == Int32(example) {
            newPosition[position] = Int32(kept.count)
            kept.append(position)
        }
        // A sum over the examples keeps the shown example's term; the others are not drawn.
        var part = keeping(kept) { position, append in
            for (edge, operand) in zip(operandRange(of: position), operands(of: position)) where newPosition[operand] >= 0 {
                append(newPosition[operand], edge)
            }
        }
        part.plate = nil
        part.output = output >= 0 ? Int(newPosition[output]) : -1
        let members = shown.map { newPosition[Int($0)] }
        let folds = folding.map { chain in part.sumFold(chain, examples: examples, at: newPosition, results: Results(of: part)) }
        var (plate, placed) = part.folding(folds)
        // Every example's numbers and varying labels, for each member.
        var data: [Double] = [], grads: [Double] = []
        data.reserveCapacity(examples * shown.count)
        for members in layout.members {
            for position in members {
                data.append(self.data[Int(position)])
                if showsGrads { grads.append(self.grads[Int(position)]) }
            }
        }
        // The labels that vary from example to example: only labelled nodes are looked at.
        var byMember: [Int32: [String]] = [:]
        for (key, label) in self.labels where layout.exampleOf[Int(key)] >= 0 {
            let m = memberIndex[Int(key)]
            byMember[m, default: [String](repeating: "", count: examples)][Int(layout.exampleOf[Int(key)])] = label
        }
        let labels = byMember.filter { _, all in all.contains { $0 != all[example] } }
        let values = Plate(
            count: examples, shown: example, members: members.map { placed[Int($0)] }, data: data, grads: grads, labels: labels,
            exampleName: "x[\(example)]")
        plate.plate = values
        plate.notePlateEdges()
        return plate
    }

    /// Notes what crosses the plate's edge: each edge from a shared node into the plate
    /// carries the shown example's share of the shared node's grad (what the example's use
    /// adds to it in backward), and an edge from the plate into a sum says it carries one of
    /// the examples' terms.
    package mutating func notePlateEdges() {
        guard let plate else { return }
        var isMember = [Bool](repeating: false, count: count)
        for member in plate.members { isMember[Int(member)] = true }
        for position in 0..<count {
            if isMember[position] {
                guard showsGrads else { continue }
                let uses = contributions(of: position)
                for (k, use) in zip(operandRange(of: position), uses) where !isMember[use.operand] {
                    edgeNotes[Int32(k)] = .contribution(use.amount)
                }
            } else if opName(at: position).hasPrefix("Σ") {
                for (k, operand) in zip(operandRange(of: position), operands(of: position)) where isMember[operand] {
                    edgeNotes[Int32(k)] = .sumOverExamples(plate.count)
                }
            }
        }
    }

    /// The fold of a sum chain, in a diagram cut from this one's base (`newPosition` maps
    /// the base's positions to it): its `+` nodes, the zero that Python's `sum` starts
    /// from, and, for a sum the examples share, each term made of one leaf alone (a
    /// regularisation's `p*p`), so that the leaves feed the sum.
    func sumFold(_ chain: SumChain, examples: Int, at newPosition: [Int32], results: Results) -> Fold {
        var members = chain.adds.map { Int(newPosition[Int($0)]) }
        var termOps: Set<String> = []
        for term in chain.terms {
            let position = Int(newPosition[Int(term)])
            guard position >= 0, results[position].count == 1 else { continue }
            if !isOp(at: position) {
                // The zero Python's `sum` starts from: an operand of the first `+`.
                if data[position] == 0 && chain.terms.prefix(2).contains(term) { members.append(position) }
                continue
            }
            // A term of one leaf: `p*p`, `p**2`, `p.relu()`.
            let leaves = Set(operands(of: position))
            guard !chain.isOverExamples, leaves.count == 1, let leaf = leaves.first, !isOp(at: leaf) else { continue }
            members.append(position)
            termOps.insert(opName(at: position) == "*" ? "p*p" : "p" + opName(at: position))
        }
        members.sort()
        let representative = Int(newPosition[Int(chain.adds.last!)])
        let own = label(at: representative)
        let terms = chain.terms.count - (members.count { !isOp(at: $0) })
        let label = !own.isEmpty ? own : chain.isOverExamples ? "Σ over \(examples) examples" : "Σ of \(terms) terms"
        let op = termOps.count == 1 ? "Σ " + termOps.first! : "Σ"
        return Fold(members: members, representative: representative, label: label, op: op, group: -1)
    }

    /// A chain of `+` with this many terms or more folds into one Σ node in a plate.
    package static let foldedSumTerms = 16
}
