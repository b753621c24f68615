/// Where a NaN or an infinity first shows up in a diagram, and what made it.
public struct NonFiniteOrigin: Equatable, Sendable {
    /// Which of the node's numbers is not finite.
    public enum Quantity: Sendable, Equatable {
        /// Its data, from the forward pass.
        case data
        /// Its grad, from backward.
        case grad
    }

    /// What made the number.
    public enum Cause: Sendable, Equatable {
        /// A leaf holds it.
        case input
        /// The node's own op, applied to its operands' data.
        case op
        /// Backward, through the latest result (at this position) that uses the node.
        case backward(through: Int)
        /// The output's grad, which backward sets to 1 before anything else.
        case outputSeed
    }

    /// The node's position in the diagram.
    public var position: Int
    /// Its data or its grad.
    public var quantity: Quantity
    /// The number: NaN, infinity or minus infinity.
    public var value: Double
    /// What made it.
    public var cause: Cause
}

extension Diagram {
    /// The first node, in topological order, whose data is NaN or infinite while its
    /// operands' data is not; failing that, the first node backward reaches whose grad is
    /// NaN or infinite. Nil when every number is finite.
    package func firstNonFinite() -> NonFiniteOrigin? {
        if let position = (0..<count).first(where: { !data(at: $0).isFinite }) {
            return NonFiniteOrigin(
                position: position, quantity: .data, value: data(at: position), cause: operandRange(of: position).isEmpty ? .input : .op)
        }
        guard let position = (0..<count).last(where: { !(grad(at: $0) ?? 0).isFinite }) else { return nil }
        // Backward reached this node through the latest result that uses it.
        let consumer = (0..<count).last { operands(of: $0).contains(position) }
        return NonFiniteOrigin(
            position: position, quantity: .grad, value: grad(at: position)!,
            cause: consumer.map { .backward(through: $0) } ?? .outputSeed)
    }
}

/// `x` with exactly `decimals` digits after the point; NaN and the infinities spelled out
/// as everywhere else (C's printf would write `nan` and `-nan`).
package func fixedText(_ x: Double, decimals: Int) -> String {
    x.isFinite ? formatFixed(x, decimals: decimals) : spell(x)
}

/// Shortest round-trip digits: reading the text back gives the same Double. NaN and the
/// infinities are spelled out (Swift would write `nan` and `inf`).
package func exactText(_ x: Double) -> String { x.isFinite ? "\(x)" : spell(x) }

/// NaN and infinities spelled out, as the diagram, the JSON dump and the warnings write them.
package func spell(_ x: Double) -> String {
    x.isNaN ? "NaN" : x == .infinity ? "Infinity" : "-Infinity"
}

/// A number as briefly as it round-trips: `-0.5`, `1000`, `1e-08`, `NaN`.
package func shortText(_ x: Double) -> String {
    guard x.isFinite else { return spell(x) }
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}
