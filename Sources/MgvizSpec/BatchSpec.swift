import Micrograd

extension Spec {
    /// `"batch": {"inputs": [[0.5, -1.2], …], "targets": [1, -1, …], "loss": "hinge",
    /// "reduction": "mean", "alpha": 1e-4}`: the spec's `mlp` run on N examples, a loss per
    /// example, their mean (or sum) and L2 regularisation, built node for node as micrograd's
    /// demo notebook builds its total loss:
    ///
    ///     scores = list(map(model, inputs))
    ///     losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    ///     data_loss = sum(losses) * (1.0 / len(losses))
    ///     reg_loss = alpha * sum((p*p for p in model.parameters()))
    ///     total_loss = data_loss + reg_loss
    ///
    /// `squared` is the lecture's `(scorei - yi)**2`. The names `data_loss`, `reg_loss` (with
    /// `alpha`) and `total_loss` label their nodes, and `define` may use them; the output is
    /// `total_loss` unless `output` or `define` says otherwise.
    public struct Batch: Sendable, Equatable {
        /// Each example's loss from its score and target.
        public enum Loss: String, Sendable, CaseIterable {
            /// The demo's SVM hinge, `(1 + -y*score).relu()`.
            case hinge
            /// The lecture's `(score - y)**2`.
            case squared
        }

        /// How the examples' losses make the data loss.
        public enum Reduction: String, Sendable, CaseIterable {
            /// `sum(losses) * (1.0 / len(losses))`, as the demo.
            case mean
            /// `sum(losses)`, as the lecture.
            case sum
        }

        /// Each example's inputs, as many as the model takes.
        public var inputs: [[Double]]
        /// Each example's target, one per example.
        public var targets: [Double]
        /// The loss of each example: the demo's hinge by default.
        public var loss: Loss
        /// The losses' mean by default, or their sum.
        public var reduction: Reduction
        /// The weight of the L2 regularisation `alpha * sum(p*p)`; nil for none.
        public var alpha: Double?

        /// The keys a `batch` object may have; any other is refused.
        public static let keys = ["inputs", "targets", "loss", "reduction", "alpha"]
        /// The names a batch binds.
        public static let dataLoss = "data_loss", regLoss = "reg_loss", totalLoss = "total_loss"

        /// A batch of examples, with the demo's loss and reduction by default and no regularisation.
        public init(inputs: [[Double]], targets: [Double], loss: Loss = .hinge, reduction: Reduction = .mean, alpha: Double? = nil) {
            self.inputs = inputs
            self.targets = targets
            self.loss = loss
            self.reduction = reduction
            self.alpha = alpha
        }
    }

    static func parseBatch(_ value: JSONValue, model: Model?) throws(SpecError) -> Batch {
        func fail(_ key: String, _ value: JSONValue, _ message: String) -> SpecError {
            SpecError(.member(["batch", key], value.position), message)
        }
        guard case .object(let members) = value.kind else {
            throw SpecError(.member(["batch"], value.position), "expected an object, got \(value.typeName)")
        }
        guard let model else {
            throw SpecError(.member(["batch"], value.position), "a batch runs the spec's \"mlp\": give one")
        }
        guard model.inputs.isEmpty && model.outputs.isEmpty else {
            throw SpecError(.member(["mlp"], nil), "with a \"batch\", the model's inputs are the batch's: drop \"mlp\".\"inputs\" and \"outputs\"")
        }
        guard model.sizes.last == 1 else {
            throw SpecError(.member(["mlp", "sizes"], nil), "a batch's loss takes one score an example: the last layer must have 1 neuron, not \(model.sizes.last!)")
        }
        for member in members where !Batch.keys.contains(member.key) {
            throw fail(member.key, member.value, "unknown key \"\(echo(member.key))\" (expected one of: \(Batch.keys.joined(separator: ", ")))")
        }
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        func number(_ value: JSONValue, _ key: String) throws(SpecError) -> Double {
            guard case .number(let number) = value.kind else { throw fail(key, value, "expected a number, got \(value.typeName)") }
            return number
        }
        guard let inputsValue = member("inputs"), case .array(let rows) = inputsValue.kind, !rows.isEmpty else {
            throw SpecError(.member(["batch"], value.position), "expected \"inputs\": an array of examples, each an array of \(model.sizes[0]) numbers")
        }
        var inputs: [[Double]] = []
        inputs.reserveCapacity(rows.count)
        for row in rows {
            guard case .array(let cells) = row.kind, cells.count == model.sizes[0] else {
                throw fail("inputs", row, "expected an example of \(model.sizes[0]) numbers, as MLP\(model.sizes) takes")
            }
            var example: [Double] = []
            for cell in cells { example.append(try number(cell, "inputs")) }
            inputs.append(example)
        }
        guard let targetsValue = member("targets"), case .array(let targetValues) = targetsValue.kind else {
            throw SpecError(.member(["batch"], value.position), "expected \"targets\": an array of one number per example")
        }
        guard targetValues.count == inputs.count else {
            throw fail("targets", targetsValue, "expected \(inputs.count) targets, one per example, got \(targetValues.count)")
        }
        var targets: [Double] = []
        for target in targetValues { targets.append(try number(target, "targets")) }
        func choice<Choice: RawRepresentable<String> & CaseIterable>(_ key: String, default fallback: Choice) throws(SpecError) -> Choice {
            guard let found = member(key) else { return fallback }
            guard case .string(let text) = found.kind, let chosen = Choice(rawValue: text) else {
                throw fail(key, found, "expected " + Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or "))
            }
            return chosen
        }
        let loss: Batch.Loss = try choice("loss", default: .hinge)
        let reduction: Batch.Reduction = try choice("reduction", default: .mean)
        let alpha = try member("alpha").map { (found) throws(SpecError) in try number(found, "alpha") }
        return Batch(inputs: inputs, targets: targets, loss: loss, reduction: reduction, alpha: alpha)
    }
}

extension Spec.Batch {
    /// Runs `model` on every example, as the demo does, and returns the names it binds:
    /// `data_loss`, `reg_loss` with `alpha`, and `total_loss`. Traps nothing: the node count
    /// is checked after each example against `nodeCeiling`.
    func evaluate(_ model: MLP, graph: Graph, nodeCeiling: Int) throws(SpecError) -> [(name: String, value: Value)] {
        func checkSize() throws(SpecError) {
            guard graph.count <= nodeCeiling else {
                throw SpecError(
                    .member(["batch", "inputs"], nil),
                    LimitExceeded(.nodes, maximum: Spec.maximumNodes, count: graph.count - (nodeCeiling - Spec.maximumNodes)))
            }
        }
        // The leaves of every example first, as `[list(map(Value, xrow)) for xrow in Xb]`.
        let examples = inputs.map { $0.map { Value($0, in: graph) } }
        var scores: [Value] = []
        scores.reserveCapacity(examples.count)
        for x in examples {
            scores.append(model(x)[0])
            try checkSize()
        }
        let losses: [Value] = zip(targets, scores).map { y, score in
            switch loss {
            case .hinge: return (1 + -y * score).relu()
            case .squared: return (score - y) ** 2
            }
        }
        try checkSize()
        var bound = [(name: String, value: Value)]()
        var dataLoss = pythonSum(losses)
        if reduction == .mean { dataLoss = dataLoss * (1.0 / Double(losses.count)) }
        bound.append((Self.dataLoss, dataLoss))
        var total = dataLoss
        if let alpha {
            let regLoss = alpha * pythonSum(model.parameters().map { $0 * $0 })
            bound.append((Self.regLoss, regLoss))
            total = dataLoss + regLoss
        }
        try checkSize()
        bound.append((Self.totalLoss, total))
        return bound
    }

    /// Python's `sum(values)`: it starts from the int 0, which micrograd turns into a leaf.
    private func pythonSum(_ values: [Value]) -> Value {
        values.dropFirst().reduce(values[0] + 0) { $0 + $1 }
    }
}
