import Micrograd

/// backward as micrograd runs it, step by step, on a drawn diagram: the output's grad is set,
/// then step k runs the `_backward` of the k-th node in reverse topological order, and each of
/// its operands' grads grows by (local derivative × that node's grad). Every operand use is
/// one contribution, so a node used twice gets two, and its running sum, started from zero,
/// ends at its final grad: the same additions in the same order as the engine's backward.
///
/// It is what `--explain` prints and what the HTML page replays. A collapsed neuron is one
/// step, its operands' contributions those its nodes made to them; a focused part has none.
package struct BackwardLedger: Sendable {
    /// One node's `_backward`.
    package struct Step: Sendable {
        /// The node's position in the diagram.
        package let node: Int
        /// Its grad when it runs: final, since every node that uses it ran before.
        package let grad: Double
        /// Its operands' contributions, one per use, in operand order; none for a leaf.
        package let uses: [Use]
        /// `grad` at the diagram's precision.
        package let gradText: String
    }

    /// One `operand.grad += local * node.grad`.
    package struct Use: Sendable {
        /// The operand's position in the diagram.
        package let operand: Int
        /// Which of the node's operands it is: the edge's place among the node's edges; -1 for
        /// the other examples' share, which comes along no drawn edge.
        package let slot: Int
        /// ∂node/∂operand.
        package let local: Double
        /// What is added: `local * grad`, as backward computes it.
        package let amount: Double
        /// The operand's grad once it is added.
        package let total: Double
        /// The notebook's terms, with the numbers at the diagram's precision:
        /// `a.grad += b.data * d.grad = -3.0000 * -2.0000 = 6.0000`.
        package let text: String
        /// `local`, `amount` and the operand's grad once it is added, at the diagram's precision.
        package let localText: String
        package let amountText: String
        package let totalText: String
    }

    /// The node whose grad backward sets first, and to what (1, unless a dump says otherwise).
    package let output: Int
    package let seed: Double
    package let seedText: String
    /// Steps in backward's order, the output's first.
    package let steps: [Step]

    /// How many contributions there are: one per operand use on backward's path.
    package var contributionCount: Int { steps.reduce(0) { $0 + $1.uses.count } }

    /// The ledger of what `diagram` draws; nil when it is a focused part, or shows no grads.
    /// A folded node (a collapsed neuron, layer or call, a sum over a batch) is one step,
    /// with the local derivatives and amounts its fold worked out through its nodes (see
    /// `Diagram.folding`). Numbers in the texts have `precision` decimals, as the diagram
    /// draws them.
    package init?(_ diagram: Diagram, precision: Int) {
        guard diagram.focus == nil, diagram.showsGrads, diagram.output >= 0 else { return nil }
        func fixed(_ x: Double) -> String { displayText(x, decimals: precision) }
        var running = [Double](repeating: 0, count: diagram.count)
        output = diagram.output
        seed = diagram.grads[output]
        seedText = displayText(seed, decimals: precision)
        running[output] = seed
        var steps: [Step] = []
        for node in stride(from: diagram.count - 1, through: 0, by: -1) {
            let isFold = diagram.isFolded(at: node)
            let grad = diagram.grads[node]
            let operands = Array(diagram.operands(of: node))
            var amounts: [(slot: Int, local: Double, amount: Double, formula: String, isSum: Bool)] = []
            if isFold {
                // A folded node's uses were worked out when it was folded, through its nodes.
                for (slot, use) in (diagram.foldUses[Int32(node)] ?? []).enumerated() {
                    amounts.append((slot, use.local, use.amount, "", false))
                }
            } else {
                let isSum = diagram.engineOp(at: node) == .add
                for (slot, use) in diagram.contributions(of: node, naming: { Self.name($0, in: diagram) }).enumerated() {
                    amounts.append((slot, use.local, use.amount, use.formula, isSum))
                }
            }
            var uses: [Use] = []
            for entry in amounts {
                let operand = operands[entry.slot]
                // A fold of many values (a model's parameters) has no one grad to add to.
                if diagram.foldTexts[Int32(operand)]?.lines != nil { continue }
                running[operand] += entry.amount
                let local = entry.local
                let formula = isFold
                    ? "\(Self.name(operand, in: diagram)).grad += ∂\(Self.name(node, in: diagram))/∂\(Self.name(operand, in: diagram)) * \(Self.name(node, in: diagram)).grad"
                    : entry.formula
                // A sum passes its grad on as it is: no factor to show.
                let arithmetic = entry.isSum ? fixed(entry.amount) : "\(fixed(local)) * \(fixed(grad)) = \(fixed(entry.amount))"
                uses.append(Use(
                    operand: operand, slot: entry.slot, local: local, amount: entry.amount, total: running[operand],
                    text: formula + " = " + arithmetic, localText: fixed(local), amountText: fixed(entry.amount),
                    totalText: fixed(running[operand])))
            }
            steps.append(Step(node: node, grad: grad, uses: uses, gradText: fixed(grad)))
        }
        // A plate draws one example: what the others add to the grads it shares (its
        // parameters') is one last step, at the sum over the examples, so that every running
        // grad ends at the grad drawn.
        if let plate = diagram.plate {
            let members = Set(plate.members)
            let sum = (0..<diagram.count).first { position in
                diagram.operandRange(of: position).contains { if case .sumOverExamples? = diagram.edgeNotes[Int32($0)] { return true }; return false }
            } ?? output
            var uses: [Use] = []
            for position in 0..<diagram.count where running[position] != diagram.grads[position] && !members.contains(Int32(position)) {
                let amount = diagram.grads[position] - running[position]
                running[position] = diagram.grads[position]
                uses.append(Use(
                    operand: position, slot: -1, local: 0, amount: amount, total: running[position],
                    text: "\(Self.name(position, in: diagram)).grad += what the other \(plate.count - 1) examples add = \(fixed(amount))",
                    localText: "", amountText: fixed(amount), totalText: fixed(running[position])))
            }
            steps.append(Step(node: sum, grad: diagram.grads[sum], uses: uses, gradText: fixed(diagram.grads[sum])))
        }
        self.steps = steps
    }

    /// `--explain`: one line per contribution, in backward's order, with the step it is made in
    /// and the operand's running grad: `step 3  a.grad += b.data * d.grad = -3.0000 * -2.0000
    /// = 6.0000   (a.grad now 6.0000)`.
    package func explanation(in diagram: Diagram) -> [String] {
        var lines: [String] = []
        for (index, step) in steps.enumerated() {
            for use in step.uses {
                lines.append("step \(index + 1)  \(use.text)   (\(Self.name(use.operand, in: diagram)).grad now \(use.totalText))")
            }
        }
        return lines
    }

    /// A node as the ledger names it: its label, or else its id, which its tooltip shows; a
    /// label with spaces (a collapsed neuron's, `L1 N3`) in parentheses.
    static func name(_ position: Int, in diagram: Diagram) -> String {
        let label = diagram.label(at: position)
        if label.isEmpty { return NodeNames.value(at: diagram.nameNumber(at: position)).description }
        return label.contains(" ") ? "(\(label))" : label
    }
}

extension Diagram {
    /// What the node at `position` adds to each operand's grad, as micrograd's `_backward`
    /// for its op: positions, local derivatives, amounts and the formula in the notebook's
    /// terms, each node in it named by `naming` from its position here.
    func contributions(
        of position: Int, naming: (Int) -> String
    ) -> [(operand: Int, local: Double, amount: Double, formula: String)] {
        guard let (op, exponent) = operation(at: position).engineOp, op != .leaf else { return [] }
        let operands = Array(self.operands(of: position))
        let g = grads[position]
        let out = naming(position)
        let names = operands.map(naming)
        let a = data[operands[0]]
        switch op {
        case .add:
            // micrograd: `self.grad += out.grad`; the local derivative is 1, and 1 * g is g.
            return operands.indices.map { (operands[$0], 1, g, "\(names[$0]).grad += \(out).grad") }
        case .mul:
            let b = data[operands[1]]
            return [
                (operands[0], b, b * g, "\(names[0]).grad += \(names[1]).data * \(out).grad"),
                (operands[1], a, a * g, "\(names[1]).grad += \(names[0]).data * \(out).grad"),
            ]
        case .powerValue:
            let local = op.apply(a, data[operands[1]])
            return [
                (operands[0], local.da, local.da * g, "\(names[0]).grad += (\(names[1]).data * \(names[0]).data**(\(names[1]).data - 1)) * \(out).grad"),
                (operands[1], local.db, local.db * g, "\(names[1]).grad += (\(out).data * log(\(names[0]).data)) * \(out).grad"),
            ]
        case let op:
            let local = op.apply(a, exponent).da
            let form: String
            switch op {
            case .power:
                let k = String(opName(at: position).dropFirst(2))
                form = "(\(k) * \(names[0]).data**(\(k) - 1))"
            case .exp: form = "\(out).data"
            case .log: form = "(1 / \(names[0]).data)"
            case .tanh: form = "(1 - \(out).data**2)"
            case .relu: form = "(\(out).data > 0)"
            case .sigmoid: form = "\(out).data * (1 - \(out).data)"
            case .sin: form = "cos(\(names[0]).data)"
            case .cos: form = "-sin(\(names[0]).data)"
            default: form = "∂\(out)/∂\(names[0])"
            }
            return [(operands[0], local, local * g, "\(names[0]).grad += \(form) * \(out).grad")]
        }
    }
}
