import Micrograd

/// How the ledger writes a contribution.
public enum BackwardNotation: String, Sendable, CaseIterable {
    /// The notebook's code: `x1.grad += w1.data * x1w1.grad = -3 * 0.5 = -1.5`.
    case code
    /// The chain rule, with the op's local rule:
    /// `∂o/∂x1 += ∂o/∂x1w1 · ∂x1w1/∂x1 = 0.5 × w1 = 0.5 × -3 = -1.5`.
    case symbols
}

/// Which nodes' `_backward` the ledger gives a step of their own.
public enum BackwardSteps: String, Sendable, CaseIterable {
    /// The output's, and every node's that has operands: a leaf's `_backward` does nothing,
    /// and its grad is final at the step that adds its last contribution (`Step.leaves`).
    case ops
    /// Every node's, a leaf's too, as micrograd runs them.
    case all
}

/// backward as micrograd runs it, step by step, on a drawn diagram: the output's grad is set,
/// then step k runs the `_backward` of the k-th node in reverse topological order, and each of
/// its operands' grads grows by (local derivative × that node's grad). Every operand use is
/// one contribution, so a node used twice gets two, and its running sum, started from zero,
/// ends at its final grad: the same additions in the same order as the engine's backward.
/// By default a leaf has no step of its own (`BackwardSteps`).
///
/// It is what `--explain` prints and what the HTML page replays. A collapsed neuron is one
/// step, its operands' contributions those its nodes made to them; a focused part has none.
/// Nodes are named as `ValueNames` names them. Numbers in the texts check by hand
/// (`HandProduct`): the result of each product has the diagram's precision in significant
/// digits (at least 1), and each factor as many as it takes; the `…Text` numbers beside
/// them have the diagram's precision in decimals, as the records draw them.
package struct BackwardLedger: Sendable {
    /// One node's `_backward`.
    package struct Step: Sendable {
        /// The node's position in the diagram.
        package let node: Int
        /// Its name.
        package let name: String
        /// Its grad when it runs: final, since every node that uses it ran before.
        package let grad: Double
        /// Its operands' contributions, one per use, in operand order; none for a leaf.
        package let uses: [Use]
        /// `grad` at the diagram's precision, as its record draws it.
        package let gradText: String
        /// `grad` with the diagram's precision in significant digits: the quiz's answer.
        package let handGrad: String
        /// What the node's op passes back, in words: `a product passes each operand its grad
        /// times the other operand's data`.
        package let rule: String
        /// Whether the node has no operands: its `_backward` does nothing.
        package let isLeaf: Bool
        /// The leaves whose grads are final once this step has run (its last contribution to
        /// each), in the order it adds to them; a leaf has no step of its own under `.ops`.
        package let leaves: [Int]
    }

    /// One `operand.grad += local * node.grad`.
    package struct Use: Sendable {
        /// The operand's position in the diagram.
        package let operand: Int
        /// Its name.
        package let operandName: String
        /// Which of the node's operands it is: the edge's place among the node's edges; -1 for
        /// the other examples' share, which comes along no drawn edge.
        package let slot: Int
        /// ∂node/∂operand.
        package let local: Double
        /// What is added: `local * grad`, as backward computes it.
        package let amount: Double
        /// The operand's grad once it is added.
        package let total: Double
        /// The notebook's terms: `a.grad += b.data * d.grad = -3 * -2 = 6`; a sum's use
        /// shows only what it passes on: `a.grad += d.grad = -2`.
        package let text: String
        /// The chain rule: `∂L/∂a += ∂L/∂d · ∂d/∂a = -2 × b = -2 × -3 = 6`.
        package let symbols: String
        /// The op's local rule for this operand, in general: `∂(a·b)/∂a = b`.
        package let rule: String
        /// ∂node/∂operand by that rule, with the diagram's names: `b`, `1 - o**2`.
        package let localSymbol: String
        /// The product as the texts show it: `handLocal * handGrad = handAmount`.
        package let handLocal: String
        package let handGrad: String
        package let handAmount: String
        /// The operand's grad once added, with the diagram's precision in significant digits.
        package let handTotal: String
        /// `local`, `amount` and the operand's grad once it is added, at the diagram's
        /// precision in decimals, as the records draw them.
        package let localText: String
        package let amountText: String
        package let totalText: String
    }

    /// The node whose grad backward sets first, and to what (1, unless a dump says otherwise).
    package let output: Int
    package let seed: Double
    package let seedText: String
    /// The output's name, the numerator of every ∂ in the symbols.
    package let outputName: String
    /// Steps in backward's order, the output's first.
    package let steps: [Step]
    /// Whether a leaf has a step of its own.
    package let pacing: BackwardSteps

    /// How many contributions there are: one per operand use on backward's path.
    package var contributionCount: Int { steps.reduce(0) { $0 + $1.uses.count } }

    /// The ledger of what `diagram` draws; nil when it is a focused part, or shows no grads.
    /// A folded node (a collapsed neuron, layer or call, a sum over a batch) is one step,
    /// with the local derivatives and amounts its fold worked out through its nodes (see
    /// `Diagram.folding`).
    package init?(_ diagram: Diagram, precision: Int, steps pacing: BackwardSteps = .ops) {
        guard diagram.focus == nil, diagram.showsGrads, diagram.output >= 0 else { return nil }
        let names = diagram.valueNames
        let digits = max(1, precision)
        func fixed(_ x: Double) -> String { displayText(x, decimals: precision) }
        var running = [Double](repeating: 0, count: diagram.count)
        output = diagram.output
        seed = diagram.grads[output]
        seedText = fixed(seed)
        running[output] = seed
        outputName = names.name(at: output)
        self.pacing = pacing
        let top = "∂" + ValueNames.atom(outputName)
        var steps: [Step] = []
        // The step of each leaf's latest contribution, to note it there.
        var lastUse: [Int: Int] = [:]
        for node in stride(from: diagram.count - 1, through: 0, by: -1) {
            let isLeaf = diagram.operandRange(of: node).isEmpty
            guard !isLeaf || pacing == .all || node == output else { continue }
            let grad = diagram.grads[node]
            let operands = Array(diagram.operands(of: node))
            let rules = LocalRules(of: node, in: diagram, names: names)
            var uses: [Use] = []
            for contribution in rules.contributions {
                let operand = operands[contribution.slot]
                // A fold of many values (a model's parameters) has no one grad to add to.
                if diagram.foldTexts[Int32(operand)]?.lines != nil { continue }
                running[operand] += contribution.amount
                if diagram.operandRange(of: operand).isEmpty { lastUse[operand] = steps.count }
                let hand = HandProduct(contribution.local, grad, product: contribution.amount, digits: digits)
                let operandAtom = names.atom(at: operand)
                // A sum passes its grad on as it is: no factor to show.
                let arithmetic = rules.isSum ? hand.product : "\(hand.left) * \(hand.right) = \(hand.product)"
                // The local rule with the diagram's names, unless it is the number itself.
                let symbol = contribution.showsSymbol && ValueNames.atom(hand.left) != contribution.localSymbol
                    && hand.left != contribution.localSymbol ? "\(hand.right) × \(contribution.localSymbol) = " : ""
                let symbols = "\(top)/∂\(operandAtom) += \(top)/∂\(rules.atom) · ∂\(rules.atom)/∂\(operandAtom) = "
                    + "\(symbol)\(hand.right) × \(hand.left) = \(hand.product)"
                uses.append(Use(
                    operand: operand, operandName: names.name(at: operand), slot: contribution.slot, local: contribution.local,
                    amount: contribution.amount, total: running[operand], text: contribution.code + " = " + arithmetic,
                    symbols: symbols, rule: contribution.rule, localSymbol: contribution.localSymbol, handLocal: hand.left,
                    handGrad: hand.right, handAmount: hand.product, handTotal: significantText(running[operand], digits: digits),
                    localText: fixed(contribution.local), amountText: fixed(contribution.amount), totalText: fixed(running[operand])))
            }
            steps.append(Step(
                node: node, name: names.name(at: node), grad: grad, uses: uses, gradText: fixed(grad),
                handGrad: significantText(grad, digits: digits), rule: rules.words, isLeaf: isLeaf, leaves: []))
        }
        // A plate draws one example: what the others add to the grads it shares (its
        // parameters') is one last step, at the sum over the examples, so that every running
        // grad ends at the grad drawn.
        if let plate = diagram.plate {
            let members = Set(plate.members)
            let sum = (0..<diagram.count).first { position in
                diagram.operandRange(of: position).contains { if case .sumOverExamples? = diagram.edgeNotes[Int32($0)] { return true }; return false }
            } ?? output
            let others = "what the other \(plate.count - 1) examples add"
            var uses: [Use] = []
            for position in 0..<diagram.count where running[position] != diagram.grads[position] && !members.contains(Int32(position)) {
                let amount = diagram.grads[position] - running[position]
                running[position] = diagram.grads[position]
                if diagram.operandRange(of: position).isEmpty { lastUse[position] = steps.count }
                let atom = names.atom(at: position), shown = significantText(amount, digits: digits)
                uses.append(Use(
                    operand: position, operandName: names.name(at: position), slot: -1, local: 0, amount: amount,
                    total: running[position], text: "\(atom).grad += \(others) = \(shown)", symbols: "\(top)/∂\(atom) += \(others) = \(shown)",
                    rule: "the other examples' share of the sum over the batch", localSymbol: "", handLocal: "", handGrad: "",
                    handAmount: shown, handTotal: significantText(running[position], digits: digits), localText: "",
                    amountText: fixed(amount), totalText: fixed(running[position])))
            }
            steps.append(Step(
                node: sum, name: names.name(at: sum), grad: diagram.grads[sum], uses: uses, gradText: fixed(diagram.grads[sum]),
                handGrad: significantText(diagram.grads[sum], digits: digits),
                rule: "a sum over the batch passes its grad to every example; the other examples' shares are added here",
                isLeaf: false, leaves: []))
        }
        // Each leaf noted at its latest contribution, in the order the step adds to them.
        var leavesAt: [Int: [Int]] = [:]
        for (index, step) in steps.enumerated() {
            for use in step.uses where lastUse[use.operand] == index && !(leavesAt[index]?.contains(use.operand) ?? false) {
                leavesAt[index, default: []].append(use.operand)
            }
        }
        self.steps = steps.enumerated().map { index, step in
            guard let leaves = leavesAt[index] else { return step }
            return Step(
                node: step.node, name: step.name, grad: step.grad, uses: step.uses, gradText: step.gradText,
                handGrad: step.handGrad, rule: step.rule, isLeaf: step.isLeaf, leaves: leaves)
        }
    }

    /// `--explain`: one line per contribution, in backward's order, with the step it is made in
    /// and the operand's running grad, `final` where a leaf's last contribution makes it:
    /// `step 3  a.grad += b.data * d.grad = -3 * -2 = 6   (a.grad now 6, final)`; under
    /// `.all`, a leaf's own step says that it does nothing. In symbols, each line names the
    /// local derivative it uses: `(local derivative ∂(a·b)/∂a = b; ∂L/∂a now 6, final)`.
    package func explanation(_ notation: BackwardNotation = .code) -> [String] {
        var lines: [String] = []
        let top = "∂" + ValueNames.atom(outputName)
        for (index, step) in steps.enumerated() {
            let number = "step \(index + 1)  "
            func grad(_ name: String) -> String {
                notation == .code ? "\(ValueNames.atom(name)).grad" : "\(top)/∂\(ValueNames.atom(name))"
            }
            if step.isLeaf && step.node != output {
                lines.append(number + "\(step.name) is a leaf: its _backward does nothing   (\(grad(step.name)) is \(step.handGrad))")
                continue
            }
            for use in step.uses {
                let final = step.leaves.contains(use.operand) && isLastUse(use, in: step) ? ", final" : ""
                // The other examples' share of a plate comes by no op: it has no local derivative.
                let rule = notation == .code || use.slot < 0 ? "" : "local derivative \(use.rule); "
                lines.append(number + (notation == .code ? use.text : use.symbols) + "   (\(rule)\(grad(use.operandName)) now \(use.handTotal)\(final))")
            }
        }
        return lines
    }

    /// What the symbols stand for, said once before their lines: the chain rule, which every
    /// line applies. Nil for the notebook's code, which says it in its own terms.
    package func legend(_ notation: BackwardNotation) -> String? {
        guard notation == .symbols else { return nil }
        let top = "∂" + ValueNames.atom(outputName)
        return "backward by the chain rule: each step runs one node's _backward, and for each operand a of that node n, "
            + "\(top)/∂a += \(top)/∂n · ∂n/∂a: n's grad times the local derivative of n's op"
    }

    /// Whether `use` is the step's last use of its operand.
    private func isLastUse(_ use: Use, in step: Step) -> Bool {
        step.uses.last { $0.operand == use.operand }?.slot == use.slot
    }
}

extension Diagram {
    /// What the node at `position` adds to each operand's grad, as micrograd's `_backward`
    /// for its op: positions, local derivatives and amounts, in operand order; none for a
    /// leaf or a folded node, whose uses its fold worked out.
    func contributions(of position: Int) -> [(operand: Int, local: Double, amount: Double)] {
        let operands = Array(self.operands(of: position))
        let g = grads[position]
        if case .sum = operation(at: position) { return operands.map { ($0, 1, g) } }
        guard let (op, exponent) = operation(at: position).engineOp, op != .leaf else { return [] }
        // A focused diagram keeps an op whose operands lie outside the focus without them: the
        // factors its `_backward` needs are not drawn, and neither is what it adds to.
        guard op == .add || operands.count == (op.isBinary ? 2 : 1) else { return [] }
        switch op {
        case .add:
            // micrograd: `self.grad += out.grad`; the local derivative is 1, and 1 * g is g.
            return operands.map { ($0, 1, g) }
        case .mul:
            let a = data[operands[0]], b = data[operands[1]]
            return [(operands[0], b, b * g), (operands[1], a, a * g)]
        case .powerValue:
            let local = op.apply(data[operands[0]], data[operands[1]])
            return [(operands[0], local.da, local.da * g), (operands[1], local.db, local.db * g)]
        default:
            let local = op.apply(data[operands[0]], exponent).da
            return [(operands[0], local, local * g)]
        }
    }
}

/// What a node's `_backward` adds to each operand (`Diagram.contributions(of:)`), with the
/// local rule in the notebook's code, in symbols with the diagram's names, and in general.
struct LocalRules {
    struct Contribution {
        /// The operand's place among the node's operands.
        var slot: Int
        var local: Double
        var amount: Double
        /// `a.grad += b.data * d.grad`.
        var code: String
        /// `b`.
        var localSymbol: String
        /// `∂(a·b)/∂a = b`.
        var rule: String
        /// Whether the symbols line shows `localSymbol` before its number: not for a sum's
        /// 1, nor for a folded group's ∂, which the chain rule before it shows already.
        var showsSymbol = true
    }

    var contributions: [Contribution] = []
    /// The op in words.
    var words = ""
    /// Whether the node is a sum, which passes its grad on as it is.
    var isSum = false
    /// The node's name as one operand: `d`, `(e0 + e1)`.
    var atom: String

    init(of position: Int, in diagram: Diagram, names: ValueNames) {
        atom = names.atom(at: position)
        let out = atom
        let operands = Array(diagram.operands(of: position))
        let atoms = operands.map { names.atom(at: $0) }
        if diagram.isFolded(at: position) {
            // A folded node's uses were worked out when it was folded, through its nodes.
            words = "a folded group passes each operand its grad times ∂\(out)/∂operand, by the chain rule through its nodes"
            for (slot, use) in (diagram.foldUses[Int32(position)] ?? []).enumerated() {
                let local = "∂\(out)/∂\(atoms[slot])"
                contributions.append(Contribution(
                    slot: slot, local: use.local, amount: use.amount, code: "\(atoms[slot]).grad += \(local) * \(out).grad",
                    localSymbol: local, rule: "\(local), by the chain rule through the group's nodes", showsSymbol: false))
            }
            return
        }
        let numbers = diagram.contributions(of: position)
        let operation = diagram.operation(at: position)
        var op = operation.engineOp?.op ?? .add
        if case .sum = operation { op = .add }
        if numbers.isEmpty {
            words = "a leaf: its _backward does nothing"
            return
        }
        /// A name as a function's argument, where it needs no parentheses.
        let plain = operands.map { names.name(at: $0) }
        // The local rule of each operand: its code, its symbol with the diagram's names, in general.
        var rules: [(code: String, symbol: String, rule: String)] = []
        switch op {
        case .add:
            isSum = true
            words = "a sum passes its grad to each operand as it is"
            let letters = ["a", "b"]
            rules = operands.indices.map { slot in
                ("", "1", operands.count == 2 ? "∂(a + b)/∂\(letters[slot]) = 1" : "∂(a + b + …)/∂term = 1")
            }
        case .mul:
            words = "a product passes each operand its grad times the other operand's data"
            rules = [("\(atoms[1]).data", atoms[1], "∂(a·b)/∂a = b"), ("\(atoms[0]).data", atoms[0], "∂(a·b)/∂b = a")]
        case .powerValue:
            words = "a**b passes the base its grad times b·a**(b-1), and the exponent its grad times a**b·log(a)"
            rules = [
                ("(\(atoms[1]).data * \(atoms[0]).data**(\(atoms[1]).data - 1))", "\(atoms[1])·\(atoms[0])**(\(plain[1]) - 1)",
                 "∂(a**b)/∂a = b·a**(b-1)"),
                ("(\(out).data * log(\(atoms[0]).data))", "\(out)·log(\(plain[0]))", "∂(a**b)/∂b = a**b·log(a)"),
            ]
        case .power:
            let k = String(diagram.opName(at: position).dropFirst(2))
            let lower = (operation.engineOp?.exponent ?? 1) - 1
            words = "a**k passes its operand its grad times k·a**(k-1)"
            rules = [(
                "(\(k) * \(atoms[0]).data**(\(k) - 1))",
                lower == 0 ? k : "\(k)·\(atoms[0])" + (lower == 1 ? "" : "**" + shortText(lower)), "∂(a**k)/∂a = k·a**(k-1)"
            )]
        case .exp:
            words = "exp passes its operand its grad times its own data, exp(a)"
            rules = [("\(out).data", out, "∂exp(a)/∂a = exp(a)")]
        case .log:
            words = "log passes its operand its grad times 1/a, a the operand's data"
            rules = [("(1 / \(atoms[0]).data)", "1/\(atoms[0])", "∂log(a)/∂a = 1/a")]
        case .tanh:
            words = "tanh passes its operand its grad times 1 - t**2, t its own data"
            rules = [("(1 - \(out).data**2)", "(1 - \(out)**2)", "∂tanh(a)/∂a = 1 - tanh(a)**2")]
        case .relu:
            words = "ReLU passes its grad on where its data is positive, and nothing where it is 0"
            rules = [("(\(out).data > 0)", "(1 if \(out) > 0 else 0)", "∂relu(a)/∂a = 1 if a > 0 else 0")]
        case .sigmoid:
            words = "sigmoid passes its operand its grad times s·(1 - s), s its own data"
            rules = [("\(out).data * (1 - \(out).data)", "\(out)·(1 - \(out))", "∂sigmoid(a)/∂a = sigmoid(a)·(1 - sigmoid(a))")]
        case .sin:
            words = "sin passes its operand its grad times cos(a)"
            rules = [("cos(\(atoms[0]).data)", "cos(\(plain[0]))", "∂sin(a)/∂a = cos(a)")]
        case .cos:
            words = "cos passes its operand its grad times -sin(a)"
            rules = [("-sin(\(atoms[0]).data)", "-sin(\(plain[0]))", "∂cos(a)/∂a = -sin(a)")]
        case .leaf:
            return
        }
        for (slot, (number, rule)) in zip(numbers, rules).enumerated() {
            // micrograd's `_backward` line: a sum passes `out.grad` on, any other op `local * out.grad`.
            let code = isSum ? "\(atoms[slot]).grad += \(out).grad" : "\(atoms[slot]).grad += \(rule.code) * \(out).grad"
            contributions.append(Contribution(
                slot: slot, local: number.local, amount: number.amount, code: code, localSymbol: rule.symbol, rule: rule.rule,
                showsSymbol: !isSum))
        }
    }
}
