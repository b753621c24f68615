/// Section 1 of the seed notebook as a tool: backward's gradient against finite differences,
/// central by default (the notebook's better estimate) or forward (its first).
public struct GradientCheck {
    /// What a check concluded about one input's grad.
    public enum Verdict: Equatable, Sendable {
        /// The grad is within the tolerance of the finite difference.
        case ok
        /// The grad is off by more than the tolerance allows.
        case wrong
        /// Both numbers are NaN: the output is NaN around this input, so there is nothing
        /// to compare, and calling either number wrong would send the learner the wrong way.
        case notANumber
        /// The output is not differentiable in this input here, for example a ReLU exactly
        /// at 0 on the path: neither number is "the" derivative, so neither is called wrong.
        case notDifferentiable(at: Value)
    }

    /// One input's check.
    public struct Result: Sendable {
        /// The input whose grad was checked.
        public let input: Value
        /// The grad backward left on the input.
        public let autograd: Double
        /// The finite difference's estimate of the same derivative.
        public let numeric: Double
        /// Whether the two agree.
        public let verdict: Verdict
    }

    /// The defaults, public so that a command line can show them without repeating them.
    public static let defaultTolerance = 1e-5
    /// The default h: small enough for the notebook's examples, large enough to stay clear of
    /// rounding.
    public static let defaultStep = 1e-6
    /// The central difference, the notebook's better estimate.
    public static let defaultMethod = FiniteDifference.central

    /// |autograd - numeric| must be at most `tolerance + tolerance * |numeric|`.
    public var tolerance: Double
    /// The h of the finite difference.
    public var step: Double
    /// Central or forward difference.
    public var method: FiniteDifference

    /// A check with the given tolerance, step and method.
    public init(tolerance: Double = defaultTolerance, step: Double = defaultStep, method: FiniteDifference = defaultMethod) {
        self.tolerance = tolerance
        self.step = step
        self.method = method
    }

    /// What `run(output:inputs:)` costs, up to a constant factor: inputs × the nodes up to the
    /// output, or `Int.max` if that overflows. Each input's check evaluates again the nodes
    /// after it (twice for the difference, once to restore them) and looks for a kink on the
    /// way in two more passes, over tables as long as the graph up to the output.
    public static func work(output: Value, inputs: [Value]) -> Int {
        let (work, overflow) = inputs.count.multipliedReportingOverflow(by: Int(output.id) + 1)
        return overflow ? .max : work
    }

    /// Checks each input's grad, which backward from `output` must already have filled in.
    public func run(output: Value, inputs: [Value]) -> [Result] {
        inputs.map { input in
            let numeric = output.numericGradient(withRespectTo: input, step: step, method: method)
            let verdict: Verdict
            if let kink = output.graph.kink(between: input.id, and: output.id) {
                verdict = .notDifferentiable(at: kink)
            } else if input.grad.isNaN && numeric.isNaN {
                verdict = .notANumber
            } else {
                // Equal infinities agree; any other non-finite pair fails the comparison.
                let agrees = input.grad == numeric || abs(input.grad - numeric) <= tolerance + tolerance * abs(numeric)
                verdict = agrees ? .ok : .wrong
            }
            return Result(input: input, autograd: input.grad, numeric: numeric, verdict: verdict)
        }
    }
}

extension Graph {
    /// The first node on a path from `input` to `output` that sits exactly on a kink of its
    /// op (ReLU of 0), or nil.
    func kink(between input: Int32, and output: Int32) -> Value? {
        let first = Int(input), last = Int(output)
        guard first <= last else { return nil }
        // Forward from the input: which nodes depend on it. Older operands stay false.
        var depends = [Bool](repeating: false, count: last + 1)
        depends[first] = true
        for id in stride(from: first + 1, through: last, by: 1) {
            let node = self.node(id)
            guard node.op != .leaf else { continue }
            depends[id] = depends[node.lhs] || (node.op.isBinary && depends[node.rhs])
        }
        // Backward from the output: which of those it depends on, in topological order.
        let reaches = dependencies(of: output, from: input)
        for id in first...last where depends[id] && reaches[id] {
            let node = self.node(id)
            if node.op == .relu && self.node(node.lhs).data == 0 { return self[id] }
        }
        return nil
    }
}
