/// Where a NaN or an infinity first shows up in a diagram, for the terminal warning.
public struct NonFiniteOrigin: Equatable, Sendable {
    /// The node's position in the diagram.
    public var position: Int
    /// `NaN first appears at n7 'p' (log of -0.5)`.
    public var message: String
}

extension Diagram {
    /// The first node, in topological order, whose data is NaN or infinite while its
    /// operands' data is not; failing that, the first node backward reaches whose grad is
    /// NaN or infinite. Nil when every number is finite.
    public func firstNonFinite() -> NonFiniteOrigin? {
        if let position = nodes.firstIndex(where: { !$0.data.isFinite }) {
            let node = nodes[position]
            let cause = node.operands.isEmpty ? "an input" : describe(node)
            return NonFiniteOrigin(
                position: position,
                message: "\(spell(node.data)) first appears at \(name(position)) (\(cause))")
        }
        guard let position = nodes.lastIndex(where: { !($0.grad ?? 0).isFinite }) else { return nil }
        let grad = nodes[position].grad!
        // Backward reached this node through the latest result that uses it.
        let consumer = nodes.indices.last { nodes[$0].operands.contains(position) }
        let cause = consumer.map { "backward through \(describe(nodes[$0]))" } ?? "the output's seed"
        return NonFiniteOrigin(position: position, message: "grad \(spell(grad)) first appears at \(name(position)) (\(cause))")
    }

    private func name(_ position: Int) -> String {
        let node = nodes[position]
        return node.label.isEmpty ? node.id : "\(node.id) '\(node.label)'"
    }

    /// `log of -0.5`, `* of 1e308 and 10`.
    private func describe(_ node: Node) -> String {
        node.op + " of " + node.operands.map { spellShort(nodes[$0].data) }.joined(separator: " and ")
    }
}

/// `x` with exactly `decimals` digits after the point; NaN and the infinities spelled out
/// as everywhere else (C's printf would write `nan` and `-nan`).
public func fixedText(_ x: Double, decimals: Int) -> String {
    x.isFinite ? formatFixed(x, decimals: decimals) : spell(x)
}

/// Shortest round-trip digits: reading the text back gives the same Double. NaN and the
/// infinities are spelled out (Swift would write `nan` and `inf`).
public func exactText(_ x: Double) -> String { x.isFinite ? "\(x)" : spell(x) }

/// NaN and infinities spelled out, as the diagram, the JSON dump and the warnings write them.
func spell(_ x: Double) -> String {
    x.isNaN ? "NaN" : x == .infinity ? "Infinity" : "-Infinity"
}

/// A number as briefly as it round-trips: `-0.5`, `1000`, `1e-08`, `NaN`.
func spellShort(_ x: Double) -> String {
    guard x.isFinite else { return spell(x) }
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}
