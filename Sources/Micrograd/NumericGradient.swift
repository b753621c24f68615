/// Finite-difference estimates of an output's derivative, for checking backward.
public enum FiniteDifference: String, Sendable, CaseIterable {
    /// (f(x+h) - f(x)) / h
    case forward
    /// (f(x+h) - f(x-h)) / 2h: error O(h²) rather than O(h).
    case central
}

extension Value {
    /// Estimates d(self)/d(leaf) by re-evaluating this graph with `leaf` perturbed by `step`.
    /// The graph is not rebuilt, and every node's data is restored before returning.
    public func numericGradient(
        withRespectTo leaf: Value, step: Double = GradientCheck.defaultStep, method: FiniteDifference = GradientCheck.defaultMethod
    ) -> Double {
        precondition(leaf.graph === graph, "the leaf is not in this graph")
        precondition(leaf.op == .leaf, "numeric gradients are taken with respect to leaves")
        let x = leaf.data
        // Only nodes created after the leaf, up to this one, can depend on it; none do when
        // this node is the leaf itself or older than it.
        let affected = (Int(leaf.id) + 1)..<Swift.max(Int(leaf.id) + 1, Int(id) + 1)
        func output(at point: Double) -> Double {
            leaf.data = point
            graph.forward(affected)
            return data
        }
        defer { _ = output(at: x) }
        switch method {
        case .forward: return (output(at: x + step) - output(at: x)) / step
        case .central: return (output(at: x + step) - output(at: x - step)) / (2 * step)
        }
    }
}
